/**
 * Code highlighting, loaded on demand (its own chunk, fetched the first time an answer shows code):
 * highlight.js's core with the languages answers use most. Unknown languages stay plain text.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const languages = { bash, c, cpp, csharp, css, diff, go, java, javascript, json, markdown, python, rust, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(languages)) hljs.registerLanguage(name, language);
hljs.registerAliases(['sh', 'shell', 'zsh', 'console'], { languageName: 'bash' });
hljs.registerAliases(['html', 'svg', 'vue', 'svelte'], { languageName: 'xml' });

/** Highlights the code blocks under `root` that are not highlighted yet. */
export function highlightCodeIn(root: HTMLElement): void {
  for (const code of root.querySelectorAll<HTMLElement>('pre code[class*="language-"]:not([data-highlighted])')) {
    const language = /language-([\w+#.-]+)/.exec(code.className)?.[1];
    code.dataset.highlighted = 'yes';
    if (language === undefined || hljs.getLanguage(language) === undefined) continue;
    // highlight.js escapes the text it is given: its output holds only its own spans.
    code.innerHTML = hljs.highlight(code.textContent ?? '', { language, ignoreIllegals: true }).value;
    code.classList.add('hljs');
  }
}
