import { describe, expect, it } from 'vitest';
import { escapeHtml, fenceLanguage, markdownParser } from './markdown';

/** What marked renders, before the sanitiser (which the browser smoke run checks). */
const render = (text: string): string => markdownParser.parse(text) as string;

describe('markdown rendering', () => {
  it('shows raw HTML from an answer as text', () => {
    const html = render('Hi <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n<div onclick="x()">block</div>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<div onclick');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<p>&lt;div onclick=&quot;x()&quot;&gt;block&lt;/div&gt;</p>');
  });

  it('turns images into buttons that load nothing until clicked', () => {
    const html = render('![a "chart"](https://example.com/c.png?a=1&b=2)');
    expect(html).toContain('<button type="button" class="image-placeholder" data-src="https://example.com/c.png?a=1&amp;b=2" data-alt="a &quot;chart&quot;">Show image: a &quot;chart&quot;</button>');
    expect(html).not.toContain('<img');
  });

  it('gives code blocks a language bar and a copy button, with the code escaped', () => {
    const html = render('```ts {1}\nconst a = "<b>";\n```');
    expect(html).toContain('<span class="code-language">ts</span>');
    expect(html).toContain('<button type="button" class="copy-code" aria-label="Copy code">Copy</button>');
    expect(html).toContain('<pre><code class="language-ts">const a = &quot;&lt;b&gt;&quot;;</code></pre>');
    expect(render('```\nplain\n```')).toContain('<span class="code-language">text</span><button');
  });

  it('renders GFM tables', () => {
    expect(render('| a | b |\n|---|---|\n| 1 | 2 |')).toMatch(/<table>[\s\S]*<th>a<\/th>[\s\S]*<td>2<\/td>/);
  });

  it('keeps fence languages to a safe class name', () => {
    expect(fenceLanguage('Python3 extra')).toBe('python3');
    expect(fenceLanguage('c++')).toBe('c++');
    expect(fenceLanguage('"><script>')).toBe('script');
    expect(fenceLanguage(undefined)).toBe('');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
