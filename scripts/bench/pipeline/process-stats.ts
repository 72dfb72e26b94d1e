import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * CPU and memory of every process on the box that takes part: each Lumen service (found by
 * its compiled entry point under this checkout's dist/), the Kafka broker, PostgreSQL (all
 * its backends together), Redis and the load generator itself. Read from /proc, so it
 * costs nothing in the processes measured.
 */
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node supports

export interface ProcessUsage {
  /** Average CPU over the window, in percent of one core (200 = both cores of this box). */
  readonly cpuPercent: number;
  /** Largest resident set seen in the window (summed over the group's processes). */
  readonly maxRssMb: number;
}

interface Sample {
  readonly at: number;
  /** Busy and total jiffies of the whole box (every core, every process, ours or not). */
  readonly box: { busy: number; total: number };
  readonly ticks: Map<string, number>;
  readonly rssKb: Map<string, number>;
}

function readProc(pid: string): { cmdline: string; ticks: number; rssKb: number } | undefined {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cmdline, ticks, rssKb: rss ? Number(rss[1]) : 0 };
  } catch {
    return undefined; // gone between readdir and read
  }
}

export class ProcessSampler {
  private timer: NodeJS.Timeout | undefined;
  private first: Sample | undefined;
  private last: Sample | undefined;
  private readonly maxRssKb = new Map<string, number>();

  constructor(private readonly root: string) {}

  /** Which group a command line belongs to, or undefined for processes not in the run. */
  private groupOf(pid: string, cmdline: string): string | undefined {
    const app = new RegExp(`${escape(this.root)}/dist/apps/([a-z-]+)/src/main\\.js`).exec(cmdline);
    if (app) return app[1];
    if (pid === String(process.pid)) return 'load generator';
    if (cmdline.includes('kafka.Kafka')) return 'kafka broker';
    if (/^postgres(:| )|\/postgres /.test(cmdline)) return 'postgresql';
    if (cmdline.startsWith('redis-server')) return 'redis';
    return undefined;
  }

  private sample(): Sample {
    const ticks = new Map<string, number>();
    const rssKb = new Map<string, number>();
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      const proc = readProc(pid);
      if (!proc) continue;
      const group = this.groupOf(pid, proc.cmdline);
      if (!group) continue;
      // Per-pid ticks, so a process that restarts or a backend that exits is not miscounted.
      ticks.set(`${group}\0${pid}`, proc.ticks);
      rssKb.set(group, (rssKb.get(group) ?? 0) + proc.rssKb);
    }
    for (const [group, kb] of rssKb) {
      this.maxRssKb.set(group, Math.max(this.maxRssKb.get(group) ?? 0, kb));
    }
    return { at: Date.now(), ticks, rssKb, box: boxTicks() };
  }

  start(intervalMs = 1_000): void {
    this.maxRssKb.clear();
    this.first = this.sample();
    this.last = this.first;
    this.timer = setInterval(() => (this.last = this.sample()), intervalMs);
    this.timer.unref();
  }

  /** The whole box's CPU over the last window, in percent of one core, whoever used it. */
  boxCpuPercent(): number {
    if (!this.first || !this.last) return Number.NaN;
    const busy = this.last.box.busy - this.first.box.busy;
    const total = this.last.box.total - this.first.box.total;
    return total > 0 ? (busy / total) * 100 * cpus().length : Number.NaN;
  }

  stop(): Record<string, ProcessUsage> {
    clearInterval(this.timer);
    this.last = this.sample();
    const first = this.first;
    const last = this.last;
    if (!first) return {};
    const seconds = Math.max(0.001, (last.at - first.at) / 1000);
    const cpuTicks = new Map<string, number>();
    for (const [key, ticks] of last.ticks) {
      const group = key.slice(0, key.indexOf('\0'));
      // A process born during the window counts from zero.
      const used = ticks - (first.ticks.get(key) ?? 0);
      cpuTicks.set(group, (cpuTicks.get(group) ?? 0) + used);
    }
    const usage: Record<string, ProcessUsage> = {};
    for (const group of [...this.maxRssKb.keys()].sort()) {
      usage[group] = {
        cpuPercent: ((cpuTicks.get(group) ?? 0) / CLOCK_TICKS_PER_SECOND / seconds) * 100,
        maxRssMb: (this.maxRssKb.get(group) ?? 0) / 1024,
      };
    }
    return usage;
  }
}

function boxTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu  user nice system idle iowait irq softirq steal ...
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
