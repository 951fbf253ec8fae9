/** Admin user management under /api/v1/users. */
import type { FastifyInstance } from 'fastify';
import { fields, parseInput, z } from '../core/validation';
import type { AccountService } from './accounts';
import { principalOf } from './request-auth';
import { userView } from './user-view';
import type { UserStore } from './users';

const pageSize = 50;

const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  query: z.string().max(200).optional(),
});

const idParams = z.object({ id: z.string().min(1).max(100) });

const updateBody = z
  .object({
    name: fields.name.optional(),
    email: fields.email.optional(),
    role: fields.role.optional(),
    password: z.string().max(1024).optional(),
    profile_image_url: z.string().max(2048).optional(),
  })
  .strict();

export function registerUsersRoutes(app: FastifyInstance, deps: { accounts: AccountService; users: UserStore }): void {
  const admin = { config: { access: 'admin' as const } };

  app.get('/api/v1/users/', admin, async (request) => {
    const query = parseInput(listQuery, request.query, 'query');
    const { users, total } = await deps.users.list({
      query: query.query,
      offset: (query.page - 1) * pageSize,
      limit: pageSize,
    });
    return { users: users.map(userView), total };
  });

  app.post('/api/v1/users/:id/update', admin, async (request) => {
    const { id } = parseInput(idParams, request.params, 'path');
    // Open WebUI sends an empty password to mean "unchanged".
    const body = parseInput(updateBody, request.body);
    if (body.password === '') delete body.password;
    return userView(await deps.accounts.updateUser(principalOf(request), id, body));
  });

  app.delete('/api/v1/users/:id', admin, async (request) => {
    const { id } = parseInput(idParams, request.params, 'path');
    await deps.accounts.deleteUser(principalOf(request), id);
    return true;
  });
}
