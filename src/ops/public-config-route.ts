/** `GET /api/config`: the public bootstrap the web app and scripts read before signing in. */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';

export interface PublicConfigDeps {
  config: Config;
  version: string;
  users: { count(): Promise<number> };
  /** Whether sign-up is on now (an administrator may switch it at run time; see auth/account-settings.ts). */
  signupEnabled: () => boolean;
}

export function registerPublicConfigRoute(app: FastifyInstance, deps: PublicConfigDeps): void {
  const { config } = deps;
  // Once someone has signed up the answer never goes back to "onboarding", so stop asking.
  let hasUsers = false;

  app.get('/api/config', { config: { access: 'public' } }, async () => {
    hasUsers ||= (await deps.users.count()) > 0;
    return {
      status: true,
      name: config.server.name,
      version: deps.version,
      default_locale: 'en-US',
      /** True until the first account exists: the web app then offers to create the admin. */
      onboarding: !hasUsers,
      features: {
        auth: true,
        enable_signup: deps.signupEnabled(),
        enable_login_form: true,
        enable_api_key: config.accounts.enableApiKeys,
        enable_web_search: config.webSearch.enabled,
        enable_title_generation: config.models.enableTitleGeneration,
        enable_audio_stt: config.audio.sttEngine !== '',
        enable_audio_tts: config.audio.ttsEngine !== '',
      },
      /** How long the web app waits for the server before telling the user (milliseconds). */
      request_timeout_ms: 45_000,
    };
  });
}
