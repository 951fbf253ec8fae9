/**
 * What the browser tests, the screen tour (scripts/screenshots.ts) and the browser bench share: a
 * real Astra (the built `dist/main.js` in its own process, a fresh DATA_DIR) with OpenAI and
 * Ollama connections to the model-server stand-in (in this process), and the system Chromium
 * driven by playwright-core. No browser is ever downloaded: without Chromium at `CHROMIUM` (default
 * /usr/bin/chromium) the callers skip or fail with `chromiumMissing()`'s reason.
 *
 * Nothing here depends on the test runner; test/browser/suite.ts adds the vitest hooks.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { request } from 'undici';
import { startModelServer, type Behavior, type ModelServer } from '../support/model-server';
import { startServer, type ServerProcess } from '../support/server-process';

export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const chromiumArguments = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const screenshotDirectory = join(repositoryRoot, 'test-results', 'screenshots');

/** Why Chromium cannot be used here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  if (existsSync(chromiumPath)) return undefined;
  return `no Chromium at ${chromiumPath} (install it with \`apt-get install chromium\` — .ci/run does — or set CHROMIUM=/path/to/chromium)`;
}

export async function launchChromium(): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing !== undefined) throw new Error(`Browser tests need Chromium: ${missing}`);
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArguments, timeout: 60_000 });
}

export interface Account {
  name: string;
  email: string;
  password: string;
}

export const adminAccount: Account = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' };

/** The models the stand-in offers: one per protocol, neither a thinking model. */
export const openaiModel = 'gpt-4o-mini';
export const ollamaModel = 'llama3.2:latest';
const upstreamApiKey = 'sk-stand-in';

export interface AstraUnderTest {
  url: string;
  upstream: ModelServer;
  server: ServerProcess;
  /** A JSON request to Astra, with a session token when given; fails on a status other than 2xx. */
  api<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, options?: { token?: string; body?: unknown }): Promise<T>;
  /** Signs `account` up through the API (the first account becomes the administrator); returns its session token. */
  signUp(account: Account): Promise<string>;
  signIn(account: Account): Promise<string>;
  stop(): Promise<void>;
}

export interface AstraOptions {
  /** Extra server environment. */
  environment?: Record<string, string>;
  behavior?: Partial<Behavior>;
}

