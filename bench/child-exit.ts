import type { ChildProcess } from 'node:child_process';

/** Watches a child process: `exited` resolves when it ends, `description()` says how (undefined while it runs). */
export function watchExit(child: ChildProcess): { exited: Promise<void>; description(): string | undefined } {
  let description: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      description = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    });
    child.once('error', (error) => {
      description = `spawn error: ${error.message}`;
      resolve();
    });
  });
  return { exited, description: () => description };
}
