/**
 * The script the browser bench puts into the page before the app loads (as text: the page is not
 * this program). It exposes `window.__bench` with `start({ baseline, countFrames })` and `stop()`:
 *
 * - Text of the answer being streamed: the answer is the last `article.message.assistant` once there
 *   are more than `baseline` of them; a MutationObserver sees each change of its text.
 * - When a change is on screen: the app paints streamed text inside an animation-frame callback, so
 *   the frame's style, layout and paint follow in the same task; the change counts as painted when
 *   that task has ended (a message posted to a MessageChannel runs right after it). A change made
 *   outside a frame (the last paint of an answer) counts as painted at the end of the next frame.
 *   `requestAnimationFrame` is wrapped to tell the two apart.
 * - Tokens: the stand-in stamps each token ("Token3@1234.567"); each stamp is returned with the
 *   moment (performance.timeOrigin + performance.now(), milliseconds since the epoch) the frame that
 *   first showed it had been painted.
 * - Frames: with `countFrames`, every animation frame's time from start to stop, and the moments
 *   the answer's text first and last changed (performance.now()).
 * - `clockSkew()`: Date.now() minus timeOrigin + now(), its largest value over 20 ms (Date.now()
 *   is whole milliseconds, rounded down), so the bench can put both clocks on the system clock.
 */
export const pageProbe = `(() => {
  const epoch = () => performance.timeOrigin + performance.now();
  const nativeFrame = window.requestAnimationFrame.bind(window);
  const channel = new MessageChannel();
  const afterTask = [];
  channel.port1.onmessage = () => {
    const now = epoch();
    for (const done of afterTask.splice(0)) done(now);
  };
  const whenTaskEnds = (done) => {
    afterTask.push(done);
    if (afterTask.length === 1) channel.port2.postMessage(null);
  };
  let inFrame = false;
  window.requestAnimationFrame = (callback) =>
    nativeFrame((time) => {
      inFrame = true;
      whenTaskEnds(() => (inFrame = false));
      callback(time);
    });
  const whenPainted = (done) => {
    if (inFrame) whenTaskEnds(done);
    else nativeFrame(() => whenTaskEnds(done));
  };

  const state = { baseline: 0, answer: null, observer: null, frames: null, lastText: '', firstChange: 0, lastChange: 0, tokens: new Map() };
  const answerText = () => {
    // Found once (a long chat has hundreds of answers), looked up again only if it was replaced.
    if (state.answer === null || !state.answer.isConnected) {
      const all = document.querySelectorAll('article.message.assistant');
      state.answer = all.length > state.baseline ? all[all.length - 1] : null;
    }
    const markdown = state.answer === null ? null : state.answer.querySelector('.markdown');
    return markdown === null ? '' : markdown.textContent;
  };
  const onChange = () => {
    const text = answerText();
    if (text === state.lastText) return;
    state.lastText = text;
    if (text === '') return;
    const now = performance.now();
    if (state.firstChange === 0) state.firstChange = now;
    state.lastChange = now;
    const fresh = [];
    for (const match of text.matchAll(/Token(\\d+)@(\\d+(?:\\.\\d+)?)/g)) {
      const index = Number(match[1]);
      if (state.tokens.has(index)) continue;
      state.tokens.set(index, null);
      fresh.push([index, Number(match[2])]);
    }
    if (fresh.length > 0) whenPainted((paintedAt) => {
      for (const [index, stamp] of fresh) state.tokens.set(index, { index, stamp, paintedAt });
    });
  };
  const countFrame = (time) => {
    if (state.frames === null) return;
    state.frames.push(time);
    nativeFrame(countFrame);
  };

  window.__bench = {
    start(options) {
      state.baseline = options.baseline;
      state.answer = null;
      state.lastText = '';
      state.firstChange = 0;
      state.lastChange = 0;
      state.tokens = new Map();
      state.observer = new MutationObserver(onChange);
      state.observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      state.frames = options.countFrames ? [] : null;
      if (options.countFrames) nativeFrame(countFrame);
    },
    /** Resolves once the last paints are measured. */
    stop() {
      state.observer.disconnect();
      const frames = state.frames ?? [];
      state.frames = null;
      return new Promise((resolve) => nativeFrame(() => whenTaskEnds(() => resolve({
        frames,
        firstChange: state.firstChange,
        lastChange: state.lastChange,
        tokens: [...state.tokens.values()].filter((token) => token !== null),
      }))));
    },
    clockSkew() {
      let largest = -Infinity;
      const end = performance.now() + 20;
      while (performance.now() < end) largest = Math.max(largest, Date.now() - epoch());
      return largest;
    },
  };
})();`;

export interface ProbeResult {
  /** performance.now() of each animation frame (with countFrames). */
  frames: number[];
  /** performance.now() of the first and last change of the answer's text. */
  firstChange: number;
  lastChange: number;
  /** Each stamped token: its index, the stand-in's stamp, and when the frame showing it was painted (page epoch milliseconds). */
  tokens: Array<{ index: number; stamp: number; paintedAt: number }>;
}

/** Date.now() minus performance.timeOrigin + performance.now() in this process (see `clockSkew` above). */
export function processClockSkew(): number {
  let largest = -Infinity;
  const end = performance.now() + 20;
  while (performance.now() < end) largest = Math.max(largest, Date.now() - (performance.timeOrigin + performance.now()));
  return largest;
}
