/**
 * An answer that calls tools (OpenAI `delta.tool_calls`, Ollama `message.tool_calls`) is stored
 * with its calls: the chat shows them on the answer, the export carries them and an import (or a
 * clone) brings them back; the non-streamed answer and a re-attach after the end carry them too.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, send, waitFor } from '../../../test/support/gateway';
import type { ChatListItem, ChatView, ToolCall } from '../store';
import { ollamaModel, openAiModel, reattach, startGenerationKit, startTurn, storageVariants, type GenerationKit } from './generation-test-kit';
import { isDone, type ReceivedEvent } from './sse-test-reader';

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] },
  },
};
const askForTool = [{ role: 'user', content: 'Please call tool get_weather for Paris' }];

/** The stand-in calls the first tool with placeholders: 'test' for strings, 1 for numbers. */
function expectWeatherCall(calls: ToolCall[] | undefined, idPattern: RegExp): void {
  expect(calls).toEqual([{ id: expect.stringMatching(idPattern), type: 'function', function: { name: 'get_weather', arguments: expect.any(String) } }]);
  expect(JSON.parse(calls![0]!.function.arguments)).toEqual({ city: 'test', days: 1 });
}

/** The finish reason and the tool-call deltas of a stream's chunks. */
function finishAndCalls(events: ReceivedEvent[]): { finishReason: string | undefined; deltas: unknown[] } {
  let finishReason: string | undefined;
  const deltas: unknown[] = [];
  for (const event of events) {
    if (event.event !== undefined || event.data === '[DONE]') continue;
    const chunk = JSON.parse(event.data) as { choices?: Array<{ delta?: { tool_calls?: unknown[] }; finish_reason?: string | null }> };
    for (const choice of chunk.choices ?? []) {
      deltas.push(...(choice.delta?.tool_calls ?? []));
      finishReason = choice.finish_reason ?? finishReason;
    }
  }
  return { finishReason, deltas };
}

