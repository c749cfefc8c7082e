/**
 * What Linux tells about the bench's own child processes through /proc: which child runs a given
 * entry point, its memory and its environment. startLocalStack keeps its children's pids to
 * itself, and reading /proc needs no change to the product or the stack.
 */
import fs from 'node:fs';

const KIB = 1024;
const MIB = 1024 * 1024;

/**
 * The pid of this process's one child whose command line has `entryPoint` as an argument (e.g.
 * "dist/worker.js", matching its absolute path too), ignoring `exceptPids`; with `first`, the oldest of several (WORKER_PROCESSES).
 */
export function childPidRunning(entryPoint: string, exceptPids: readonly number[] = [], options: { first?: boolean } = {}): number {
  const children = fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => !exceptPids.includes(pid) && parentPid(pid) === process.pid && commandLine(pid).some((arg) => arg === entryPoint || arg.endsWith(`/${entryPoint}`)))
    .sort((a, b) => a - b);
  if (children.length === 0 || (children.length > 1 && !options.first)) throw new Error(`Expected one child process running ${entryPoint}, found ${children.length}.`);
  return children[0]!;
}

/** The pids of `parent`'s live children. */
export function childPids(parent: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => parentPid(pid) === parent);
}

function parentPid(pid: number): number | undefined {
  try {
    // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' do not.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined; // gone since the directory was listed
  }
}

function commandLine(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

export interface ProcessMemory {
  /** Resident set size now (VmRSS), MiB. */
  rssMiB: number;
  /** Largest resident set size since the process started (VmHWM), MiB. */
  peakRssMiB: number;
  /** Resident anonymous memory (RssAnon): V8 heaps, malloc, thread stacks, MiB. */
  anonRssMiB: number;
  /** Resident file-backed and shared memory (RssFile + RssShmem): the node binary, native addons and other mapped code, MiB. */
  fileRssMiB: number;
}

export function processMemory(pid: number): ProcessMemory {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${field}.`);
    return Number(match[1]);
  };
  const mib = (field: string): number => (kib(field) * KIB) / MIB;
  return { rssMiB: mib('VmRSS'), peakRssMiB: mib('VmHWM'), anonRssMiB: mib('RssAnon'), fileRssMiB: mib('RssFile') + mib('RssShmem') };
}

/** The environment the process was started with (exactly what its parent gave it). */
export function processEnvironment(pid: number): Record<string, string> {
  const entries = fs
    .readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .filter(Boolean)
    .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]);
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on every mainstream build). */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system) the process has used since it started, in ms; undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name: state is field 3, utime field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The pids of every process below `rootPid` (children, their children, …). */
export function descendantPids(rootPid: number = process.pid): number[] {
  const parents = new Map<number, number[]>();
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number)) {
    const parent = parentPid(pid);
    if (parent !== undefined) parents.set(parent, [...(parents.get(parent) ?? []), pid]);
  }
  const found: number[] = [];
  const visit = (pid: number): void => {
    for (const child of parents.get(pid) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(rootPid);
  return found;
}

/** Whether `pid`'s command line has an argument containing `fragment`. */
export function commandLineIncludes(pid: number, fragment: string): boolean {
  return commandLine(pid).some((argument) => argument.includes(fragment));
}
