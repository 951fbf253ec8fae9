/**
 * The browser test files' frame: `describeInBrowser` runs a suite against one Astra and one
 * Chromium (started once per file) with a fresh browser context per test, signed in as the
 * administrator unless told otherwise. Without Chromium the suites are skipped with a notice — except
 * when CI=true, where a missing browser fails them.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect } from 'vitest';
import { warnOncePerRun } from '../support/run-notices';
import { adminAccount, chromiumMissing, launchChromium, openSession, screenshot, screenshotDirectory, startAstra, type AstraOptions, type AstraUnderTest, type BrowserSession } from './harness';

const missing = chromiumMissing();
const skip = missing !== undefined && process.env.CI !== 'true';
if (skip) warnOncePerRun('chromium', `Browser suites skipped: ${missing}.`);

/** Generous for a slow 2-core machine, bounded all the same. */
export const browserTestTimeout = 60_000;

export interface BrowserRig {
  readonly astra: AstraUnderTest;
  readonly browser: Browser;
  /** The administrator's session token (undefined with `signedIn: false`). */
  readonly adminToken: string;
  /** This test's signed-in context and page. */
  readonly session: BrowserSession;
  /** Another fresh context in this test (closed after it), e.g. for a second person. */
  openSession(options?: Parameters<typeof openSession>[1]): Promise<BrowserSession>;
}

export interface RigOptions extends AstraOptions {
  /** Sign the administrator up in beforeAll and each test's page in (default true). */
  signedIn?: boolean;
}

export function describeInBrowser(name: string, body: (rig: BrowserRig) => void, options: RigOptions = {}): void {
  describe.skipIf(skip)(name, { timeout: browserTestTimeout }, () => {
    let astra: AstraUnderTest | undefined;
    let browser: Browser | undefined;
    let adminToken = '';
    let session: BrowserSession | undefined;
    const extra: BrowserSession[] = [];
    const signedIn = options.signedIn ?? true;

    beforeAll(async () => {
      // Both are kept when only one starts, so that afterAll stops what did.
      const [started, launched] = await Promise.allSettled([startAstra(options), launchChromium()]);
      if (started.status === 'fulfilled') astra = started.value;
      if (launched.status === 'fulfilled') browser = launched.value;
      if (launched.status === 'rejected') throw launched.reason;
      if (started.status === 'rejected') throw started.reason;
      if (signedIn) adminToken = await started.value.signUp(adminAccount);
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      await astra?.stop();
    });

    beforeEach(async () => {
      astra!.upstream.resetBehavior();
      session = await openSession(browser!, signedIn ? { name: 'admin', token: adminToken, url: astra!.url } : { name: 'visitor' });
    });

    afterEach(async (context) => {
      // A failed test leaves a picture of where it stopped (and a passing one removes an old one).
      const file = `failed-${context.task.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 80)}.png`;
      if (context.task.result?.state === 'fail' && session !== undefined) await screenshot(session.page, file).catch(() => undefined);
      else rmSync(join(screenshotDirectory, file), { force: true });
      const problems = [session, ...extra].flatMap((each) => each?.problems ?? []);
      for (const each of extra.splice(0)) await each.close();
      await session?.close();
      session = undefined;
      expect(problems, 'the page logged errors or the Content-Security-Policy blocked something').toEqual([]);
    });

    body({
      get astra() {
        return astra!;
      },
      get browser() {
        return browser!;
      },
      get adminToken() {
        return adminToken;
      },
      get session() {
        return session!;
      },
      async openSession(sessionOptions) {
        const opened = await openSession(browser!, sessionOptions);
        extra.push(opened);
        return opened;
      },
    });
  });
}
