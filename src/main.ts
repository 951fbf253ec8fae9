/**
 * The `astra` command line: `serve` (the default), `config check`, `user create-admin`,
 * `user reset-password`.
 */
import { parseArgs } from 'node:util';
import { runServe } from './serve';
import { runConfigCheck } from './config';
import { runUserCommand } from './user-commands';
import { version } from './version';

const usage = `Astra ${version}

Usage:
  astra serve                                   start the server (the default)
  astra config check [--env-file F]             print the effective configuration and every problem
  astra user create-admin --email E --name N [--password P]
  astra user reset-password --email E [--password P]
                                                without --password a strong one is generated and printed
  astra --version | --help
`;

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', subcommand, ...rest] = argv;
  switch (command) {
    case 'serve':
      return runServe();
    case 'config':
      if (subcommand !== 'check') break;
      return runConfigCheck(rest, process.env, process.stdout);
    case 'user':
      if (subcommand !== 'create-admin' && subcommand !== 'reset-password') break;
      return runUserCommand(subcommand, parseArgs({ args: rest, options: userOptions, strict: true }).values);
    case '--version':
      console.log(version);
      return 0;
    case '--help':
    case 'help':
      console.log(usage);
      return 0;
  }
  console.error(`Unknown command: astra ${argv.join(' ')}\n\n${usage}`);
  return 2;
}

const userOptions = {
  email: { type: 'string' },
  name: { type: 'string' },
  password: { type: 'string' },
} as const;

main(process.argv.slice(2)).then(
  (code) => {
    // `serve` keeps running; every other command ends here.
    if (code !== -1) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
