/**
 * The users table: queries only. Rules (who may do what) live in the services that call these.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Schema, UserTable } from '../storage';
import { AstraError } from '../core/errors';
import { newId } from '../core/ids';

export type UserRow = Selectable<UserTable>;
export type Role = UserTable['role'];

/** Emails are compared trimmed and lower-cased, so `Ann@Example.com ` signs in as `ann@example.com`. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** The claim that makes exactly one account the first admin, even under racing sign-ups. */
const firstAdminClaimKey = 'first_admin_claimed';

export class UserStore {
  constructor(private readonly db: Kysely<Schema>) {}

  findById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst();
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async countAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Inserts a user. With `role: { firstAdminOr }`, the account becomes admin when it is the first
   * ever: the claim is a row insert that only one transaction can win (a primary key), which holds
   * on SQLite and on PostgreSQL under any number of concurrent sign-ups and processes.
   */
  async insert(user: { email: string; name: string; passwordHash: string; role: Role | { firstAdminOr: Role } }): Promise<UserRow> {
    const now = Date.now();
    try {
      return await this.db.transaction().execute(async (transaction) => {
        let role: Role;
        if (typeof user.role === 'string' && user.role !== 'admin') {
          role = user.role;
        } else {
          // An admin created any other way (CLI, another admin) also takes the claim, so that a
          // later sign-up is not made admin as well.
          const claimed = await transaction
            .insertInto('app_state')
            .values({ key: firstAdminClaimKey, value: now.toString(), updated_at: now })
            .onConflict((conflict) => conflict.column('key').doNothing())
            .returning('key')
            .executeTakeFirst();
          role = typeof user.role === 'string' ? user.role : claimed ? 'admin' : user.role.firstAdminOr;
        }
        const row: UserRow = {
          id: newId(),
          email: normaliseEmail(user.email),
          name: user.name,
          role,
          password_hash: user.passwordHash,
          profile_image_url: '',
          created_at: now,
          updated_at: now,
          last_active_at: now,
        };
        await transaction.insertInto('users').values(row).execute();
        return row;
      });
    } catch (error) {
      throw uniqueEmailError(error) ?? error;
    }
  }

  async update(id: string, changes: Partial<Pick<UserRow, 'name' | 'email' | 'role' | 'password_hash' | 'profile_image_url'>>): Promise<UserRow | undefined> {
    const values = { ...changes, updated_at: Date.now() };
    if (values.email !== undefined) values.email = normaliseEmail(values.email);
    try {
      await this.db.updateTable('users').set(values).where('id', '=', id).execute();
    } catch (error) {
      throw uniqueEmailError(error) ?? error;
    }
    return this.findById(id);
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('users').set({ last_active_at: at }).where('id', '=', id).execute();
  }

  /** Deletes the user; their API key and other owned rows go with them (foreign keys cascade). */
  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async list(options: { query?: string; offset: number; limit: number }): Promise<{ users: UserRow[]; total: number }> {
    let base = this.db.selectFrom('users');
    if (options.query) {
      // Wildcards are dropped rather than escaped: SQLite and PostgreSQL escape LIKE differently.
      const pattern = `%${options.query.toLowerCase().replace(/[%_\\]/g, '')}%`;
      base = base.where((eb) =>
        eb.or([eb(eb.fn('lower', ['name']), 'like', pattern), eb('email', 'like', pattern)]),
      );
    }
    const [users, total] = await Promise.all([
      base.selectAll().orderBy('created_at', 'asc').orderBy('id').offset(options.offset).limit(options.limit).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { users, total: Number(total.n) };
  }
}

/** Maps a unique-constraint violation on the email column to the error a person understands. */
function uniqueEmailError(error: unknown): AstraError | undefined {
  const text = error instanceof Error ? `${error.message} ${(error as { code?: string }).code ?? ''}` : '';
  if (/UNIQUE constraint failed: users\.email|users_email|23505/.test(text)) {
    return new AstraError('email_taken', 'An account with this email already exists');
  }
  return undefined;
}
