import { describe, expect, it } from 'vitest';
import { loadConfig } from './load';

const cwd = '/srv/astra';

describe('accounts variables', () => {
  it.each([
    ['30m', 1800],
    ['12h', 43_200],
    ['7d', 604_800],
    ['4w', 2_419_200],
    ['1h30m', 5400],
  ])('reads JWT_EXPIRES_IN=%s as %d seconds', (text, seconds) => {
    expect(loadConfig({ JWT_EXPIRES_IN: text }, { cwd }).config?.accounts.sessionTtlSeconds).toBe(seconds);
  });

  it.each(['-1', '0'])('reads JWT_EXPIRES_IN=%s as never, with a warning', (text) => {
    const result = loadConfig({ JWT_EXPIRES_IN: text }, { cwd });
    expect(result.config?.accounts.sessionTtlSeconds).toBeNull();
    expect(result.warnings).toEqual([`JWT_EXPIRES_IN=${text}: sessions never expire; a leaked token works until its user signs out`]);
  });

  it('shows the session lifetime in the duration format', () => {
    const setting = loadConfig({ JWT_EXPIRES_IN: '90m' }, { cwd }).settings.find((entry) => entry.variable === 'JWT_EXPIRES_IN');
    expect(setting?.value).toBe('1h30m');
  });

  it('refuses a bare number, whose unit would be a guess', () => {
    expect(loadConfig({ JWT_EXPIRES_IN: '3600' }, { cwd }).problems[0]?.message).toMatch(/^JWT_EXPIRES_IN=3600 is not a duration; expected -1/);
  });

  it('takes WEBUI_SECRET_KEY as is and masks it in the settings', () => {
    const result = loadConfig({ WEBUI_SECRET_KEY: 'k8Jd93hfLq0aPz71mNc' }, { cwd });
    expect(result.config?.accounts.secretKey).toBe('k8Jd93hfLq0aPz71mNc');
    expect(result.settings.find((entry) => entry.variable === 'WEBUI_SECRET_KEY')?.value).toBe('k8J****');
  });

  it("refuses Open WebUI's published default key", () => {
    expect(loadConfig({ WEBUI_SECRET_KEY: 't0p-s3cr3t' }, { cwd }).problems.map((problem) => problem.message)).toEqual([
      "WEBUI_SECRET_KEY=**** is Open WebUI's published default key; expected a long random value, or leave it unset to have one generated",
    ]);
  });

  it('accepts each role in any case', () => {
    expect(loadConfig({ DEFAULT_USER_ROLE: 'Admin' }, { cwd }).config?.accounts.defaultUserRole).toBe('admin');
  });
});
