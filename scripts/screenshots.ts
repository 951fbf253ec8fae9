/**
 * Screenshots of the web app's screens, for looking at them: a tour of the screens through the
 * browser-test harness (test/browser/harness.ts: the built server in front of the model-server
 * stand-in, and the system Chromium) — sign-up, a streamed answer, a regenerated one, an error, Stop,
 * a network drop, search, a hostile answer, the menus, dark mode, a 360 px wide phone, sign-in, the
 * pending screen, and the settings and administration screens (a pending user approved, connections
 * verified, who may use a model, the sign-up switch; also dark and at 360 px) — written as PNGs to
 * test-results/screenshots/. Fails when a page logged an
 * error or the Content-Security-Policy blocked anything. What the screens must do is checked by
 * the browser tests (test/browser/), which keep their own screenshots in the same folder.
 *
 *   npm run build && npm run screenshots            (CHROMIUM=/path/to/chromium to choose the browser)
 */
import { relative } from 'node:path';
import { freePort } from '../test/support/server-process';
import type { Browser, Locator } from 'playwright-core';
import {
  adminAccount,
  launchChromium,
  messageBox,
  openaiModel,
  openSession,
  regenerateButton,
  screenshot,
  sendMessage,
  signInInBrowser,
  signUpInBrowser,
  startAstra,
  stopButton,
  waitForAnswer,
  type AstraUnderTest,
  type BrowserSession,
} from '../test/browser/harness';

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

const hostile = [
  'Hostile <script>alert("script")</script> and <img src=x onerror=alert("img")> inline.',
  '',
  '<iframe src="https://example.com"></iframe>',
  '',
  '[a link](javascript:alert("link")) and ![pixel](https://example.com/track.png)',
].join('\n');

const sessions: BrowserSession[] = [];

async function shot(session: BrowserSession, file: string): Promise<void> {
  console.log(`  ${relative(process.cwd(), await screenshot(session.page, file))}`);
}

async function open(browser: Browser, name: string, options: { width?: number; height?: number; dark?: boolean } = {}): Promise<BrowserSession> {
  const session = await openSession(browser, { name, ...options });
  sessions.push(session);
  return session;
}

/** The administrator's screens, from sign-up on. */
async function adminTour(browser: Browser, astra: AstraUnderTest): Promise<void> {
  const desktop = await open(browser, 'desktop');
  const { page } = desktop;
  await page.goto(astra.url);
  await page.getByRole('heading', { name: /Welcome to/ }).waitFor();
  await shot(desktop, '01-sign-up-first-admin.png');
  await signUpInBrowser(page, astra.url, adminAccount, 'Create administrator account');
  await page.getByLabel('Model', { exact: true }).waitFor();
  await shot(desktop, '02-chat-empty-admin-banner.png');

  await sendMessage(page, 'How do I get the three best scores from a list in Python?');
  await page.getByText('Sorting in place').waitFor();
  await shot(desktop, '03-chat-streaming.png');
  await waitForAnswer(page);
  await page.locator('.hljs').first().waitFor();
  await shot(desktop, '04-chat-answer.png');

  await regenerateButton(page).click();
  await page.getByText('2/2').waitFor();
  await waitForAnswer(page);
  await shot(desktop, '05-chat-regenerated-branches.png');

  astra.upstream.setBehavior({ fault: 'status-500' });
  await sendMessage(page, 'And in JavaScript?');
  await page.getByRole('button', { name: 'Retry' }).waitFor();
  await shot(desktop, '06-chat-error-retry.png');
  astra.upstream.setBehavior({ fault: 'none', tokenDelayMs: 120 });

  await page.getByRole('button', { name: 'New chat' }).first().click();
  await sendMessage(page, 'Tell me about sorting, slowly');
  await page.getByText('Here is a quick').waitFor();
  await stopButton(page).click();
  await page.getByText('Stopped', { exact: true }).waitFor();
  await shot(desktop, '07-chat-stopped.png');

  astra.upstream.setBehavior({ tokenDelayMs: 40 });
  desktop.expectConsole(/ERR_INTERNET_DISCONNECTED/);
  await page.getByRole('button', { name: 'New chat' }).first().click();
  await sendMessage(page, 'Once more, with a network drop');
  await page.getByText('Sorting in place').waitFor();
  await desktop.context.setOffline(true);
  await page.getByText('You are offline — reconnecting…').waitFor();
  await shot(desktop, '08-chat-offline-reconnecting.png');
  await desktop.context.setOffline(false);
  await waitForAnswer(page);
  astra.upstream.setBehavior({ tokenDelayMs: 5 });

  await page.locator('.message.user').last().hover();
  await page.getByRole('button', { name: 'Edit and resend' }).last().click();
  await page.getByLabel('Edit your message').fill('An edited question');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.locator('.message.user').getByText('2/2').waitFor();
  await waitForAnswer(page);
  await shot(desktop, '09-chat-edited-question.png');

  await page.getByLabel('Search chats').fill('sorting');
  await page.getByText('Results for “sorting”').waitFor();
  await shot(desktop, '10-sidebar-search.png');
  await page.getByRole('button', { name: 'Clear search' }).click();

  astra.upstream.setBehavior({ replyText: hostile });
  await page.getByRole('button', { name: 'New chat' }).first().click();
  await sendMessage(page, 'Say something dangerous');
  await waitForAnswer(page);
  await shot(desktop, '11-chat-hostile-answer.png');
  astra.upstream.setBehavior({ replyText: answer });

  await page.getByRole('button', { name: /Actions for/ }).first().click();
  await shot(desktop, '12-sidebar-chat-menu.png');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Account menu' }).click();
  await shot(desktop, '13-account-menu.png');
  await page.keyboard.press('Escape');
}

