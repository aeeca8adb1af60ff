import type { FaultInjector } from './faults.ts';
import type { SimClock } from './clock.ts';

/**
 * Simulated durations of operation classes, in milliseconds at speed 1. The real wait is the
 * duration divided by `speed`. Areas add their own classes with `define` (e.g. bootstrap phases).
 */
export const defaultDurations: Readonly<Record<string, number>> = {
  /** Any asynchronous VCD task (the part before the operation's own work). */
  task: 1_000,
  vmBoot: 30_000,
  guestCustomization: 40_000,
  albRealization: 8_000,
  ipAllocation: 1_500,
  /** A login session ends after this much idle time (VCD's default is 30 minutes). */
  sessionIdleTimeout: 30 * 60_000,
  /** Lifetime of access tokens minted from API tokens; clients must refresh after it. */
  accessTokenLifetime: 60 * 60_000,
};

/**
 * Lifetimes of credentials are policies, not latencies: they keep their wall-clock length at any
 * `--speed`, so a fast simulator does not log clients out mid-run. Tests shorten them explicitly.
 */
const unscaledClasses: ReadonlySet<string> = new Set(['sessionIdleTimeout', 'accessTokenLifetime']);

export interface LatencySettings {
  speed: number;
  durations: Record<string, number>;
}

export class LatencyModel {
  #speed: number;
  #durations: Record<string, number>;

  constructor(
    speed: number,
    private readonly clock: SimClock,
    private readonly faults: FaultInjector,
  ) {
    if (!(speed > 0)) throw new Error(`speed must be positive, got ${speed}`);
    this.#speed = speed;
    this.#durations = { ...defaultDurations };
  }

  get speed(): number {
    return this.#speed;
  }

  /** Adds an operation class unless it already exists (a run-time change is kept). */
  define(operationClass: string, durationMs: number): void {
    if (!(operationClass in this.#durations)) this.#durations[operationClass] = durationMs;
  }

  /** Real milliseconds an operation of this class takes at the current speed. */
  durationOf(operationClass: string): number {
    const duration = this.#durations[operationClass];
    if (duration === undefined) throw new Error(`unknown operation class "${operationClass}"`);
    return unscaledClasses.has(operationClass) ? duration : duration / this.#speed;
  }

  /** Scales any simulated duration (ms at speed 1) by the current speed. */
  scaled(simulatedMs: number): number {
    return simulatedMs / this.#speed;
  }

  settings(): LatencySettings {
    return { speed: this.#speed, durations: { ...this.#durations } };
  }

  update(change: Partial<LatencySettings>): LatencySettings {
    if (change.speed !== undefined) {
      if (!(change.speed > 0)) throw new Error('speed must be positive');
      this.#speed = change.speed;
    }
    for (const [name, value] of Object.entries(change.durations ?? {})) {
      if (!(value >= 0)) throw new Error(`duration of ${name} must be zero or more`);
      this.#durations[name] = value;
    }
    return this.settings();
  }

  reset(speed: number): void {
    this.#speed = speed;
    this.#durations = { ...defaultDurations };
  }

  /**
   * Waits as long as an operation of this class takes, plus injected delays; then throws the
   * injected error, if a fault for this class fires. Every simulated operation goes through here.
   */
  async wait(operationClass: string, signal?: AbortSignal): Promise<void> {
    const fault = this.faults.forOperation(operationClass);
    await this.clock.sleep(this.durationOf(operationClass) + this.scaled(fault.delayMs), signal);
    if (fault.error) throw fault.error;
  }
}
