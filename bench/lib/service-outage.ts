/**
 * An outage of one emulated service, in phases (e.g. 5xx for 30 s, then a 429 storm for 30 s),
 * through the emulators' own fault switch (emulators/http-emulator.ts): every matching request
 * answers the phase's fault until the phase ends. The emulator records every request, faulted or
 * not, so the drill can tell how much work in flight the outage met.
 */
import type { HttpEmulator, InjectedFault, RecordedRequest } from '../../emulators/http-emulator';

export interface OutagePhase {
  /** For the report, e.g. "503". */
  name: string;
  fault: InjectedFault;
  durationMs: number;
  /** How many matching requests get the fault (default: all of them for the whole phase). */
  times?: number;
}

export interface ServiceOutage {
  /** Resolves once the last phase has ended and the service answers normally again. */
  over: Promise<void>;
  /** When the first phase started and the last one ended (Date.now()), once known. */
  window(): { startedAt: number; endedAt?: number };
  /** Requests the outage met, per phase name. */
  metRequests(): Record<string, number>;
}

export function startServiceOutage(emulator: HttpEmulator, match: { method?: string; path: RegExp }, phases: OutagePhase[]): ServiceOutage {
  const startedAt = Date.now();
  const phaseWindows: { name: string; from: number; to?: number }[] = [];
  let endedAt: number | undefined;
  const over = (async () => {
    for (const phase of phases) {
      const window: { name: string; from: number; to?: number } = { name: phase.name, from: Date.now() };
      phaseWindows.push(window);
      emulator.injectFault({ ...match, times: phase.times ?? Infinity, fault: phase.fault });
      await new Promise((resolve) => setTimeout(resolve, phase.durationMs));
      emulator.clearFaults();
      window.to = Date.now();
    }
    endedAt = Date.now();
  })();
  const matches = (request: RecordedRequest): boolean => (!match.method || request.method === match.method) && match.path.test(request.path);
  return {
    over,
    window: () => ({ startedAt, endedAt }),
    metRequests() {
      const met: Record<string, number> = {};
      for (const window of phaseWindows) {
        const to = window.to ?? Date.now();
        met[window.name] = (met[window.name] ?? 0) + emulator.requests.filter((request) => request.at >= window.from && request.at < to && matches(request)).length;
      }
      return met;
    },
  };
}
