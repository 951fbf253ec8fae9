import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { MarkdownBlocks } from './markdown-blocks';

const marked = new Marked({ gfm: true, async: false });

function blocksFor() {
  const sanitized: string[] = [];
  const blocks = new MarkdownBlocks(marked, (html) => {
    sanitized.push(html);
    return html;
  });
  return { blocks, sanitized };
}

const documentText = '# Title\n\nFirst paragraph with **bold**.\n\n- one\n- two\n\n```js\nconst x = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nLast line.';

describe('MarkdownBlocks', () => {
  it('renders streamed text block by block, re-rendering only the last block', () => {
    const { blocks, sanitized } = blocksFor();
    let rendered = blocks.update('');
    for (let length = 1; length <= documentText.length; length += 1) rendered = blocks.update(documentText.slice(0, length));
    const streamedHtml = rendered.map((block) => block.html).join('');
    // Each step sanitised the new stable blocks once and the last block again: far fewer than re-rendering all.
    expect(sanitized.length).toBeLessThan(documentText.length + 10);
    const whole = blocks.finish(documentText).map((block) => block.html).join('');
    expect(streamedHtml).toBe(whole);
    expect(whole).toContain('<h1>Title</h1>');
    expect(whole).toContain('<table>');
    expect(whole).toContain('<code class="language-js">');
  });

  it('keeps the html of finished blocks and their keys while the last one grows', () => {
    const { blocks } = blocksFor();
    const first = blocks.update('Hello\n\nWor');
    const second = blocks.update('Hello\n\nWorld');
    expect(first[0]).toEqual(second[0]);
    expect(second.map((block) => block.key)).toEqual([0, 1]);
    expect(second[1]!.html).toContain('World');
  });

  it('starts over when the text is replaced rather than extended', () => {
    const { blocks } = blocksFor();
    blocks.update('Old text\n\nmore');
    const replaced = blocks.update('New text');
    expect(replaced).toHaveLength(1);
    expect(replaced[0]!.html).toContain('New text');
  });

  it('renders an unclosed code fence as code while it streams', () => {
    const { blocks } = blocksFor();
    const rendered = blocks.update('Intro\n\n```python\nprint("hi")');
    expect(rendered.at(-1)!.html).toContain('print(&quot;hi&quot;)');
  });

  it('sanitises every block it renders', () => {
    const blocks = new MarkdownBlocks(marked, () => 'SAFE');
    expect(blocks.finish('a\n\nb').map((block) => block.html)).toEqual(['SAFE', 'SAFE']);
  });
});
