import { describe, expect, it } from 'vitest';
import { isSecretVariable, maskSecret, maskSecretList, maskUrlPassword, scrubSecrets, secretValuesIn } from './mask-secret';

describe('maskSecret', () => {
  it('shows at most the first three characters', () => {
    expect(maskSecret('sk-proj-0123456789abcdef')).toBe('sk-****');
  });

  it('shows nothing of a short secret', () => {
    expect(maskSecret('hunter2')).toBe('****');
    expect(maskSecret('')).toBe('');
  });

  it('masks each entry of a ;-separated list', () => {
    expect(maskSecretList('sk-aaaaaaaaaaaaaaaa;;sk-bbbbbbbbbbbbbbbb')).toBe('sk-****;;sk-****');
  });
});

describe('maskUrlPassword', () => {
  it('hides the password and keeps the rest', () => {
    expect(maskUrlPassword('postgres://user:s3cret@db:5432/astra')).toBe('postgres://user:****@db:5432/astra');
    expect(maskUrlPassword('redis://:s3cret@cache:6379/0')).toBe('redis://:****@cache:6379/0');
  });

  it('copes with an @ inside the password', () => {
    expect(maskUrlPassword('postgres://user:p@ss@db/astra')).toBe('postgres://user:****@db/astra');
  });

  it('leaves URLs without a password alone', () => {
    expect(maskUrlPassword('postgres://user@db/astra')).toBe('postgres://user@db/astra');
    expect(maskUrlPassword('http://ollama:11434')).toBe('http://ollama:11434');
  });
});

describe('secretValuesIn and scrubSecrets', () => {
  it('recognises secret variables by name', () => {
    expect(isSecretVariable('WEBUI_SECRET_KEY')).toBe(true);
    expect(isSecretVariable('TAVILY_API_KEY')).toBe(true);
    expect(isSecretVariable('LDAP_APP_PASSWORD')).toBe(true);
    expect(isSecretVariable('REDIS_KEY_PREFIX')).toBe(false);
  });

  it('finds whole secrets, list entries and URL passwords, and scrubs them from text', () => {
    const secrets = secretValuesIn({
      OPENAI_API_KEYS: 'sk-first-0123456789;sk-second-0123456789',
      DATABASE_URL: 'postgres://astra:database-password@db/astra',
      PORT: '8080',
    });
    const text = 'keys sk-first-0123456789 and sk-second-0123456789, password database-password';
    expect(scrubSecrets(text, secrets)).toBe('keys sk-**** and sk-****, password dat****');
  });
});
