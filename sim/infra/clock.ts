interface PendingSleep {
  deadline: number;
  handle: NodeJS.Timeout;
  resolve(): void;
}

/**
 * The simulator's clock: real time plus an offset that `/sim/time/advance` moves forward. Every
 * simulated wait goes through `sleep`, so advancing the clock finishes waits early and makes
 * tokens expire, without tests sleeping for real.
 */
export class SimClock {
  #offset = 0;
  #pending = new Set<PendingSleep>();

  now(): number {
    return Date.now() + this.#offset;
  }

  iso(at = this.now()): string {
    return new Date(at).toISOString();
  }

  /** Waits `ms` of simulator time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const sleepEntry: PendingSleep = {
        deadline: this.now() + Math.max(0, ms),
        handle: setTimeout(() => finish(), Math.max(0, ms)),
        resolve: () => finish(),
      };
      const onAbort = () => {
        clearTimeout(sleepEntry.handle);
        this.#pending.delete(sleepEntry);
        reject(signal!.reason);
      };
      const finish = () => {
        clearTimeout(sleepEntry.handle);
        this.#pending.delete(sleepEntry);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.add(sleepEntry);
    });
  }

  /** Moves simulator time forward: due sleeps finish now, the others are re-armed. */
  advance(ms: number): number {
    this.#offset += Math.max(0, ms);
    const now = this.now();
    for (const entry of [...this.#pending]) {
      if (entry.deadline <= now) entry.resolve();
      else {
        clearTimeout(entry.handle);
        entry.handle = setTimeout(() => entry.resolve(), entry.deadline - now);
      }
    }
    return now;
  }

  /** Number of sleeps in progress (admin state, tests). */
  get pendingSleeps(): number {
    return this.#pending.size;
  }

  /** Ends every pending sleep (simulator shutdown). */
  stop(): void {
    for (const entry of [...this.#pending]) entry.resolve();
  }
}
