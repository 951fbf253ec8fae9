/**
 * With real server processes: an answer whose process was killed mid-answer (SIGKILL: no chance to
 * say anything) is marked interrupted as soon as the server starts again; a process stopped with
 * SIGTERM stores its running answer as interrupted itself, with the text that had arrived.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../../test/support/model-server';
import { startServer, type ServerProcess } from '../../../test/support/server-process';
import { ollamaModel, startTurn } from './generation-test-kit';
import { tokensOf } from './sse-test-reader';

interface MessageView {
  status: string;
  content: string;
  done: boolean;
}

async function signUp(server: ServerProcess): Promise<string> {
  const response = await request(`${server.url}/api/v1/auths/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Restart', email: 'restart@example.com', password: 'restart password' }),
  });
  return ((await response.body.json()) as { token: string }).token;
}

async function readMessage(server: ServerProcess, token: string, chatId: string, messageId: string): Promise<MessageView | undefined> {
  const response = await request(`${server.url}/api/v1/chats/${chatId}`, { headers: { authorization: `Bearer ${token}` } });
  const chat = (await response.body.json()) as { chat?: { history: { messages: Record<string, MessageView> } } };
  return chat.chat?.history.messages[messageId];
}

describe('answers of a server process that stopped', () => {
  let dataDir: string | undefined;
  let server: ServerProcess | undefined;
  let upstream: ModelServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await upstream?.close();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  const start = async (): Promise<ServerProcess> =>
    startServer({ DATA_DIR: dataDir!, OLLAMA_BASE_URL: upstream!.ollamaBaseUrl, ENABLE_OPENAI_API: 'false' });

  it('killed (SIGKILL) mid-answer: marked interrupted when the server starts again', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'astra-generation-kill-'));
    upstream = await startModelServer();
    upstream.setBehavior({ tokenDelayMs: 50, tokenCount: 400 });
    server = await start();
    const token = await signUp(server);
    const { stream, head } = await startTurn(server, token, { model: ollamaModel });
    await stream.until((events) => tokensOf(events).length >= 3);
    expect((await readMessage(server, token, head.chat_id, head.message_id))?.status).toBe('generating');
    const exited = once(server.child, 'exit');
    server.child.kill('SIGKILL');
    await exited;
    await stream.finished;

    server = await start();
    const message = await readMessage(server, token, head.chat_id, head.message_id);
    expect(message).toMatchObject({ status: 'interrupted', done: true });
  });

  it('stopped with SIGTERM mid-answer: stores the answer as interrupted with the text so far, and exits 0 at once', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'astra-generation-term-'));
    upstream = await startModelServer();
    upstream.setBehavior({ tokenDelayMs: 50, tokenCount: 400 });
    server = await start();
    const token = await signUp(server);
    const { stream, head } = await startTurn(server, token, { model: ollamaModel });
    await stream.until((events) => tokensOf(events).length >= 5);
    const stoppedAt = Date.now();
    expect(await server.stop()).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    await stream.finished;

    server = await start();
    const message = await readMessage(server, token, head.chat_id, head.message_id);
    expect(message?.status).toBe('interrupted');
    expect(message?.content).toBe(tokensOf(stream.events).join(''));
  });
});
