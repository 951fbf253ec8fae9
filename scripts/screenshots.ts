/**
 * Screenshots of the web app's screens, for looking at them: starts the model-server stand-in and
 * the built server (dist/, so run `npm run build` first) with a fresh DATA_DIR, drives the system
 * Chromium through sign-up, a streamed answer, a regenerated one, an error, the pending screen and
 * a 360 px wide phone, and writes PNGs to test-results/screenshots/. Fails when the page logged an
 * error or the Content-Security-Policy blocked anything.
 *
 *   npm run build && npm run screenshots            (CHROMIUM=/path/to/chromium to choose the browser)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startModelServer } from '../test/support/model-server';
import { startServer } from '../test/support/server-process';

const outputDirectory = join('test-results', 'screenshots');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const answer = `Here is a quick comparison of the two approaches.

## Sorting in place

Use \`list.sort()\` when you no longer need the original order:

\`\`\`python
def top_three(scores: list[int]) -> list[int]:
    scores.sort(reverse=True)
    return scores[:3]
\`\`\`

| Method | Returns | Changes the list |
|---|---|---|
| \`sorted(x)\` | a new list | no |
| \`x.sort()\` | \`None\` | yes |

1. **Readability** — \`sorted\` reads well in expressions.
2. **Memory** — \`sort\` needs no copy.

![A chart of the timings](https://example.com/chart.png)

> Measure before you optimise.
`;

const problems: string[] = [];

function watch(page: Page, name: string): void {
  page.on('console', (message) => {
    // Asking who is signed in answers 401 before signing in, which the browser logs; that is expected.
    if (message.text().includes('status of 401')) return;
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${name}: console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${name}: page error: ${error.message}`));
}

async function shot(page: Page, file: string): Promise<void> {
  const path = join(outputDirectory, file);
  await page.screenshot({ path });
  console.log(`  ${path}`);
}

async function newPage(browser: Browser, options: { width: number; height: number; dark?: boolean; name: string }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: options.width, height: options.height },
    colorScheme: options.dark === true ? 'dark' : 'light',
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  watch(page, options.name);
  // CSP violations are reported as DOM events as well as console messages.
  await page.addInitScript({
    content: "document.addEventListener('securitypolicyviolation', (event) => console.error('CSP blocked ' + event.blockedURI + ' (' + event.violatedDirective + ')'));",
  });
  return { context, page };
}

async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Message', { exact: true }).waitFor();
}

async function main(): Promise<void> {
  mkdirSync(outputDirectory, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'astra-screens-'));
  const upstream = await startModelServer({ apiKey: 'sk-stand-in' });
  upstream.setBehavior({ replyText: answer, tokenDelayMs: 25, firstTokenDelayMs: 300 });
  const server = await startServer({
    DATA_DIR: dataDir,
    WEBUI_SECRET_KEY: 'screenshots-secret',
    OPENAI_API_BASE_URL: upstream.openaiBaseUrl,
    OPENAI_API_KEY: 'sk-stand-in',
    ENABLE_OLLAMA_API: 'false',
    // Titles from the first message (a generated title would be the stand-in's answer, the same for every chat).
    ENABLE_TITLE_GENERATION: 'false',
  });
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    console.log('Screenshots:');
    const { context, page } = await newPage(browser, { width: 1280, height: 820, name: 'desktop' });
    await page.goto(server.url);
    await page.getByRole('heading', { name: /Welcome to/ }).waitFor();
    await shot(page, '01-sign-up-first-admin.png');

    await page.getByLabel('Name').fill('Ada Admin');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create administrator account' }).click();
    await page.getByLabel('Message', { exact: true }).waitFor();
    await page.getByLabel('Model').waitFor();
    await shot(page, '02-chat-empty-admin-banner.png');

    await page.getByLabel('Message', { exact: true }).fill('How do I get the three best scores from a list in Python?');
    await page.keyboard.press('Enter');
    await page.getByText('Sorting in place').waitFor();
    await shot(page, '03-chat-streaming.png');
    await page.getByRole('button', { name: 'Regenerate answer' }).waitFor();
    await page.locator('.hljs').first().waitFor();
    await shot(page, '04-chat-answer.png');

    await page.getByRole('button', { name: 'Regenerate answer' }).click();
    await page.getByText('Sorting in place').waitFor();
    await page.getByRole('button', { name: 'Regenerate answer' }).waitFor();
    await page.getByText('2/2').waitFor();
    await shot(page, '05-chat-regenerated-branches.png');

    // A failing model server: the error shows in the message, with Retry.
    upstream.setBehavior({ fault: 'status-500' });
    await page.getByLabel('Message', { exact: true }).fill('And in JavaScript?');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Retry' }).waitFor();
    await shot(page, '06-chat-error-retry.png');
    upstream.setBehavior({ fault: 'none' });

    // Stop: what arrived stays, marked as stopped.
    upstream.setBehavior({ tokenDelayMs: 120 });
    await page.getByRole('button', { name: 'New chat' }).first().click();
    await page.getByLabel('Message', { exact: true }).fill('Tell me about sorting, slowly');
    await page.keyboard.press('Enter');
    await page.getByText('Here is a quick').waitFor();
    await page.getByRole('button', { name: 'Stop the answer' }).click();
    await page.getByText('Stopped', { exact: true }).waitFor();
    await shot(page, '07-chat-stopped.png');

    // The network drops mid-answer: the app says so, re-attaches when back, and loses or repeats nothing.
    upstream.setBehavior({ tokenDelayMs: 40 });
    await page.getByRole('button', { name: 'New chat' }).first().click();
    await page.getByLabel('Message', { exact: true }).fill('Once more, with a network drop');
    await page.keyboard.press('Enter');
    await page.getByText('Sorting in place').waitFor();
    await context.setOffline(true);
    await page.getByText('You are offline — reconnecting…').waitFor();
    await shot(page, '08-chat-offline-reconnecting.png');
    await page.waitForTimeout(1500);
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Regenerate answer' }).waitFor();
    const shown = await page.locator('.message.assistant .markdown').last().innerText();
    await page.getByRole('link', { name: /How do I get/ }).click();
    await page.locator('.hljs').first().waitFor();
    const reference = await page.locator('.message.assistant .markdown').last().innerText();
    if (shown !== reference) problems.push(`the answer read across the network drop differs from the whole answer:\n${shown}\n---\n${reference}`);
    else console.log('  (the answer read across the network drop is whole: nothing lost or repeated)');

    // Reloading the page mid-answer re-attaches to the answer being generated.
    await page.getByRole('button', { name: 'New chat' }).first().click();
    await page.getByLabel('Message', { exact: true }).fill('An answer that survives a reload');
    await page.keyboard.press('Enter');
    await page.getByText('Sorting in place').waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Regenerate answer' }).waitFor();
    const reloaded = await page.locator('.message.assistant .markdown').last().innerText();
    if (reloaded !== reference) problems.push(`the answer re-attached after a reload differs from the whole answer:\n${reloaded}`);
    else console.log('  (the answer re-attached after a reload is whole)');
    upstream.setBehavior({ tokenDelayMs: 5 });

    // Edit and resend: a second version of the question, with arrows between the versions.
    await page.locator('.message.user').last().hover();
    await page.getByRole('button', { name: 'Edit and resend' }).last().click();
    await page.getByLabel('Edit your message').fill('An edited question');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('button', { name: 'Regenerate answer' }).waitFor();
    await page.locator('.message.user').getByText('2/2').waitFor();
    await shot(page, '09-chat-edited-question.png');

    // Rename from the chat's menu, then search.
    await page.getByRole('button', { name: /Actions for An answer that survives/ }).click();
    await page.getByRole('menuitem', { name: 'Rename' }).click();
    await page.getByLabel('Chat title').fill('Renamed: reload test');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Renamed: reload test' }).waitFor();
    await page.getByLabel('Search chats').fill('sorting');
    await page.getByText('Results for “sorting”').waitFor();
    await shot(page, '10-sidebar-search.png');
    await page.getByRole('button', { name: 'Clear search' }).click();

    // An answer full of HTML and script: shown as text, nothing runs, no image loads without a click.
    const hostile = [
      'Hostile <script>alert("script")</script> and <img src=x onerror=alert("img")> inline.',
      '',
      '<iframe src="https://example.com"></iframe>',
      '',
      '[a link](javascript:alert("link")) and ![pixel](https://example.com/track.png)',
    ].join('\n');
    upstream.setBehavior({ replyText: hostile });
    page.on('dialog', (dialog) => {
      problems.push(`a dialog opened: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.getByRole('button', { name: 'New chat' }).first().click();
    await page.getByLabel('Message', { exact: true }).fill('Say something dangerous');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Regenerate answer' }).waitFor();
    const unsafe = await page.locator('.markdown script, .markdown img, .markdown iframe, .markdown [onerror], .markdown a[href^="javascript"]').count();
    if (unsafe > 0) problems.push(`${unsafe} unsafe element(s) were rendered from an answer`);
    await shot(page, '11-chat-hostile-answer.png');
    upstream.setBehavior({ replyText: answer });

    await page.getByRole('button', { name: /Actions for/ }).first().click();
    await shot(page, '12-sidebar-chat-menu.png');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Account menu' }).click();
    await shot(page, '13-account-menu.png');
    await page.keyboard.press('Escape');
    await context.close();

    const dark = await newPage(browser, { width: 1280, height: 820, dark: true, name: 'dark' });
    await signIn(dark.page, server.url, 'ada@example.com', 'correct horse battery');
    await dark.page.getByRole('link', { name: /How do I get/ }).click();
    await dark.page.locator('.hljs').first().waitFor();
    await shot(dark.page, '14-chat-dark.png');
    await dark.context.close();

    const phone = await newPage(browser, { width: 360, height: 740, name: 'phone' });
    await signIn(phone.page, server.url, 'ada@example.com', 'correct horse battery');
    await shot(phone.page, '15-phone-new-chat.png');
    await phone.page.getByRole('button', { name: 'Open the chat list' }).click();
    await phone.page.getByRole('link', { name: /How do I get/ }).waitFor();
    await phone.page.waitForTimeout(400);
    await shot(phone.page, '16-phone-sidebar.png');
    await phone.page.getByRole('link', { name: /How do I get/ }).click();
    await phone.page.locator('.hljs').first().waitFor();
    await shot(phone.page, '17-phone-chat.png');
    await phone.context.close();

    const visitor = await newPage(browser, { width: 1024, height: 720, name: 'visitor' });
    await visitor.page.goto(server.url);
    await visitor.page.getByRole('heading', { name: /Sign in to/ }).waitFor();
    await shot(visitor.page, '18-sign-in.png');
    await visitor.page.getByRole('button', { name: 'Create one' }).click();
    await visitor.page.getByLabel('Name').fill('Pat Pending');
    await visitor.page.getByLabel('Email').fill('pat@example.com');
    await visitor.page.getByLabel('Password').fill('another long password');
    await visitor.page.getByRole('button', { name: 'Create account' }).click();
    await visitor.page.getByRole('heading', { name: 'Waiting for approval' }).waitFor();
    await shot(visitor.page, '19-pending.png');
    await visitor.context.close();
  } finally {
    await browser.close();
    await server.stop();
    await upstream.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const index = readFileSync('dist/web/index.html', 'utf8');
  const scripts = [...index.matchAll(/<script[^>]+src="\/([^"]+)"/g)].map((match) => match[1]!);
  const bytes = scripts.reduce((total, file) => total + gzipSync(readFileSync(join('dist/web', file)), { level: 9 }).length, 0);
  console.log(`Initial JavaScript: ${(bytes / 1024).toFixed(1)} KB gzipped (${scripts.join(', ')})`);

  if (problems.length > 0) {
    console.error(`The page reported ${problems.length} problem(s):\n${problems.join('\n')}`);
    process.exitCode = 1;
  }
}

await main();
