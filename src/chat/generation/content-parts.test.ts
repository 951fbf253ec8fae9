/**
 * A user message sent as content parts (`[{type: 'text'}, {type: 'image_url'}]`) keeps its text as
 * the message's content (search finds it) and its other parts beside it: the chat shows them, the
 * export carries them and an import brings them back. Messages without such parts show none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, send } from '../../../test/support/gateway';
import { maxContentParts, type ChatListItem, type ChatView } from '../store';
import { ollamaModel, openAiModel, startGenerationKit, startTurn, storageVariants, type GenerationKit } from './generation-test-kit';

// A 1×1 transparent PNG.
const imageUrl = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe.each(storageVariants)('content parts of a user message ($name)', (variant) => {
  let kit: GenerationKit;
  beforeAll(async () => {
    kit = await startGenerationKit(variant);
  });
  afterAll(async () => kit?.close());

  const token = (): string => kit.gateway.user.token;
  const readChat = async (chatId: string): Promise<ChatView> => jsonOf<ChatView>(await send(kit.gateway, `/api/v1/chats/${chatId}`, { token: token() }));
  const search = async (text: string): Promise<string[]> =>
    jsonOf<ChatListItem[]>(await send(kit.gateway, `/api/v1/chats/search?text=${encodeURIComponent(text)}`, { token: token() })).map((chat) => chat.id);

  it.each([openAiModel, ollamaModel])('an image beside the text is stored, shown, searchable by its text, exported and imported (%s)', async (model) => {
    const word = `zebra${crypto.randomUUID().slice(0, 8)}`;
    const content = [
      { type: 'text', text: `What is in this picture, ${word}?` },
      { type: 'image_url', image_url: { url: imageUrl, detail: 'low' } },
    ];
    const { stream, head } = await startTurn(kit.gateway, token(), { model, messages: [{ role: 'user', content }] });
    await stream.finished;
    const parts = [{ type: 'image_url', image_url: { url: imageUrl, detail: 'low' } }];

    const stored = await kit.gateway.astra.services.chats.getMessage(head.chat_id, kit.gateway.user.id, head.user_message_id);
    expect(stored).toMatchObject({ content: `What is in this picture, ${word}?`, tool_calls: null });
    expect(JSON.parse(stored!.content_parts!)).toEqual(parts);
    expect(await kit.gateway.astra.services.chats.getMessage(head.chat_id, kit.gateway.user.id, head.message_id)).toMatchObject({ status: 'complete', content_parts: null });

    const chat = await readChat(head.chat_id);
    expect(chat.chat.history.messages[head.user_message_id]).toMatchObject({ content: `What is in this picture, ${word}?`, content_parts: parts });
    expect(chat.chat.messages[0]!.content_parts).toEqual(parts);
    expect(chat.chat.history.messages[head.message_id]).not.toHaveProperty('content_parts');
    expect(await search(word)).toEqual([head.chat_id]);

    const exported = jsonOf<{ version: number; chats: ChatView[] }>(await send(kit.gateway, '/api/v1/chats/export', { token: token() }));
    const mine = exported.chats.find((exportedChat) => exportedChat.id === head.chat_id)!;
    const imported = await send(kit.gateway, '/api/v1/chats/import', { token: token(), body: { version: exported.version, chats: [mine] } });
    expect(imported.status).toBe(200);
    const copyId = jsonOf<ChatListItem[]>(imported)[0]!.id;
    expect((await readChat(copyId)).chat.messages.map((message) => message.content_parts)).toEqual([parts, undefined]);
    expect((await search(word)).sort()).toEqual([head.chat_id, copyId].sort());
  });

  it('an image URL sent as a bare string is stored in the {url} form; a plain text message stores no parts', async () => {
    const { stream, head } = await startTurn(kit.gateway, token(), {
      model: openAiModel,
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: imageUrl }, { type: 'text', text: 'Describe it' }] }],
    });
    await stream.finished;
    const question = (await readChat(head.chat_id)).chat.history.messages[head.user_message_id]!;
    expect(question).toMatchObject({ content: 'Describe it', content_parts: [{ type: 'image_url', image_url: { url: imageUrl } }] });

    const plain = await startTurn(kit.gateway, token(), { model: openAiModel, messages: [{ role: 'user', content: [{ type: 'text', text: 'Only words' }] }] });
    await plain.stream.finished;
    const stored = await kit.gateway.astra.services.chats.getMessage(plain.head.chat_id, kit.gateway.user.id, plain.head.user_message_id);
    expect(stored).toMatchObject({ content: 'Only words', content_parts: null });
    expect((await readChat(plain.head.chat_id)).chat.history.messages[plain.head.user_message_id]).not.toHaveProperty('content_parts');
  });

  it('a large image within the body limit is kept whole', async () => {
    const large = `data:image/png;base64,${'A'.repeat(700_000)}`;
    const { stream, head } = await startTurn(kit.gateway, token(), {
      model: openAiModel,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Big one' }, { type: 'image_url', image_url: { url: large } }] }],
    });
    await stream.finished;
    const question = (await readChat(head.chat_id)).chat.history.messages[head.user_message_id]!;
    expect(question.content_parts).toEqual([{ type: 'image_url', image_url: { url: large } }]);
  });

  it(`more than ${maxContentParts} parts other than text is a 400, and nothing is stored`, async () => {
    const chatId = crypto.randomUUID();
    const parts = Array.from({ length: maxContentParts + 1 }, () => ({ type: 'image_url', image_url: { url: imageUrl } }));
    const refused = await send(kit.gateway, '/api/chat/completions', {
      token: token(),
      body: { model: openAiModel, chat_id: chatId, messages: [{ role: 'user', content: [{ type: 'text', text: 'Many' }, ...parts] }], stream: true },
    });
    expect(refused.status).toBe(400);
    expect(jsonOf<{ detail: string }>(refused).detail).toBe(`messages[0].content: at most ${maxContentParts} parts other than text can be stored with a message`);
    expect(await kit.gateway.astra.services.chats.ownsChat(chatId, kit.gateway.user.id)).toBe(false);
  });
});
