import { execFileSync } from 'node:child_process';

/** Builds dist/ once so that tests which start a real server process run the same bundle `npm start` runs. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
