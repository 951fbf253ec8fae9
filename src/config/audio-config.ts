/**
 * Audio variables: speech-to-text and text-to-speech, in the browser ('') or through an
 * OpenAI-compatible server.
 */
import { openAiDefaultUrl } from './connections-config';
import type { EnvironmentReader } from './environment-reader';
import { maskSecret, maskUrlPassword } from './mask-secret';
import type { AudioConfig, ConnectionEnvConfig } from './types';
import { anyText, oneOf, parseBoolean, parseHttpUrl } from './value-parsers';

const engine = oneOf(['', 'openai'] as const, 'one of openai, or empty for the browser');
const engineOptions = {
  keepEmpty: true,
  note: (value: string) => (value === '' ? 'in the browser' : undefined),
};

/**
 * Reads the Audio group. As in Open WebUI, the keys default to the OPENAI_API_KEYS entry for
 * OpenAI itself, so one OpenAI key serves chat and voice.
 */
export function readAudioConfig(reader: EnvironmentReader, connections: ConnectionEnvConfig): AudioConfig {
  reader.startGroup('Audio');
  const openAiIndex = connections.openAiBaseUrls.indexOf(openAiDefaultUrl);
  const openAiKey = openAiIndex === -1 ? '' : (connections.openAiApiKeys[openAiIndex] ?? '');
  const keyOptions = { mask: maskSecret, defaultNote: `the OPENAI_API_KEYS entry for ${openAiDefaultUrl}` };
  const urlOptions = { mask: maskUrlPassword };

  const sttEngine = reader.read('AUDIO_STT_ENGINE', engine, '', engineOptions);
  const sttOpenAiBaseUrl = reader.read('AUDIO_STT_OPENAI_API_BASE_URL', parseHttpUrl, openAiDefaultUrl, urlOptions);
  const sttOpenAiApiKey = reader.read('AUDIO_STT_OPENAI_API_KEY', anyText, openAiKey, keyOptions);
  const sttModel = reader.read('AUDIO_STT_MODEL', anyText, 'whisper-1');
  const whisperModel = reader.read('WHISPER_MODEL', anyText, 'base');
  const whisperVadFilter = reader.read('WHISPER_VAD_FILTER', parseBoolean, false);
  const ttsEngine = reader.read('AUDIO_TTS_ENGINE', engine, '', engineOptions);
  const ttsOpenAiBaseUrl = reader.read('AUDIO_TTS_OPENAI_API_BASE_URL', parseHttpUrl, openAiDefaultUrl, urlOptions);
  const ttsOpenAiApiKey = reader.read('AUDIO_TTS_OPENAI_API_KEY', anyText, openAiKey, keyOptions);
  const ttsModel = reader.read('AUDIO_TTS_MODEL', anyText, 'tts-1');
  const ttsVoice = reader.read('AUDIO_TTS_VOICE', anyText, 'alloy');
  const ttsSplitOn = reader.read('AUDIO_TTS_SPLIT_ON', oneOf(['punctuation', 'paragraphs', 'none'] as const), 'punctuation');
  return {
    sttEngine,
    sttOpenAiBaseUrl,
    sttOpenAiApiKey,
    sttModel,
    whisperModel,
    whisperVadFilter,
    ttsEngine,
    ttsOpenAiBaseUrl,
    ttsOpenAiApiKey,
    ttsModel,
    ttsVoice,
    ttsSplitOn,
  };
}
