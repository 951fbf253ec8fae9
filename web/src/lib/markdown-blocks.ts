/**
 * Markdown to HTML one block at a time, so that a streaming answer re-renders only its last block:
 * every block before the last is complete (a later line cannot change it) and keeps the HTML it was
 * given. When the answer ends, the whole text is rendered once more, so what stays on screen is
 * exactly the whole document's rendering (reference links defined late included).
 *
 * Rendering is `render` (markdown → HTML) then `sanitize` (HTML → safe HTML), always in that order.
 */
import type { Marked, Token, TokensList } from 'marked';

export interface RenderedBlock {
  /** Stable while the block is on screen (its position). */
  key: number;
  html: string;
}

export type Sanitize = (html: string) => string;

/** Renders markdown to HTML blocks; see the top of this file. */
export class MarkdownBlocks {
  private stable: RenderedBlock[] = [];
  /** The source the stable blocks were rendered from. */
  private stableSource = '';

  constructor(
    private readonly marked: Marked,
    private readonly sanitize: Sanitize,
  ) {}

  /** The blocks for `text` while it is still growing. */
  update(text: string): RenderedBlock[] {
    const source = normalise(text);
    if (!source.startsWith(this.stableSource)) this.reset();
    const tail = source.slice(this.stableSource.length);
    const tokens = this.marked.lexer(tail);
    let last = tokens.length - 1;
    while (last >= 0 && tokens[last]!.type === 'space') last -= 1;
    // Blocks before the last one are done, provided the tokens cover the text exactly.
    let covered = '';
    for (let index = 0; index < last; index += 1) covered += tokens[index]!.raw;
    if (last > 0 && tail.startsWith(covered)) {
      for (let index = 0; index < last; index += 1) {
        const token = tokens[index]!;
        if (token.type !== 'space') this.stable.push({ key: this.stable.length, html: this.renderTokens([token], tokens) });
      }
      this.stableSource += covered;
      const live = last >= 0 ? this.renderTokens([tokens[last]!], tokens) : '';
      return live === '' ? [...this.stable] : [...this.stable, { key: this.stable.length, html: live }];
    }
    const live = this.renderTokens(tokens.slice(0, last + 1), tokens);
    return live === '' ? [...this.stable] : [...this.stable, { key: this.stable.length, html: live }];
  }

  /** The blocks for a finished text: the whole document rendered at once. */
  finish(text: string): RenderedBlock[] {
    this.reset();
    const tokens = this.marked.lexer(normalise(text));
    const blocks: RenderedBlock[] = [];
    for (const token of tokens) {
      if (token.type === 'space') continue;
      blocks.push({ key: blocks.length, html: this.renderTokens([token], tokens) });
    }
    return blocks;
  }

  reset(): void {
    this.stable = [];
    this.stableSource = '';
  }

  private renderTokens(tokens: Token[], all: TokensList): string {
    if (tokens.length === 0) return '';
    const list = Object.assign(tokens, { links: all.links }) as TokensList;
    return this.sanitize(this.marked.parser(list) as string);
  }
}

const normalise = (text: string): string => text.replace(/\r\n?/g, '\n');
