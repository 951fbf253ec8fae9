/**
 * `astra config check [--env-file FILE]`: prints the effective configuration and every problem
 * without starting the server, so a deployment can be checked before it is switched over.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { loadConfig } from './load';
import { formatConfigSummary } from './summary';

/** Where the command writes (process.stdout, or a buffer in tests). */
export interface TextOutput {
  write(text: string): void;
}

const usage = 'Usage: astra config check [--env-file FILE]\n';

/** Exit codes: no problem, a problem in the configuration, a mistake in the command itself. */
const exitCode = { fine: 0, problems: 1, usage: 2 } as const;

type ParsedArguments = { envFile: string | undefined } | { help: true } | { error: string };

function parseArguments(argv: readonly string[]): ParsedArguments {
  let envFile: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (argument === '--help' || argument === '-h') return { help: true };
    if (argument === '--env-file') {
      envFile = argv[index + 1];
      index += 1;
      if (envFile === undefined || envFile === '') return { error: '--env-file needs a file name' };
    } else if (argument.startsWith('--env-file=')) {
      envFile = argument.slice('--env-file='.length);
      if (envFile === '') return { error: '--env-file needs a file name' };
    } else {
      return { error: `unknown argument ${argument}` };
    }
  }
  return { envFile };
}

async function readEnvFile(file: string): Promise<Record<string, string> | string> {
  try {
    const parsed = parseEnv(await readFile(file, 'utf8'));
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => entry[1] !== undefined));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    return `Cannot read env file ${file}: ${reason}\n`;
  }
}

/**
 * Runs the command with the arguments after `config check`. Values from `--env-file` (dotenv
 * format) override `env`. Returns the exit code: 0 when the configuration has no problem, 1 when
 * it has, 2 when the command itself is wrong (unknown argument, unreadable env file).
 */
export async function runConfigCheck(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  out: TextOutput,
): Promise<number> {
  const parsed = parseArguments(argv);
  if ('help' in parsed) {
    out.write(usage);
    return exitCode.fine;
  }
  if ('error' in parsed) {
    out.write(`${parsed.error}\n${usage}`);
    return exitCode.usage;
  }

  let effectiveEnv = env;
  if (parsed.envFile !== undefined) {
    const file = path.resolve(parsed.envFile);
    const fromFile = await readEnvFile(file);
    if (typeof fromFile === 'string') {
      out.write(fromFile);
      return exitCode.usage;
    }
    effectiveEnv = { ...env, ...fromFile };
  }

  const result = loadConfig(effectiveEnv);
  out.write(formatConfigSummary(result, effectiveEnv));
  const count = result.problems.length;
  out.write(count === 0 ? 'Astra would start with this configuration.\n' : `Astra would not start: ${count} problem${count === 1 ? '' : 's'}.\n`);
  return count === 0 ? exitCode.fine : exitCode.problems;
}