describe.each(storageVariants)('tool calls in a chat ($name)', (variant) => {
  let kit: GenerationKit;
  beforeAll(async () => {
    kit = await startGenerationKit(variant);
  });
  afterEach(() => {
    kit.gateway.astra.services.generations.lingerMs = 60_000;
  });
  afterAll(async () => kit?.close());

  const token = (): string => kit.gateway.user.token;
  const readChat = async (chatId: string): Promise<ChatView> => jsonOf<ChatView>(await send(kit.gateway, `/api/v1/chats/${chatId}`, { token: token() }));
  const idPatternOf = (model: string): RegExp => (model === openAiModel ? /^call_stand_in_\d+$/ : /^call_0$/);

  it.each([openAiModel, ollamaModel])('a streamed answer’s calls are stored, shown, exported and imported (%s)', async (model) => {
    const { stream, head } = await startTurn(kit.gateway, token(), { model, tools: [weatherTool], messages: askForTool });
    await stream.finished;
    expect(isDone(stream.events)).toBe(true);
    expect(finishAndCalls(stream.events).finishReason).toBe('tool_calls');

    const stored = await kit.gateway.astra.services.chats.getMessage(head.chat_id, kit.gateway.user.id, head.message_id);
    expect(stored).toMatchObject({ status: 'complete', content: '', content_parts: null });
    expectWeatherCall(JSON.parse(stored!.tool_calls!) as ToolCall[], idPatternOf(model));
    expect(await kit.gateway.astra.services.chats.getMessage(head.chat_id, kit.gateway.user.id, head.user_message_id)).toMatchObject({ tool_calls: null, content_parts: null });

    const chat = await readChat(head.chat_id);
    const answer = chat.chat.history.messages[head.message_id]!;
    expectWeatherCall(answer.tool_calls, idPatternOf(model));
    expect(chat.chat.messages.at(-1)!.tool_calls).toEqual(answer.tool_calls);
    const question = chat.chat.history.messages[head.user_message_id]!;
    expect(question).not.toHaveProperty('tool_calls');
    expect(question).not.toHaveProperty('content_parts');

    const exported = jsonOf<{ version: number; chats: ChatView[] }>(await send(kit.gateway, '/api/v1/chats/export', { token: token() }));
    const mine = exported.chats.find((exportedChat) => exportedChat.id === head.chat_id)!;
    expect(mine.chat.history.messages[head.message_id]!.tool_calls).toEqual(answer.tool_calls);
    const imported = await send(kit.gateway, '/api/v1/chats/import', { token: token(), body: { version: exported.version, chats: [mine] } });
    expect(imported.status).toBe(200);
    const copy = await readChat(jsonOf<ChatListItem[]>(imported)[0]!.id);
    // The ids were taken (by the original), so the copy's messages have new ones.
    expect(copy.chat.messages.map((message) => [message.role, message.tool_calls])).toEqual([
      ['user', undefined],
      ['assistant', answer.tool_calls],
    ]);
    const clone = jsonOf<ChatView>(await send(kit.gateway, `/api/v1/chats/${head.chat_id}/clone`, { token: token(), body: {} }));
    expect(clone.chat.messages.at(-1)!.tool_calls).toEqual(answer.tool_calls);
  });

  it.each([openAiModel, ollamaModel])('without stream: true the completion carries the calls and finish_reason tool_calls (%s)', async (model) => {
    const chatId = crypto.randomUUID();
    const response = await send(kit.gateway, '/api/chat/completions', { token: token(), body: { model, chat_id: chatId, tools: [weatherTool], messages: askForTool } });
    expect(response.status).toBe(200);
    const completion = jsonOf<{ choices: Array<{ message: { content: string | null; tool_calls?: ToolCall[] }; finish_reason: string }>; message_id: string }>(response);
    expect(completion.choices[0]).toMatchObject({ message: { role: 'assistant', content: null }, finish_reason: 'tool_calls' });
    expectWeatherCall(completion.choices[0]!.message.tool_calls, idPatternOf(model));
    const stored = await kit.gateway.astra.services.chats.getMessage(chatId, kit.gateway.user.id, completion.message_id);
    expect(JSON.parse(stored!.tool_calls!)).toEqual(completion.choices[0]!.message.tool_calls);
  });

  it('a re-attach after the job is gone gets the stored calls whole, with finish_reason tool_calls', async () => {
    kit.gateway.astra.services.generations.lingerMs = 0;
    const { stream, head } = await startTurn(kit.gateway, token(), { model: openAiModel, tools: [weatherTool], messages: askForTool });
    await stream.finished;
    await waitFor(() => kit.gateway.astra.services.generations.localJob(head.chat_id) === undefined, 2000, 'the finished job to be let go');
    const whole = await reattach(kit.gateway, token(), head.chat_id);
    await whole.finished;
    expect(JSON.parse(whole.events[0]!.data)).toMatchObject({ message_id: head.message_id, final: true });
    const { finishReason, deltas } = finishAndCalls(whole.events);
    expect(finishReason).toBe('tool_calls');
    const stored = (await readChat(head.chat_id)).chat.history.messages[head.message_id]!.tool_calls!;
    expect(deltas).toEqual([{ index: 0, id: stored[0]!.id, type: 'function', function: { name: 'get_weather', arguments: stored[0]!.function.arguments } }]);
    expect(isDone(whole.events)).toBe(true);
  });

  it('an answer without tool calls shows none', async () => {
    const { stream, head } = await startTurn(kit.gateway, token(), { model: openAiModel, tools: [weatherTool] });
    await stream.finished;
    const chat = await readChat(head.chat_id);
    expect(chat.chat.history.messages[head.message_id]).not.toHaveProperty('tool_calls');
    const again = await reattach(kit.gateway, token(), head.chat_id);
    await again.finished;
    expect(finishAndCalls(again.events)).toEqual({ finishReason: 'stop', deltas: [] });
  });
});
