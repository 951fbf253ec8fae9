import { describe, expect, it } from 'vitest';
import { chatCompletionBody, readChatCompletionBody } from './chat-completion-body';

const user = { role: 'user', content: 'Hi' };

/** Bodies on both sides of every rule; the quick check and the schema must agree on each. */
const bodies: Array<[string, unknown]> = [
  ['minimal', { model: 'm', messages: [user] }],
  ['extra fields kept', { model: 'm', messages: [{ ...user, name: 'x' }], temperature: 0.2, tools: [] }],
  ['stream true', { model: 'm', messages: [user], stream: true }],
  ['stream_options null', { model: 'm', messages: [user], stream_options: null }],
  ['include_usage', { model: 'm', messages: [user], stream: true, stream_options: { include_usage: true, extra: 1 } }],
  ['model at the limit', { model: 'm'.repeat(500), messages: [user] }],
  ['not an object', 'hello'],
  ['an array', [user]],
  ['null', null],
  ['no model', { messages: [user] }],
  ['empty model', { model: '', messages: [user] }],
  ['model too long', { model: 'm'.repeat(501), messages: [user] }],
  ['model a number', { model: 3, messages: [user] }],
  ['no messages', { model: 'm' }],
  ['empty messages', { model: 'm', messages: [] }],
  ['messages an object', { model: 'm', messages: { 0: user } }],
  ['message null', { model: 'm', messages: [null] }],
  ['message an array', { model: 'm', messages: [[user]] }],
  ['message without role', { model: 'm', messages: [{ content: 'x' }] }],
  ['empty role', { model: 'm', messages: [{ role: '' }] }],
  ['role a number', { model: 'm', messages: [{ role: 1 }] }],
  ['stream a string', { model: 'm', messages: [user], stream: 'true' }],
  ['stream null', { model: 'm', messages: [user], stream: null }],
  ['stream_options an array', { model: 'm', messages: [user], stream_options: [] }],
  ['include_usage a string', { model: 'm', messages: [user], stream_options: { include_usage: 'yes' } }],
];

describe('readChatCompletionBody', () => {
  it.each(bodies)('agrees with the schema: %s', (_name, body) => {
    const schemaAccepts = chatCompletionBody.safeParse(body).success;
    if (schemaAccepts) {
      expect(readChatCompletionBody(body)).toEqual(chatCompletionBody.parse(body));
    } else {
      expect(() => readChatCompletionBody(body)).toThrow();
    }
  });

  it('names the field that is wrong', () => {
    expect(() => readChatCompletionBody({ model: 'm', messages: [user, { content: 'x' }] })).toThrow(/messages\.1\.role: is required/);
    expect(() => readChatCompletionBody({ model: 'm', messages: [user], stream: 'yes' })).toThrow(/stream: must be a boolean/);
  });

  it('hands a well-formed body back as it is, without copying it', () => {
    const body = { model: 'm', messages: [user], custom: { nested: true } };
    expect(readChatCompletionBody(body)).toBe(body);
  });

  it('takes a long conversation at the message limit and refuses one more', () => {
    const messages = Array.from({ length: 100_000 }, () => user);
    expect(readChatCompletionBody({ model: 'm', messages }).messages).toHaveLength(100_000);
    expect(() => readChatCompletionBody({ model: 'm', messages: [...messages, user] })).toThrow(/messages: must be at most 100000/);
  });
});