/** Starts the stand-in and Astra (connected to it) on a fresh DATA_DIR. */
export async function startAstra(options: AstraOptions = {}): Promise<AstraUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'astra-browser-'));
  const upstream = await startModelServer({ apiKey: upstreamApiKey, openaiModels: [openaiModel], ollamaModels: [ollamaModel], behavior: options.behavior ?? {} });
  let server: ServerProcess;
  try {
    server = await startServer({
      DATA_DIR: dataDir,
      WEBUI_SECRET_KEY: 'browser-tests-secret',
      OPENAI_API_BASE_URL: upstream.openaiBaseUrl,
      OPENAI_API_KEY: upstreamApiKey,
      OLLAMA_BASE_URL: upstream.ollamaBaseUrl,
      // Titles from the first message: a generated title would be one more request to the stand-in, answered with the test's reply.
      ENABLE_TITLE_GENERATION: 'false',
      ...options.environment,
    });
  } catch (error) {
    await upstream.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const api = async <T>(method: 'GET' | 'POST' | 'DELETE', path: string, call: { token?: string; body?: unknown } = {}): Promise<T> => {
    const response = await request(`${server.url}${path}`, {
      method,
      headers: {
        ...(call.token === undefined ? {} : { authorization: `Bearer ${call.token}` }),
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    });
    const text = await response.body.text();
    if (response.statusCode < 200 || response.statusCode >= 300) throw new Error(`${method} ${path} answered ${response.statusCode}: ${text.slice(0, 300)}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
  return {
    url: server.url,
    upstream,
    server,
    api,
    signUp: async (account) => (await api<{ token: string }>('POST', '/api/v1/auths/signup', { body: account })).token,
    signIn: async (account) => (await api<{ token: string }>('POST', '/api/v1/auths/signin', { body: { email: account.email, password: account.password } })).token,
    async stop() {
      await server.stop();
      await upstream.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and warnings, uncaught page errors and Content-Security-Policy violations, as they happened. */
  problems: string[];
  /** Console messages matching `pattern` are expected from now on (e.g. failed requests while the network is cut). */
  expectConsole(pattern: RegExp): void;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** For the problem list. */
  name?: string;
  width?: number;
  height?: number;
  dark?: boolean;
  /** Signed in with this session token (set as the session cookie for `url`). */
  token?: string;
  url?: string;
}

/** A fresh browser context and page, with the page's problems collected. */
export async function openSession(browser: Browser, options: SessionOptions = {}): Promise<BrowserSession> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 820 },
    colorScheme: options.dark === true ? 'dark' : 'light',
    deviceScaleFactor: 1,
  });
  if (options.token !== undefined) {
    if (options.url === undefined) throw new Error('openSession: a token needs the url it is for');
    await context.addCookies([{ name: 'token', value: options.token, url: options.url, httpOnly: true, sameSite: 'Lax' }]);
  }
  // Asking who is signed in answers 401 before signing in, which the browser logs; that is expected.
  const expected: RegExp[] = [/status of 401/];
  const problems: string[] = [];
  const name = options.name ?? 'page';
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    if (expected.some((pattern) => pattern.test(message.text()))) return;
    problems.push(`${name}: console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${name}: page error: ${error.message}`));
  // CSP violations are reported as DOM events as well as console messages.
  await context.addInitScript({
    content: "document.addEventListener('securitypolicyviolation', (event) => console.error('CSP blocked ' + event.blockedURI + ' (' + event.violatedDirective + ')'));",
  });
  return {
    context,
    page,
    problems,
    expectConsole: (pattern) => void expected.push(pattern),
    close: () => context.close(),
  };
}

export async function screenshot(page: Page, file: string): Promise<string> {
  mkdirSync(screenshotDirectory, { recursive: true });
  const path = join(screenshotDirectory, file);
  await page.screenshot({ path });
  return path;
}

// What the screens are made of, as a person finds them (labels and roles), in one place.

export const messageBox = (page: Page): Locator => page.getByLabel('Message', { exact: true });
export const answers = (page: Page): Locator => page.locator('article.message.assistant');
/** The rendered text of the last answer on screen. */
export const lastAnswerText = (page: Page): Locator => answers(page).last().locator('.markdown');
export const userMessages = (page: Page): Locator => page.locator('article.message.user');
export const stopButton = (page: Page): Locator => page.getByRole('button', { name: 'Stop the answer' });
export const regenerateButton = (page: Page): Locator => answers(page).last().getByRole('button', { name: 'Regenerate answer' });
export const chatLink = (page: Page, title: string | RegExp): Locator => page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: title });

export async function signUpInBrowser(page: Page, url: string, account: Account, button: 'Create administrator account' | 'Create account'): Promise<void> {
  await page.goto(url);
  if (button === 'Create account') await page.getByRole('button', { name: 'Create one' }).click();
  await page.getByLabel('Name').fill(account.name);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: button }).click();
}

export async function signInInBrowser(page: Page, url: string, account: Account): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await messageBox(page).waitFor();
}

/** Types a message and sends it with Enter, once a model is chosen. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  await page.getByLabel('Model', { exact: true }).waitFor();
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
}

/** Waits until the last answer is no longer streaming (its actions show). */
export async function waitForAnswer(page: Page, timeout = 30_000): Promise<void> {
  await regenerateButton(page).waitFor({ timeout });
}

/** Words with their whitespace, as the stand-in splits its reply into tokens: the text on screen after a paragraph's rendering. */
export function shownText(reply: string): string {
  return reply.replace(/\s+/g, ' ').trim();
}

/**
 * An init script that keeps, in `window.__answerTexts`, every distinct text the last answer on
 * screen had (watched with a MutationObserver), so a test can tell that text arrived in pieces and
 * that every piece was a prefix of the whole.
 */
export const recordAnswerTexts = `(() => {
  const seen = [];
  window.__answerTexts = seen;
  const record = () => {
    const all = document.querySelectorAll('article.message.assistant .markdown');
    const text = all.length === 0 ? '' : all[all.length - 1].textContent.replace(/\\s+/g, ' ').trim();
    if (text !== '' && seen[seen.length - 1] !== text) seen.push(text);
  };
  new MutationObserver(record).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

export async function answerTexts(page: Page): Promise<string[]> {
  return (await page.evaluate('window.__answerTexts ?? []')) as string[];
}
