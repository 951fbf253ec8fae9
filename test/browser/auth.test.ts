import { expect, it } from 'vitest';
import { adminAccount, messageBox, screenshot, signInInBrowser, signUpInBrowser, type Account } from './harness';
import { describeInBrowser } from './suite';

interface Me {
  email: string;
  role: string;
}

// One Astra with no account yet: the tests run in order, the first one creates the administrator.
describeInBrowser(
  'signing up and in',
  (rig) => {
    it('the first account to sign up becomes the administrator', async () => {
      const { page, context } = rig.session;
      await page.goto(rig.astra.url);
      await page.getByRole('heading', { name: 'Welcome to Astra' }).waitFor();
      await screenshot(page, 'sign-up-first-admin.png');

      await signUpInBrowser(page, rig.astra.url, adminAccount, 'Create administrator account');
      await messageBox(page).waitFor();
      await page.getByRole('status').filter({ hasText: 'You created the first account' }).getByText('administrator').waitFor();
      await page.getByLabel('Model', { exact: true }).waitFor();
      await screenshot(page, 'chat-empty-admin-banner.png');

      await page.getByRole('button', { name: 'Account menu' }).click();
      await page.getByText('Administrator', { exact: true }).waitFor();
      await screenshot(page, 'account-menu.png');
      await page.keyboard.press('Escape');

      // The browser holds the session as its cookie: the server says who it is.
      const me = (await (await context.request.get(`${rig.astra.url}/api/v1/auths/`)).json()) as Me;
      expect(me).toMatchObject({ email: adminAccount.email, role: 'admin' });
    });

    it('signs in with the right password only, and signs out', async () => {
      const { page } = rig.session;
      await page.goto(rig.astra.url);
      await page.getByRole('heading', { name: 'Sign in to Astra' }).waitFor();
      await screenshot(page, 'sign-in.png');

      // A wrong password is answered 400 (as Open WebUI does), which the browser logs.
      rig.session.expectConsole(/status of 400/);
      await page.getByLabel('Email').fill(adminAccount.email);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: /password/i }).waitFor();
      expect(await messageBox(page).count()).toBe(0);

      await signInInBrowser(page, rig.astra.url, adminAccount);
      await page.getByRole('heading', { name: 'How can I help?' }).waitFor();

      await page.getByRole('button', { name: 'Account menu' }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to Astra' }).waitFor();
      // Signed out for good: a reload does not bring the session back.
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in to Astra' }).waitFor();
    });

    it('a later sign-up waits for an administrator’s approval', async () => {
      const { page, context } = rig.session;
      const pat: Account = { name: 'Pat Pending', email: 'pat@example.com', password: 'another long password' };
      await signUpInBrowser(page, rig.astra.url, pat, 'Create account');
      await page.getByRole('heading', { name: 'Waiting for approval' }).waitFor();
      await page.getByText(pat.email).waitFor();
      expect(await messageBox(page).count()).toBe(0);
      await screenshot(page, 'pending.png');

      const me = (await (await context.request.get(`${rig.astra.url}/api/v1/auths/`)).json()) as Me;
      expect(me).toMatchObject({ email: pat.email, role: 'pending' });
      // Nothing else is open to a pending account.
      expect((await context.request.get(`${rig.astra.url}/api/v1/chats/`)).status()).toBe(403);
    });
  },
  { signedIn: false },
);
