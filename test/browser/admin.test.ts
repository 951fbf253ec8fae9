import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultReplyText } from '../support/model-server';
import { lastAnswerText, messageBox, screenshot, sendMessage, shownText, signUpInBrowser, waitForAnswer, type Account } from './harness';
import { describeInBrowser } from './suite';

interface AdminUser {
  email: string;
  role: string;
}

/** Opens the Administration screen from the account menu, at one of its sections. */
async function openAdministration(page: Page, url: string, section: 'Users' | 'Connections'): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Administration' }).click();
  await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
  await page.getByRole('navigation', { name: 'Administration sections' }).getByRole('link', { name: section }).click();
  await page.getByRole('heading', { name: section, level: 2 }).waitFor();
}

describeInBrowser('the administration screen', (rig) => {
  it('an administrator approves a pending user, who can then chat', async () => {
    const pat: Account = { name: 'Pat Pending', email: 'pat@example.com', password: 'another long password' };
    const visitor = await rig.openSession({ name: 'pat' });
    await signUpInBrowser(visitor.page, rig.astra.url, pat, 'Create account');
    await visitor.page.getByRole('heading', { name: 'Waiting for approval' }).waitFor();

    const { page } = rig.session;
    await openAdministration(page, rig.astra.url, 'Users');
    const users = page.getByRole('region', { name: 'Users' });
    const entry = users.getByRole('listitem').filter({ hasText: pat.email });
    await entry.waitFor();
    expect(await entry.getByLabel(`Role of ${pat.name}`).inputValue()).toBe('pending');
    await screenshot(page, 'admin-users-pending.png');
    await entry.getByRole('button', { name: `Approve ${pat.name}` }).click();
    await users.getByRole('status').filter({ hasText: `${pat.name} is approved` }).waitFor();
    await entry.getByRole('button', { name: `Approve ${pat.name}` }).waitFor({ state: 'detached' });
    expect(await entry.getByLabel(`Role of ${pat.name}`).inputValue()).toBe('user');
    await screenshot(page, 'admin-users-approved.png');

    const listed = await rig.astra.api<{ users?: AdminUser[] } | AdminUser[]>('GET', '/api/v1/users/', { token: rig.adminToken });
    const all = Array.isArray(listed) ? listed : (listed.users ?? []);
    expect(all.find((user) => user.email === pat.email)?.role).toBe('user');

    // Pat's waiting screen finds out, and Pat can chat.
    rig.astra.upstream.setBehavior({ tokenCount: 5, tokenDelayMs: 5 });
    await visitor.page.getByRole('button', { name: 'Check again' }).click();
    await messageBox(visitor.page).waitFor();
    await sendMessage(visitor.page, 'Hello at last');
    await waitForAnswer(visitor.page);
    expect(await lastAnswerText(visitor.page).innerText()).toBe(shownText(defaultReplyText(5)));
  });

  it('Verify on a connection says whether its model server answers, and how', async () => {
    const { page } = rig.session;
    await openAdministration(page, rig.astra.url, 'Connections');
    const connections = page.getByRole('region', { name: 'Connections' }).getByRole('article');
    // The OpenAI-compatible and the Ollama connection, both to the stand-in (one model each).
    await expect.poll(() => connections.count()).toBe(2);
    for (const connection of await connections.all()) {
      await connection.getByRole('button', { name: 'Verify' }).click();
      await connection.getByRole('status').filter({ hasText: /^Reachable: answered in \d+ ms with 1 model\.$/ }).waitFor();
    }
    await screenshot(page, 'admin-connections-verified.png');

    // A model server that fails: Verify says so, with the phase and the error.
    rig.astra.upstream.setBehavior({ listModelsFault: 'status-500' });
    const first = connections.first();
    await first.getByRole('button', { name: 'Verify' }).click();
    await first.getByRole('status').filter({ hasText: /^Failed after \d+ ms \(.+\): .+/ }).waitFor();
    await screenshot(page, 'admin-connections-verify-failed.png');

    rig.astra.upstream.setBehavior({ listModelsFault: 'none' });
    await first.getByRole('button', { name: 'Verify' }).click();
    await first.getByRole('status').filter({ hasText: /^Reachable/ }).waitFor();
  });
});
