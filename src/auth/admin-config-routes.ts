/**
 * `GET /api/v1/auths/admin/config` and `POST /api/v1/auths/admin/config` (Open WebUI's paths and
 * field names): the sign-up switch and the role of new accounts, admin only.
 *
 * The answer is `{ENABLE_SIGNUP, DEFAULT_USER_ROLE}`. A body may give either field or both (one
 * left out keeps its value). Open WebUI's form has more fields; a script written for it sends them
 * all, so those are accepted and not applied (Astra sets them in the environment, if at all); any
 * other field is refused, so a misspelt name does not pass as a saved change.
 */
import type { FastifyInstance } from 'fastify';
import { fields, parseInput, z } from '../core/validation';
import type { AccountSettings, AccountSettingsValues } from './account-settings';

/** Open WebUI's other admin-config fields. */
const openWebUiOnlyFields = [
  'SHOW_ADMIN_DETAILS',
  'ADMIN_EMAIL',
  'WEBUI_URL',
  'ENABLE_API_KEY',
  'ENABLE_API_KEY_ENDPOINT_RESTRICTIONS',
  'API_KEY_ALLOWED_ENDPOINTS',
  'JWT_EXPIRES_IN',
  'ENABLE_COMMUNITY_SHARING',
  'ENABLE_MESSAGE_RATING',
  'ENABLE_CHANNELS',
  'ENABLE_NOTES',
  'ENABLE_USER_WEBHOOKS',
  'PENDING_USER_OVERLAY_TITLE',
  'PENDING_USER_OVERLAY_CONTENT',
  'RESPONSE_WATERMARK',
] as const;

const updateBody = z
  .object({
    ENABLE_SIGNUP: z.boolean().optional(),
    DEFAULT_USER_ROLE: fields.role.optional(),
    ...Object.fromEntries(openWebUiOnlyFields.map((name) => [name, z.unknown().optional()])),
  })
  .strict();

export interface AdminConfigView {
  ENABLE_SIGNUP: boolean;
  DEFAULT_USER_ROLE: AccountSettingsValues['defaultUserRole'];
}

function adminConfigView(values: AccountSettingsValues): AdminConfigView {
  return { ENABLE_SIGNUP: values.enableSignup, DEFAULT_USER_ROLE: values.defaultUserRole };
}

export function registerAdminConfigRoutes(app: FastifyInstance, deps: { settings: AccountSettings }): void {
  const admin = { config: { access: 'admin' as const } };
  const path = '/api/v1/auths/admin/config';

  app.get(path, admin, async () => adminConfigView(await deps.settings.read()));

  app.post(path, admin, async (request) => {
    const body = parseInput(updateBody, request.body) as z.output<typeof updateBody> & Record<string, unknown>;
    const ignored = openWebUiOnlyFields.filter((name) => body[name] !== undefined);
    if (ignored.length > 0) request.log.info({ fields: ignored }, 'admin config: fields Astra does not change at run time were ignored');
    const updated = await deps.settings.update({ enableSignup: body.ENABLE_SIGNUP, defaultUserRole: body.DEFAULT_USER_ROLE });
    return adminConfigView(updated);
  });
}
