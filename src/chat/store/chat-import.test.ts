import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { AstraError } from '../../core/errors';
import { parseChatImport, parseNewChat } from './chat-import';
import type { ChatDraft } from './chat-draft';

const fixture = async (): Promise<unknown> => JSON.parse(await readFile(new URL('./fixtures/open-webui-export.json', import.meta.url), 'utf8'));

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(AstraError);
    expect((error as AstraError).status).toBe(400);
    return (error as AstraError).message;
  }
  throw new Error('expected a 400');
}

const byId = (draft: ChatDraft, id: string) => draft.messages.find((message) => message.id === id)!;

describe('parseChatImport', () => {
  it('reads an Open WebUI export: tree, statuses, flags and times', async () => {
    const [boiling, haiku, old] = parseChatImport(await fixture());
    expect(boiling).toMatchObject({ id: '5f0c1e9a-3b7d-4c2e-9a61-0d8f4b2c7e11', title: 'Boiling point of water', models: ['llama3.1:8b'], pinned: false, archived: false });
    expect(boiling!.createdAt).toBe(1718000000_000);
    expect(boiling!.updatedAt).toBe(1718000095_000);
    expect(boiling!.messages).toHaveLength(7);
    expect(boiling!.currentId).toBe('1a2b3c4d-0007-4000-8000-000000000007');
    const regenerated = byId(boiling!, '1a2b3c4d-0003-4000-8000-000000000003');
    expect(regenerated).toMatchObject({ role: 'assistant', model: 'llama3.1:8b', status: 'complete', usage: { total_tokens: 39 } });
    expect(byId(boiling!, '1a2b3c4d-0007-4000-8000-000000000007').sources).toHaveLength(1);

    // Siblings with the same timestamp keep the order of the parent's childrenIds.
    const [first, second] = ['2b3c4d5e-0002-4000-8000-000000000002', '2b3c4d5e-0003-4000-8000-000000000003'].map((id) => byId(haiku!, id));
    expect(first!.createdAt).toBeLessThan(second!.createdAt);
    expect(second).toMatchObject({ status: 'error', error: 'Connection refused: the model server did not answer', content: '' });
    expect(haiku!.pinned).toBe(true);

    expect(old!.archived).toBe(true);
    expect(byId(old!, '3c4d5e6f-0002-4000-8000-000000000002').status).toBe('interrupted');
  });

  it('accepts Astra’s {version, chats}, bare chats, and the oldest exports’ plain message lists', () => {
    const drafts = parseChatImport({
      version: 1,
      chats: [
        { title: 'Bare', history: { messages: { m1: { role: 'user', content: 'hi' } }, currentId: 'm1' } },
        { chat: { title: 'Linear', messages: [{ role: 'user', content: 'one' }, { role: 'assistant', content: 'two', model: 'x' }] } },
      ],
    });
    expect(drafts[0]).toMatchObject({ title: 'Bare', currentId: 'm1', models: [] });
    const [question, answer] = drafts[1]!.messages;
    expect(answer!.parentId).toBe(question!.id);
    expect(drafts[1]!.currentId).toBe(answer!.id);
    expect(drafts[1]!.models).toEqual(['x']);
  });

  it('names every bad record by its path and imports nothing', async () => {
    const chats = (await fixture()) as Array<{ chat: { history: { messages: Record<string, { role: string; parentId: string | null }> } } }>;
    chats[1]!.chat.history.messages['2b3c4d5e-0002-4000-8000-000000000002']!.role = 'robot';
    chats[2]!.chat.history.messages['3c4d5e6f-0002-4000-8000-000000000002']!.parentId = 'nowhere';
    const message = refusal(() => parseChatImport([...chats, { chat: { title: 5 } }]));
    expect(message).toMatch(/^Nothing was imported: /);
    expect(message).toContain('chats[1].chat.history.messages.2b3c4d5e-0002-4000-8000-000000000002.role: must be one of "user", "assistant", "system"');
    expect(message).toContain('chats[2].chat.history.messages.3c4d5e6f-0002-4000-8000-000000000002.parentId: no message "nowhere" in this chat');
    expect(message).toContain('chats[3].chat.title: must be a string');
  });

  it('refuses loops, duplicate ids, unknown formats and versions', () => {
    const loop = { chat: { history: { messages: { a: { role: 'user', parentId: 'b' }, b: { role: 'assistant', parentId: 'a' } } } } };
    expect(refusal(() => parseChatImport([loop]))).toMatch(/chats\[0\]\.chat\.history\.messages\.a\.parentId: makes a loop/);
    const twice = { chat: { messages: [{ id: 'x', role: 'user' }, { id: 'x', role: 'assistant' }] } };
    expect(refusal(() => parseChatImport([twice]))).toContain('chats[0].chat.messages[1].id: another message of this chat has the id "x"');
    expect(refusal(() => parseChatImport('nope'))).toMatch(/^body: must be a chat export/);
    expect(refusal(() => parseChatImport({ version: 2, chats: [] }))).toMatch(/^version: must be 1/);
    expect(refusal(() => parseChatImport([42]))).toBe('Nothing was imported: chats[0]: must be an object');
  });

  it('reads Astra’s tool calls and content parts, leaving them null where absent', () => {
    const toolCall = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } };
    const image = { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } };
    const [draft] = parseChatImport({
      version: 1,
      chats: [
        {
          chat: {
            history: {
              messages: {
                q: { role: 'user', content: 'Weather?', content_parts: [image] },
                // `type` may be left out; it can only be 'function'.
                a: { role: 'assistant', parentId: 'q', content: '', tool_calls: [{ ...toolCall, type: undefined }] },
                b: { role: 'assistant', parentId: 'q', content: 'Sunny', tool_calls: null },
              },
            },
          },
        },
      ],
    });
    expect(byId(draft!, 'q')).toMatchObject({ contentParts: [image], toolCalls: null });
    expect(byId(draft!, 'a')).toMatchObject({ toolCalls: [toolCall], contentParts: null });
    expect(byId(draft!, 'b')).toMatchObject({ toolCalls: null, contentParts: null });
  });

  it('turns the image files of an Open WebUI message into image parts, leaving its other files out', () => {
    const image = 'data:image/png;base64,iVBORw0KGgo=';
    const [chat] = parseChatImport([
      {
        id: 'c1',
        title: 'A picture',
        chat: {
          history: {
            currentId: 'u1',
            messages: {
              u1: {
                id: 'u1',
                parentId: null,
                role: 'user',
                content: 'What is in this picture?',
                files: [{ type: 'image', url: image }, { type: 'file', id: 'f1', name: 'notes.pdf' }, 'not a file'],
              },
            },
          },
        },
      },
    ]);
    expect(byId(chat!, 'u1')).toMatchObject({ content: 'What is in this picture?', contentParts: [{ type: 'image_url', image_url: { url: image } }] });
  });

  it('refuses malformed tool calls and text given as a content part', () => {
    const chat = (message: Record<string, unknown>) => [{ chat: { history: { messages: { m: { role: 'assistant', ...message } } } } }];
    expect(refusal(() => parseChatImport(chat({ tool_calls: [{ id: 'c', function: { name: 'f' } }] })))).toContain(
      'chats[0].chat.history.messages.m.tool_calls[0].function.arguments: is required',
    );
    expect(refusal(() => parseChatImport(chat({ content_parts: [{ type: 'text', text: 'x' }] })))).toContain(
      'chats[0].chat.history.messages.m.content_parts[0].type: must not be "text"',
    );
  });

  it('repairs a current id that names no message (as Open WebUI does)', () => {
    const [draft] = parseChatImport([{ chat: { history: { messages: { a: { role: 'user' }, b: { role: 'assistant', parentId: 'a' } }, currentId: 'gone' } } }]);
    expect(draft!.currentId).toBe('b');
  });
});

describe('parseNewChat', () => {
  it('takes a title and models, with optional messages in Open WebUI form', () => {
    const now = 1_800_000_000_000;
    expect(parseNewChat({ title: 'Hello', models: ['m'] }, now)).toMatchObject({ title: 'Hello', models: ['m'], messages: [], currentId: null, createdAt: now });
    expect(parseNewChat({}, now).title).toBe('New Chat');
    const draft = parseNewChat({ title: 'T', models: [], messages: [{ id: 'q', role: 'user', content: 'hi' }] }, now);
    expect(draft.messages).toMatchObject([{ id: 'q', parentId: null, content: 'hi', status: 'complete' }]);
    expect(refusal(() => parseNewChat({ models: 'm' }, now))).toBe('chat.models: must be an array');
  });
});
