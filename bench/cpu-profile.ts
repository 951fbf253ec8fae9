/**
 * `--cpu-prof`: Astra runs under `node --cpu-prof` in the gateway sections, and after the run the
 * hottest functions of each profile are printed (self time: time spent in the function itself).
 * The .cpuprofile files stay in bench/results/profiles/ for Chrome DevTools or speedscope.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Node options that make a process write its CPU profile into `directory` when it exits. */
export function cpuProfileArguments(directory: string): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${directory}`];
}

/** "function file:line" for a frame, with node_modules and the build directory shortened. */
function frameName(frame: ProfileNode['callFrame']): string {
  const file = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
  return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
}

/** The busy time and the `top` functions by self time of one .cpuprofile file, as printable lines. */
export function summarizeProfile(path: string, top = 15): string[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const microsecondsByNode = new Map<number, number>();
  profile.samples.forEach((nodeId, index) => microsecondsByNode.set(nodeId, (microsecondsByNode.get(nodeId) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const selfByFrame = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const milliseconds = (microsecondsByNode.get(node.id) ?? 0) / 1000;
    total += milliseconds;
    if (node.callFrame.functionName === '(idle)') idle += milliseconds;
    else {
      const name = frameName(node.callFrame);
      selfByFrame.set(name, (selfByFrame.get(name) ?? 0) + milliseconds);
    }
  }
  const busy = total - idle;
  const lines = [`${path}: ${(total / 1000).toFixed(1)} s profiled, ${(busy / 1000).toFixed(1)} s busy; top ${top} by self time:`];
  for (const [name, milliseconds] of [...selfByFrame].sort((left, right) => right[1] - left[1]).slice(0, top)) {
    lines.push(`  ${milliseconds.toFixed(0).padStart(6)} ms ${((milliseconds / busy) * 100).toFixed(1).padStart(5)} %  ${name}`);
  }
  return lines;
}

/** Summaries of every profile under `directory` (one folder per section), paths relative to `root`. */
export function summarizeProfiles(directory: string, root: string): string[] {
  const lines: string[] = [];
  let sections: string[];
  try {
    sections = readdirSync(directory);
  } catch {
    return lines;
  }
  for (const section of sections.sort()) {
    const folder = join(directory, section);
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.cpuprofile')).sort()) {
      lines.push(...summarizeProfile(relative(root, join(folder, file))), '');
    }
  }
  return lines;
}
