import { describe, expect, it } from 'vitest';
import { loadConfig } from './load';

const cwd = '/srv/astra';

describe('audio variables', () => {
  it("reads AUDIO_STT_ENGINE= as the browser, a value of its own", () => {
    const result = loadConfig({ AUDIO_STT_ENGINE: '', AUDIO_TTS_ENGINE: 'openai' }, { cwd });
    expect(result.config?.audio).toMatchObject({ sttEngine: '', ttsEngine: 'openai' });
    expect(result.settings.find((setting) => setting.variable === 'AUDIO_STT_ENGINE')).toMatchObject({
      source: { kind: 'set' },
      note: 'in the browser',
    });
  });

  it('refuses engines Astra does not have', () => {
    expect(loadConfig({ AUDIO_TTS_ENGINE: 'elevenlabs' }, { cwd }).problems.map((problem) => problem.message)).toEqual([
      'AUDIO_TTS_ENGINE=elevenlabs is not accepted; expected one of openai, or empty for the browser',
    ]);
  });

  it("takes the OpenAI connection's key when no audio key is set", () => {
    const env = { OPENAI_API_BASE_URLS: 'http://vllm:8000/v1;https://api.openai.com/v1', OPENAI_API_KEYS: ';sk-openai-0000' };
    expect(loadConfig(env, { cwd }).config?.audio).toMatchObject({ sttOpenAiApiKey: 'sk-openai-0000', ttsOpenAiApiKey: 'sk-openai-0000' });
  });

  it('prefers the audio variables', () => {
    const env = {
      OPENAI_API_KEY: 'sk-openai-0000',
      AUDIO_STT_OPENAI_API_BASE_URL: 'http://speaches:8000/v1/',
      AUDIO_STT_OPENAI_API_KEY: 'sk-speaches-0000',
      AUDIO_STT_MODEL: 'Systran/faster-whisper-small',
      AUDIO_TTS_SPLIT_ON: 'paragraphs',
      AUDIO_TTS_VOICE: 'nova',
    };
    expect(loadConfig(env, { cwd }).config?.audio).toMatchObject({
      sttOpenAiBaseUrl: 'http://speaches:8000/v1',
      sttOpenAiApiKey: 'sk-speaches-0000',
      sttModel: 'Systran/faster-whisper-small',
      ttsOpenAiApiKey: 'sk-openai-0000',
      ttsSplitOn: 'paragraphs',
      ttsVoice: 'nova',
    });
  });
});