/** The same person elsewhere: dark mode and a phone. */
async function otherDevices(browser: Browser, astra: AstraUnderTest): Promise<void> {
  const dark = await open(browser, 'dark', { dark: true });
  await signInInBrowser(dark.page, astra.url, adminAccount);
  await dark.page.getByRole('link', { name: /How do I get/ }).click();
  await dark.page.locator('.hljs').first().waitFor();
  await shot(dark, '14-chat-dark.png');

  const phone = await open(browser, 'phone', { width: 360, height: 740 });
  await signInInBrowser(phone.page, astra.url, adminAccount);
  await messageBox(phone.page).waitFor();
  await shot(phone, '15-phone-new-chat.png');
  await phone.page.getByRole('button', { name: 'Open the chat list' }).click();
  await phone.page.getByRole('link', { name: /How do I get/ }).waitFor();
  // The chat list slides in.
  await phone.page.waitForTimeout(400);
  await shot(phone, '16-phone-sidebar.png');
  await phone.page.getByRole('link', { name: /How do I get/ }).click();
  await phone.page.locator('.hljs').first().waitFor();
  await shot(phone, '17-phone-chat.png');
}

/** Someone new: sign-in, then a sign-up that waits for approval. */
async function visitorTour(browser: Browser, astra: AstraUnderTest): Promise<void> {
  const visitor = await open(browser, 'visitor', { width: 1024, height: 720 });
  await visitor.page.goto(astra.url);
  await visitor.page.getByRole('heading', { name: /Sign in to/ }).waitFor();
  await shot(visitor, '18-sign-in.png');
  await signUpInBrowser(visitor.page, astra.url, { name: 'Pat Pending', email: 'pat@example.com', password: 'another long password' }, 'Create account');
  await visitor.page.getByRole('heading', { name: 'Waiting for approval' }).waitFor();
  await shot(visitor, '19-pending.png');
}

const pendingAccount = { name: 'Pat Pending', email: 'pat@example.com', password: 'another long password' };

