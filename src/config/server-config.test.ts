import { describe, expect, it } from 'vitest';
import { loadConfig } from './load';

const cwd = '/srv/astra';

function messages(env: Record<string, string>): string[] {
  return loadConfig(env, { cwd }).problems.map((problem) => problem.message);
}

describe('server variables', () => {
  it('resolves a relative DATA_DIR against the working directory and keeps an absolute one', () => {
    expect(loadConfig({ DATA_DIR: 'state/astra' }, { cwd }).config?.server.dataDir).toBe('/srv/astra/state/astra');
    expect(loadConfig({ DATA_DIR: '/var/lib/astra' }, { cwd }).config?.server.dataDir).toBe('/var/lib/astra');
  });

  it('maps Python log level names to pino levels; the other levels follow GLOBAL_LOG_LEVEL', () => {
    const server = loadConfig({ GLOBAL_LOG_LEVEL: 'DEBUG', OAUTH_LOG_LEVEL: 'WARNING' }, { cwd }).config?.server;
    expect(server).toMatchObject({ logLevel: 'debug', webhookLogLevel: 'debug', oauthLogLevel: 'warn' });
  });

  it('refuses an unknown log level', () => {
    expect(messages({ GLOBAL_LOG_LEVEL: 'LOUD' })).toEqual([
      'GLOBAL_LOG_LEVEL=LOUD is not accepted; expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL (or trace, fatal, silent)',
    ]);
  });

  it('accepts ENV=dev and refuses other environments', () => {
    expect(loadConfig({ ENV: 'dev' }, { cwd }).config?.server.env).toBe('dev');
    expect(messages({ ENV: 'staging' })).toEqual(['ENV=staging is not accepted; expected one of prod, dev']);
  });

  it('reads PORT within 1–65535', () => {
    expect(loadConfig({ PORT: '3000' }, { cwd }).config?.server.port).toBe(3000);
    expect(messages({ PORT: '70000' })).toEqual(['PORT=70000 is out of range; expected 1–65535']);
  });
});

describe('FORWARDED_ALLOW_IPS', () => {
  it('reads a comma-separated list of addresses and ranges', () => {
    const env = { FORWARDED_ALLOW_IPS: '10.0.0.1, 172.16.0.0/12,fd00::/8' };
    expect(loadConfig(env, { cwd }).config?.server.trustedProxies).toEqual(['10.0.0.1', '172.16.0.0/12', 'fd00::/8']);
  });

  it('accepts * with a warning', () => {
    const result = loadConfig({ FORWARDED_ALLOW_IPS: '*' }, { cwd });
    expect(result.config?.server.trustedProxies).toEqual(['*']);
    expect(result.warnings).toEqual(['FORWARDED_ALLOW_IPS=* believes X-Forwarded-* headers from any client; list your proxies instead']);
  });

  it('names the entry that is not an address', () => {
    expect(messages({ FORWARDED_ALLOW_IPS: '127.0.0.1,proxy.local' })).toEqual([
      'FORWARDED_ALLOW_IPS=127.0.0.1,proxy.local has "proxy.local", which is not an IP address or CIDR range; ' +
        'expected a comma-separated list such as 127.0.0.1,10.0.0.0/8, or *',
    ]);
  });
});

describe('CORS_ALLOW_ORIGIN', () => {
  it("reads Open WebUI's ;-separated origins", () => {
    const env = { CORS_ALLOW_ORIGIN: 'https://chat.example.com;http://localhost:5173/' };
    expect(loadConfig(env, { cwd }).config?.server.corsAllowOrigins).toEqual(['https://chat.example.com', 'http://localhost:5173']);
  });

  it("accepts Open WebUI's default * with a warning", () => {
    const result = loadConfig({ CORS_ALLOW_ORIGIN: '*' }, { cwd });
    expect(result.problems).toEqual([]);
    expect(result.config?.server.corsAllowOrigins).toEqual(['*']);
    expect(result.warnings).toHaveLength(1);
  });

  it('refuses an entry that is not an origin', () => {
    expect(messages({ CORS_ALLOW_ORIGIN: 'https://chat.example.com/app' })).toEqual([
      'CORS_ALLOW_ORIGIN=https://chat.example.com/app has "https://chat.example.com/app", which is not an origin; ' +
        'expected ;-separated origins such as https://chat.example.com, or *',
    ]);
  });
});
