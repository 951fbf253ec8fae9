import { readFileSync } from 'node:fs';

/** Linux's clock tick for /proc times (USER_HZ); 100 on every common kernel build. */
const ticksPerSecond = 100;

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc/<pid>/stat. */
export function processCpuMilliseconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** The machine's busy and total CPU time so far (all cores), in ticks, from /proc/stat. */
export function machineCpuTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  // user nice system idle iowait irq softirq steal (guest time is already counted in user and nice)
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  // Steal (the hypervisor running something else) counts as busy: the CPU was not ours to use.
  return { busy: total - idle, total };
}

/** CPU use between two points in time: per watched process (% of one core) and the whole machine (% of all cores). */
export class CpuMeter {
  private readonly startedAt = performance.now();
  private readonly processStart: Map<number, number>;
  private readonly machineStart = machineCpuTicks();

  constructor(private readonly pids: readonly number[]) {
    this.processStart = new Map(pids.map((pid) => [pid, processCpuMilliseconds(pid)]));
  }

  /** Percent of one core each process used since the meter started, and the machine's busy percent. */
  read(): { processPercent: Map<number, number>; machinePercent: number } {
    const elapsedMs = performance.now() - this.startedAt;
    const processPercent = new Map(this.pids.map((pid) => [pid, ((processCpuMilliseconds(pid) - this.processStart.get(pid)!) / elapsedMs) * 100]));
    const machine = machineCpuTicks();
    const total = machine.total - this.machineStart.total;
    const machinePercent = total > 0 ? ((machine.busy - this.machineStart.busy) / total) * 100 : 0;
    return { processPercent, machinePercent };
  }
}

/** How busy the machine is over `milliseconds` (all cores, percent), before the bench starts anything. */
export async function machineBusyPercent(milliseconds: number): Promise<number> {
  const before = machineCpuTicks();
  await new Promise((resolve) => setTimeout(resolve, milliseconds));
  const after = machineCpuTicks();
  const total = after.total - before.total;
  return total > 0 ? ((after.busy - before.busy) / total) * 100 : 0;
}
