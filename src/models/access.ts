/**
 * Who may use which model, as an admin set it: everyone (the default), admins only, or listed users.
 * Settings are few: all of them live in memory, reloaded when any process changes one.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../core/logger';
import type { PubSub, Schema } from '../storage';

export type ModelVisibility = 'everyone' | 'admins' | 'users';

export interface ModelSetting {
  modelId: string;
  access: ModelVisibility;
  userIds: string[];
}

const channel = 'models:settings-changed';

export class ModelAccess {
  private settings = new Map<string, ModelSetting>();
  private unsubscribe: (() => Promise<void>) | undefined;
  /** Counts changes made here, so a reload that read the table before one of them is not applied over it. */
  private changes = 0;
  /** The reload under way, if any: stop() waits for it, so none runs on a closed database. */
  private reloading: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly pubSub: PubSub,
    /** BYPASS_MODEL_ACCESS_CONTROL: every signed-in user may use every model. */
    private readonly bypass: boolean,
    private readonly logger?: Logger,
  ) {}

  async start(): Promise<void> {
    // Subscribe before the first read, so a change made in between is not missed.
    this.unsubscribe = await this.pubSub.subscribe(channel, () => this.reloadAfterChange());
    await this.reload();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.unsubscribe?.();
    await this.reloading;
  }

  canUse(user: { id: string; role: string }, modelId: string): boolean {
    if (this.bypass || user.role === 'admin') return true;
    const setting = this.settings.get(modelId);
    if (setting === undefined || setting.access === 'everyone') return true;
    return setting.access === 'users' && setting.userIds.includes(user.id);
  }

  settingOf(modelId: string): ModelSetting {
    return this.settings.get(modelId) ?? { modelId, access: 'everyone', userIds: [] };
  }

  async update(setting: ModelSetting): Promise<ModelSetting> {
    const row = { model_id: setting.modelId, access: setting.access, user_ids: JSON.stringify(setting.userIds), updated_at: Date.now() };
    await this.db
      .insertInto('model_settings')
      .values(row)
      .onConflict((conflict) => conflict.column('model_id').doUpdateSet({ access: row.access, user_ids: row.user_ids, updated_at: row.updated_at }))
      .execute();
    this.changes += 1;
    this.settings.set(setting.modelId, setting);
    await this.pubSub.publish(channel, setting.modelId);
    return setting;
  }

  private reloadAfterChange(): void {
    if (this.stopped) return;
    const run = (this.reloading ?? Promise.resolve()).then(() => (this.stopped ? undefined : this.reload()));
    this.reloading = run.catch((error: unknown) => {
      this.logger?.warn({ err: error }, 'could not reload the model access settings after a change elsewhere; keeping the previous ones');
    });
  }

  private async reload(): Promise<void> {
    const changesBefore = this.changes;
    const rows = await this.db.selectFrom('model_settings').selectAll().execute();
    // A change made here while the table was being read: what was read may be older; read again.
    if (this.changes !== changesBefore) return this.reload();
    this.settings = new Map(
      rows.map((row) => [row.model_id, { modelId: row.model_id, access: row.access as ModelVisibility, userIds: JSON.parse(row.user_ids) as string[] }]),
    );
  }
}
