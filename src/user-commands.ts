/** `astra user create-admin` and `astra user reset-password`, for first set-up and recovery. */
import { loadConfig } from './config';
import { randomToken } from './core/ids';
import { createLogger } from './core/logger';
import { closeServices, createServices } from './services';

export async function runUserCommand(
  command: 'create-admin' | 'reset-password',
  options: { email?: string; name?: string; password?: string },
): Promise<number> {
  const result = loadConfig(process.env);
  if (result.config === undefined) {
    for (const problem of result.problems) console.error(problem.message);
    return 1;
  }
  if (!options.email) {
    console.error(`astra user ${command}: --email is required`);
    return 2;
  }
  if (command === 'create-admin' && !options.name) {
    console.error('astra user create-admin: --name is required');
    return 2;
  }
  const services = await createServices(result.config, createLogger({ level: 'warn' }));
  try {
    const { accounts, users } = services.auth;
    const password = options.password ?? randomToken(18);
    if (command === 'create-admin') {
      const user = await accounts.addUser({ name: options.name ?? '', email: options.email, password, role: 'admin' });
      console.log(`Created administrator ${user.email} (id ${user.id}).`);
    } else {
      const user = await users.findByEmail(options.email);
      if (!user) {
        console.error(`No account has the email ${options.email}`);
        return 1;
      }
      await accounts.setPassword(user.id, password);
      console.log(`Password of ${user.email} changed; their sessions have ended.`);
    }
    if (options.password === undefined) console.log(`Password: ${password}`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    await closeServices(services);
  }
}
