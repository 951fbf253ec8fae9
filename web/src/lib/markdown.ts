/**
 * Markdown from a model or a shared chat, made safe to show: marked renders it first (raw HTML in
 * the text is shown as text, images become "click to load" buttons, code blocks get a bar with the
 * language and a Copy button), then DOMPurify sanitises the result last, so no HTML or script from
 * the text can run. Links open in a new tab without a referrer.
 */
import DOMPurify from 'dompurify';
import { Marked, type Tokens } from 'marked';
import { MarkdownBlocks } from './markdown-blocks';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The language name of a fence (`ts {1-3}` → `ts`), letters, digits and + # - . only. */
export function fenceLanguage(info: string | undefined): string {
  return (info ?? '').trim().split(/\s+/)[0]?.replace(/[^\w+#.-]/g, '').slice(0, 30).toLowerCase() ?? '';
}

export const markdownParser = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    code({ text, lang }: Tokens.Code): string {
      const language = fenceLanguage(lang);
      const label = escapeHtml(language === '' ? 'text' : language);
      const codeClass = language === '' ? '' : ` class="language-${escapeHtml(language)}"`;
      return (
        `<div class="code-block"><div class="code-bar"><span class="code-language">${label}</span>` +
        `<button type="button" class="copy-code" aria-label="Copy code">Copy</button></div>` +
        `<pre><code${codeClass}>${escapeHtml(text.replace(/\n$/, ''))}</code></pre></div>`
      );
    },
    image({ href, text }: Tokens.Image): string {
      const description = text.trim() === '' ? 'image' : text.trim();
      return `<button type="button" class="image-placeholder" data-src="${escapeHtml(href)}" data-alt="${escapeHtml(description)}">Show image: ${escapeHtml(description)}</button>`;
    },
    html(token: Tokens.HTML | Tokens.Tag): string {
      // Shown as the text it is; a block of it reads as its own paragraph.
      const text = escapeHtml(token.text);
      return token.block ? `<p>${text.trimEnd()}</p>\n` : text;
    },
  },
});

let hooked = false;

/** HTML → safe HTML: no scripts, event handlers, styles, forms, frames or images (images come only as buttons). */
export function sanitize(html: string): string {
  if (!hooked) {
    hooked = true;
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    });
  }
  return DOMPurify.sanitize(html, {
    FORBID_TAGS: ['style', 'img', 'form', 'input', 'textarea', 'select', 'iframe', 'video', 'audio', 'source', 'svg', 'math'],
    FORBID_ATTR: ['style', 'srcset'],
    ALLOW_DATA_ATTR: true,
  });
}

/** A renderer for one message (streamed answers re-render their last block only). */
export function createMarkdownBlocks(): MarkdownBlocks {
  return new MarkdownBlocks(markdownParser, sanitize);
}

/** Where a "Show image" button may lead: http(s) and relative URLs, and inline raster images. */
export function imageUrl(source: string): { url: string; inline: boolean } | undefined {
  if (/^data:image\/(png|jpe?g|gif|webp);base64,/i.test(source)) return { url: source, inline: true };
  try {
    const url = new URL(source, window.location.href);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    // The page's Content-Security-Policy lets only this site's images load inline; others open in a tab.
    return { url: url.href, inline: url.origin === window.location.origin };
  } catch {
    return undefined;
  }
}
