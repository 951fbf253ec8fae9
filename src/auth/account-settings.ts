/**
 * The two account settings an administrator changes at run time: whether people may sign up
 * (`ENABLE_SIGNUP`) and the role a new account gets (`DEFAULT_USER_ROLE`).
 *
 * Like Open WebUI's persistent config, the environment gives a value until an administrator sets
 * one; from then on the stored value (a row of `app_state`) wins, across restarts, whatever the
 * environment says. A change is written to the database, applied here at once, and announced on
 * PubSub so every other process re-reads the rows; sign-up itself reads the rows afresh, so no
 * process lets anyone sign up after the switch was turned off, even before the message arrives.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from '../core/logger';
import type { PubSub, Schema, Unsubscribe } from '../storage';
import type { Role } from './users';

export interface AccountSettingsValues {
  /** ENABLE_SIGNUP */
  enableSignup: boolean;
  /** DEFAULT_USER_ROLE: the role of accounts created by sign-up (the very first one is admin). */
  defaultUserRole: Role;
}

/** The PubSub channel on which a process says "the account settings changed". */
export const accountSettingsChangedChannel = 'auth:settings-changed';

/** The `app_state` rows, one per setting; a row exists only once an administrator set the value. */
const rowKeys = { enableSignup: 'setting:ENABLE_SIGNUP', defaultUserRole: 'setting:DEFAULT_USER_ROLE' } as const;

const roles: readonly Role[] = ['pending', 'user', 'admin'];

/** Re-read this often as well, in case a change message was lost (a Redis reconnect, say). */
const resyncEveryMs = 30_000;

export class AccountSettings {
  private values: AccountSettingsValues;
  /** Tells this process's own messages apart from other processes'. */
  private readonly instanceId = randomUUID();
  /** Reloads run one after another, so the last one to finish read the newest rows. */
  private reloading: Promise<void> = Promise.resolve();
  private unsubscribe: Unsubscribe | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly pubSub: PubSub,
    /** The values from the environment (or their defaults), used until an administrator sets one. */
    private readonly environment: AccountSettingsValues,
    private readonly logger: Logger,
  ) {
    this.values = { ...environment };
  }

  /** Loads the stored values and starts following changes made elsewhere. */
  async start(): Promise<void> {
    // Subscribe before the first read, so a change made in between is not missed.
    this.unsubscribe = await this.pubSub.subscribe(accountSettingsChangedChannel, (message) => {
      if (message === this.instanceId || this.stopped) return;
      this.reload().catch((error: unknown) => this.logger.warn({ err: error }, 'could not re-read the account settings after a change elsewhere'));
    });
    await this.reload();
    this.noteEnvironmentOverridden();
    this.resyncTimer = setInterval(() => {
      this.reload().catch((error: unknown) => this.logger.warn({ err: error }, 'could not re-read the account settings'));
    }, resyncEveryMs);
    this.resyncTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.resyncTimer);
    await this.unsubscribe?.().catch(() => undefined);
    await this.reloading.catch(() => undefined);
  }

  /** The values in force, from memory (no I/O): for answers that may trail another process by a moment. */
  current(): AccountSettingsValues {
    return { ...this.values };
  }

  /** The values in force, read from the database now: for decisions that must not trail a change (sign-up). */
  async read(): Promise<AccountSettingsValues> {
    return this.fromRows(await this.readRows());
  }

  /** Stores the values given (the others keep theirs), applies them here and tells the other processes. */
  async update(changes: Partial<AccountSettingsValues>): Promise<AccountSettingsValues> {
    const now = Date.now();
    const rows: Array<{ key: string; value: string; updated_at: number }> = [];
    if (changes.enableSignup !== undefined) rows.push({ key: rowKeys.enableSignup, value: String(changes.enableSignup), updated_at: now });
    if (changes.defaultUserRole !== undefined) rows.push({ key: rowKeys.defaultUserRole, value: changes.defaultUserRole, updated_at: now });
    if (rows.length === 0) return this.read();
    await this.db.transaction().execute(async (transaction) => {
      for (const row of rows) {
        await transaction
          .insertInto('app_state')
          .values(row)
          .onConflict((conflict) => conflict.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at }))
          .execute();
      }
    });
    await this.reload();
    try {
      await this.pubSub.publish(accountSettingsChangedChannel, this.instanceId);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not tell other processes that the account settings changed; they re-read them within 30 s');
    }
    return this.current();
  }

  private reload(): Promise<void> {
    const next = this.reloading
      .catch(() => undefined)
      .then(async () => {
        const values = this.fromRows(await this.readRows());
        if (!this.stopped) this.values = values;
      });
    this.reloading = next;
    return next;
  }

  private readRows(): Promise<Array<{ key: string; value: string }>> {
    return this.db
      .selectFrom('app_state')
      .select(['key', 'value'])
      .where('key', 'in', [rowKeys.enableSignup, rowKeys.defaultUserRole])
      .execute();
  }

  private fromRows(rows: Array<{ key: string; value: string }>): AccountSettingsValues {
    const values = { ...this.environment };
    for (const row of rows) {
      if (row.key === rowKeys.enableSignup && (row.value === 'true' || row.value === 'false')) values.enableSignup = row.value === 'true';
      else if (row.key === rowKeys.defaultUserRole && roles.includes(row.value as Role)) values.defaultUserRole = row.value as Role;
      // Anything else was not written by Astra: the environment's value stays in force.
      else this.logger.warn({ key: row.key, value: row.value }, 'ignoring a stored account setting Astra cannot read; the environment value applies');
    }
    return values;
  }

  /** Says once at start-up when a stored value overrides what the environment says. */
  private noteEnvironmentOverridden(): void {
    const overridden: string[] = [];
    if (this.values.enableSignup !== this.environment.enableSignup) {
      overridden.push(`ENABLE_SIGNUP=${String(this.environment.enableSignup)} is overridden by an administrator's setting (${String(this.values.enableSignup)})`);
    }
    if (this.values.defaultUserRole !== this.environment.defaultUserRole) {
      overridden.push(`DEFAULT_USER_ROLE=${this.environment.defaultUserRole} is overridden by an administrator's setting (${this.values.defaultUserRole})`);
    }
    if (overridden.length > 0) this.logger.info(`${overridden.join('; ')}; change it under Administration → General`);
  }
}
