/**
 * Latency summaries, the printed table and the JSON result file every benchmark and drill writes
 * to bench/results/<name>-<timestamp>.json (git-ignored).
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles in ms, rounded to 0.1 ms. */
export function summarize(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (fraction: number): number => {
    if (sorted.length === 0) return Number.NaN;
    const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
    return round(sorted[index]!);
  };
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export type Row = Record<string, string | number | boolean | undefined>;

/** Prints rows as an aligned text table with the given title. */
export function printTable(title: string, rows: readonly Row[]): void {
  console.log(`\n${title}`);
  if (rows.length === 0) {
    console.log('  (no rows)');
    return;
  }
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: Row[string]): string => (value === undefined ? '' : typeof value === 'number' && Number.isNaN(value) ? '-' : String(value));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (cells: string[]): string => `  ${cells.map((text, index) => text.padStart(widths[index]!)).join('  ')}`;
  console.log(line(columns));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(columns.map((column) => cell(row[column]))));
}

/** The machine a figure was measured on: figures from different machines are not comparable. */
export function machineDescription(): Record<string, string | number> {
  const gitCommit = (): string => {
    try {
      return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30),
    node: process.version,
    // Other work on the machine skews every figure: the 1/5/15-minute load averages when written.
    loadAverage: os.loadavg().map((load) => load.toFixed(2)).join(' '),
    platform: `${os.platform()} ${os.release()}`,
    gitCommit: gitCommit(),
  };
}

/** Writes bench/results/<name>-<timestamp>.json and returns its path. */
export function writeResults(name: string, results: object): string {
  const directory = path.resolve(__dirname, '..', 'results');
  fs.mkdirSync(directory, { recursive: true });
  const startedAt = new Date().toISOString();
  const file = path.join(directory, `${name}-${startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ name, writtenAt: startedAt, machine: machineDescription(), ...results }, null, 2)}\n`);
  return file;
}

/** A positive number from the environment, or the fallback. */
export function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}".`);
  return value;
}

export function numberListFromEnv(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isFinite(value) || value <= 0)) throw new Error(`${name} must be a comma-separated list of positive numbers, got "${raw}".`);
  return values;
}
