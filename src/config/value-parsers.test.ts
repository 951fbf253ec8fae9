import { describe, expect, it } from 'vitest';
import { decimalNumber, describeRange, oneOf, parseBoolean, parseHttpUrl, wholeNumber } from './value-parsers';

describe('parseBoolean', () => {
  it.each(['true', 'TRUE', 'True', '1', 'yes', 'Yes', 'on', 'ON'])('reads %s as true', (text) => {
    expect(parseBoolean(text)).toEqual({ ok: true, value: true });
  });

  it.each(['false', 'False', '0', 'no', 'NO', 'off', 'Off'])('reads %s as false', (text) => {
    expect(parseBoolean(text)).toEqual({ ok: true, value: false });
  });

  it('refuses anything else, saying what is accepted', () => {
    expect(parseBoolean('maybe')).toEqual({ ok: false, reason: 'is not a boolean; expected true or false (also 1/0, yes/no, on/off)' });
  });
});

describe('wholeNumber', () => {
  const port = wholeNumber({ min: 1, max: 65535 });

  it('accepts whole numbers in range', () => {
    expect(port('8080')).toEqual({ ok: true, value: 8080 });
  });

  it.each(['abc', '80.5', '1e3', '0x50', '', '8080 '])('refuses %j as not a whole number', (text) => {
    expect(port(text)).toEqual({ ok: false, reason: 'is not a whole number; expected 1–65535' });
  });

  it('refuses values out of range', () => {
    expect(port('0')).toEqual({ ok: false, reason: 'is out of range; expected 1–65535' });
    expect(port('65536')).toEqual({ ok: false, reason: 'is out of range; expected 1–65535' });
  });
});

describe('decimalNumber', () => {
  const seconds = decimalNumber({ min: 0, aboveMin: true, unit: 'seconds' });

  it('accepts decimals', () => {
    expect(seconds('2.5')).toEqual({ ok: true, value: 2.5 });
    expect(seconds('.5')).toEqual({ ok: true, value: 0.5 });
  });

  it('refuses zero when the minimum is exclusive, and text that is no number', () => {
    expect(seconds('0')).toEqual({ ok: false, reason: 'is out of range; expected a number of seconds greater than 0' });
    expect(seconds('soon')).toEqual({ ok: false, reason: 'is not a number; expected a number of seconds greater than 0' });
  });
});

describe('describeRange', () => {
  it('reads naturally for each kind of bound', () => {
    expect(describeRange({ min: 1, max: 10 })).toBe('1–10');
    expect(describeRange({ min: 0 })).toBe('0 or more');
    expect(describeRange({ min: 0, unit: 'seconds' })).toBe('0 seconds or more');
    expect(describeRange({ min: 0, aboveMin: true, unit: 'MB' })).toBe('a number of MB greater than 0');
    expect(describeRange({ min: -1, expected: '-1 (never) or a whole number of seconds' })).toBe('-1 (never) or a whole number of seconds');
  });
});

describe('oneOf', () => {
  const role = oneOf(['pending', 'user', 'admin'] as const);

  it('accepts any case and returns the canonical spelling', () => {
    expect(role('Admin')).toEqual({ ok: true, value: 'admin' });
  });

  it('lists what is accepted', () => {
    expect(role('boss')).toEqual({ ok: false, reason: 'is not accepted; expected one of pending, user, admin' });
  });
});

describe('parseHttpUrl', () => {
  it('accepts http and https URLs and drops the trailing slash', () => {
    expect(parseHttpUrl('http://ollama:11434/')).toEqual({ ok: true, value: 'http://ollama:11434' });
    expect(parseHttpUrl('https://api.openai.com/v1')).toEqual({ ok: true, value: 'https://api.openai.com/v1' });
  });

  it('keeps query placeholders untouched', () => {
    expect(parseHttpUrl('http://searxng:8080/search?q=<query>')).toEqual({ ok: true, value: 'http://searxng:8080/search?q=<query>' });
  });

  it.each(['ftp://files.example.com', 'localhost:11434', '/ollama', 'http:ollama', 'http://'])('refuses %s', (text) => {
    expect(parseHttpUrl(text)).toEqual({ ok: false, reason: 'is not an http(s) URL; expected something like http://host:port' });
  });
});