/** Settings and administration, the way an administrator goes through them. */
async function administrationTour(browser: Browser, astra: AstraUnderTest): Promise<void> {
  const desktop = await open(browser, 'administration');
  const { page } = desktop;
  const check = (ok: boolean, problem: string): void => void (ok || desktop.problems.push(`administration: ${problem}`));
  const status = (text: string | RegExp): Locator => page.getByRole('status').filter({ hasText: text });
  // Settings asks for the API key's hint; without a key the answer is a 404 (Open WebUI's contract), which the browser logs.
  desktop.expectConsole(/status of 404/);
  await signInInBrowser(page, astra.url, adminAccount);
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Administration' }).click();
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  await page.getByText(pendingAccount.email).waitFor();
  await shot(desktop, '20-admin-users-pending.png');
  await page.getByRole('button', { name: `Approve ${pendingAccount.name}` }).click();
  await status(`${pendingAccount.name} is approved`).waitFor();
  check((await page.getByLabel(`Role of ${pendingAccount.name}`).inputValue()) === 'user', 'approving did not make the pending account a user');

  // A user added, then deleted after the confirmation.
  await page.getByRole('button', { name: 'Add user' }).click();
  const form = page.getByRole('form', { name: 'Add a user' });
  await form.getByLabel('Name').fill('Temporary Tom');
  await form.getByLabel('Email').fill('tom@example.com');
  await form.getByLabel('Password').fill('tom password 1');
  await form.getByRole('button', { name: 'Add this user' }).click();
  await status('Temporary Tom was added').waitFor();
  await page.getByRole('button', { name: 'Delete Temporary Tom' }).click();
  await page.getByRole('dialog', { name: 'Delete Temporary Tom?' }).waitFor();
  await shot(desktop, '21-admin-users-delete-confirm.png');
  await page.getByRole('dialog').getByRole('button', { name: 'Delete user' }).click();
  await status('Temporary Tom was deleted').waitFor();
  await shot(desktop, '22-admin-users-approved.png');

  // Verify: the stand-in answers (latency and model count); a port nobody listens on fails, saying how.
  await page.getByRole('link', { name: 'Connections' }).click();
  await page.getByRole('heading', { name: 'Connections' }).waitFor();
  await page.getByRole('button', { name: 'Verify' }).first().click();
  await status(/Reachable: answered in \d+ ms with 1 model\./).waitFor();
  await page.getByRole('button', { name: 'Add connection' }).click();
  const adding = page.getByRole('form', { name: 'Add a connection' });
  await adding.getByLabel('Base URL').fill(`http://127.0.0.1:${await freePort()}`);
  await adding.getByLabel('Name').fill('Offline box');
  await adding.getByRole('button', { name: 'Verify' }).click();
  await status(/Failed after \d+ ms \(could not connect\): connection refused/).waitFor();
  await shot(desktop, '23-admin-connections-verify.png');
  await adding.getByRole('button', { name: 'Add connection' }).click();
  await status('Offline box was added').waitFor();
  await page.getByRole('article', { name: 'Offline box' }).getByRole('switch', { name: 'Enabled' }).click();
  await status('Offline box is disabled').waitFor();
  await page.getByRole('button', { name: 'Edit Offline box' }).click();
  await shot(desktop, '24-admin-connections-edit.png');
  await page.getByRole('form', { name: 'Edit Offline box' }).getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Remove Offline box' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await status('Offline box was removed').waitFor();

  // Who may use which model.
  await page.getByRole('link', { name: 'Models' }).click();
  await page.getByRole('heading', { name: 'Models' }).waitFor();
  await page.getByLabel(`Who may use ${openaiModel}`).selectOption('users');
  await page.getByRole('checkbox', { name: new RegExp(pendingAccount.name) }).check();
  await shot(desktop, '25-admin-models-choosing.png');
  await page.getByRole('button', { name: `Save who may use ${openaiModel}` }).click();
  await status(`${openaiModel}: ${pendingAccount.name}.`).waitFor();
  await shot(desktop, '26-admin-models.png');

  // Sign-up off: a visitor's sign-in screen no longer offers it.
  await page.getByRole('link', { name: 'General' }).click();
  await page.getByRole('switch', { name: 'Allow sign-up' }).click();
  await page.getByLabel('Role of new accounts').selectOption('user');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await status('Sign-up is off').waitFor();
  await shot(desktop, '27-admin-general.png');
  const visitor = await open(browser, 'visitor, sign-up off', { width: 1024, height: 720 });
  await visitor.page.goto(astra.url);
  await visitor.page.getByText('Sign-up is turned off here').waitFor();
  check((await visitor.page.getByRole('button', { name: 'Create one' }).count()) === 0, 'the sign-in screen still offers sign-up');
  await shot(visitor, '28-sign-in-signup-off.png');

  // Settings apply at once: Enter to send off, a default model, and an API key.
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
  await page.getByRole('switch', { name: 'Enter to send' }).click();
  await page.getByLabel('Default model').selectOption(openaiModel);
  await page.getByRole('button', { name: 'Create API key' }).click();
  await page.getByLabel(/Your new API key/).waitFor();
  await shot(desktop, '29-settings.png');
  await page.getByRole('link', { name: 'Back to chats' }).click();
  await messageBox(page).waitFor();
  check((await page.getByLabel('Model', { exact: true }).inputValue()) === openaiModel, 'the model picker does not start from the default model');
  check((await page.getByText(/(Ctrl|⌘)\+Enter to send/).count()) === 1, 'the composer does not say that Ctrl+Enter sends');

  const dark = await open(browser, 'administration, dark', { dark: true });
  await signInInBrowser(dark.page, astra.url, adminAccount);
  await dark.page.goto(`${astra.url}/admin/connections`);
  await dark.page.getByRole('button', { name: 'Verify' }).first().click();
  await dark.page.getByRole('status').filter({ hasText: 'Reachable' }).waitFor();
  await shot(dark, '30-admin-connections-dark.png');
  await dark.page.goto(`${astra.url}/settings`);
  await dark.page.getByRole('heading', { name: 'Settings' }).waitFor();
  await shot(dark, '31-settings-dark.png');

  const phone = await open(browser, 'administration, phone', { width: 360, height: 740 });
  await signInInBrowser(phone.page, astra.url, adminAccount);
  await phone.page.goto(`${astra.url}/admin/users`);
  await phone.page.getByText(pendingAccount.email).waitFor();
  await shot(phone, '32-phone-admin-users.png');
  await phone.page.getByRole('link', { name: 'Connections' }).click();
  await phone.page.getByRole('button', { name: 'Verify' }).first().click();
  await phone.page.getByRole('status').filter({ hasText: 'Reachable' }).waitFor();
  await shot(phone, '33-phone-admin-connections.png');
  await phone.page.getByRole('link', { name: 'Models' }).click();
  await phone.page.getByLabel(`Who may use ${openaiModel}`).waitFor();
  await shot(phone, '34-phone-admin-models.png');
  await phone.page.getByRole('link', { name: 'General' }).click();
  await phone.page.getByRole('switch', { name: 'Allow sign-up' }).waitFor();
  await shot(phone, '35-phone-admin-general.png');
  await phone.page.goto(`${astra.url}/settings`);
  await phone.page.getByRole('heading', { name: 'Settings' }).waitFor();
  await shot(phone, '36-phone-settings.png');

  // Not an administrator: no Administration entry, and /admin sends them back to the chat.
  const user = await open(browser, 'user', { width: 1024, height: 720 });
  await signInInBrowser(user.page, astra.url, pendingAccount);
  await user.page.getByRole('button', { name: 'Account menu' }).click();
  await user.page.getByRole('menuitem', { name: 'Settings' }).waitFor();
  check((await user.page.getByRole('menuitem', { name: 'Administration' }).count()) === 0, 'a user sees the Administration entry');
  await user.page.keyboard.press('Escape');
  await user.page.goto(`${astra.url}/admin/users`);
  await user.page.waitForURL(`${astra.url}/`);
}

async function main(): Promise<void> {
  const astra = await startAstra({ behavior: { replyText: answer, tokenDelayMs: 25, firstTokenDelayMs: 300 }, environment: { ENABLE_OLLAMA_API: 'false' } });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    console.log('Screenshots:');
    await adminTour(browser, astra);
    await otherDevices(browser, astra);
    await visitorTour(browser, astra);
    await administrationTour(browser, astra);
  } finally {
    await browser?.close();
    await astra.stop();
  }
  const problems = sessions.flatMap((session) => session.problems);
  if (problems.length > 0) {
    console.error(`The pages reported ${problems.length} problem(s):\n${problems.join('\n')}`);
    process.exitCode = 1;
  }
}

await main();
