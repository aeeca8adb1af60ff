/**
 * Which replica answers MQTT requests. VCD's broker gives every subscriber of the monitor topic every message
 * (no competing consumers, no shared subscriptions), so replicas elect one of them through a lease record in VCD
 * (`leader-lease-store.ts`):
 *
 * - A free, expired or own record is taken with an ETag-guarded write; of two replicas only one write succeeds.
 * - The holder renews every lease/3 and counts itself leader only until 2/3 of a lease after the start of its last
 *   successful write; when it cannot renew in that time, or loses its broker connection, it stops answering at
 *   once (checked on every message, not on a timer).
 * - The others read the record every lease/3 and take over when the same version has stood for a whole lease by
 *   their own clock (clocks of different machines are never compared), or at once when the holder released it.
 *
 * So the old holder has stopped at least a third of a lease before anyone else may start.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { VcdError } from '../vcd/errors.ts';
import type { LeaseRecord, LeaseStore, LeaseVersion } from './leader-lease-store.ts';

/** What the MQTT transport asks before it handles a message, and tells about its broker connection. */
export interface LeadershipGate {
  /** Whether this replica answers requests now. */
  isLeader(): boolean;
  /** Subscribed to the monitor topic (true) or not (false, and why); only a connected replica may lead. */
  setConnected(connected: boolean, reason?: string): void;
  /** Calls `listener` each time this replica becomes the leader. */
  onAcquired(listener: () => void): void;
}

export interface LeadershipStatus {
  leader: boolean;
  /** The holder as last read (this replica's id when it leads). */
  holder?: string;
  /** A problem reaching the record that an operator must fix (the type not registered, no rights). */
  problem?: string;
  /** The last failure reaching the record, while it lasts. */
  error?: string;
}

export interface MqttLeadershipOptions {
  store: LeaseStore;
  /** This replica's worker id (`clusters.workerId`). */
  holder: string;
  leaseMs: number;
  logger: Logger;
  registry: Registry;
}

const now = (): number => performance.now();

export class MqttLeadership implements LeadershipGate {
  /** This process's own id in the record. */
  readonly session = randomUUID();
  readonly #log: Logger;
  readonly #changes: Counter<'change'>;
  #connected = false;
  #disconnectReason = 'it lost its broker connection';
  #stopped = false;
  /** We hold the record as of our last write (`#leaderUntil` says for how long it counts). */
  #holding = false;
  #leaderUntil = 0;
  #version?: LeaseVersion;
  /** The record version others hold and when we first saw it (our clock). */
  #seen?: { etag: string; at: number };
  #knownHolder?: string;
  #error?: string;
  #problem?: string;
  #timer?: NodeJS.Timeout;
  #round?: Promise<void>;
  #again = false;
  readonly #acquiredListeners: Array<() => void> = [];

  constructor(private readonly options: MqttLeadershipOptions) {
    this.#log = options.logger.child({ component: 'mqtt-leadership', holder: options.holder });
    const registers = [options.registry];
    const gate = (): boolean => this.isLeader();
    new Gauge({
      name: 'cse_bus_mqtt_leader',
      help: '1 while this replica answers MQTT requests (holds the leadership lease), 0 on standby',
      registers,
      collect() {
        this.set(gate() ? 1 : 0);
      },
    });
    this.#changes = new Counter({
      name: 'cse_bus_mqtt_leadership_changes_total',
      help: 'Times this replica took (acquired), lost or gave up (released) the MQTT leadership',
      labelNames: ['change'],
      registers,
    });
  }

  private get renewEveryMs(): number {
    return Math.max(1, Math.floor(this.options.leaseMs / 3));
  }

  /** The pause before reading again after a lost race (short, but never a busy loop against VCD). */
  private get againMs(): number {
    return Math.min(100, this.renewEveryMs);
  }

  /** How long a successful write keeps this replica leader, counted from the write's start. */
  private get renewDeadlineMs(): number {
    return Math.floor((this.options.leaseMs * 2) / 3);
  }

  onAcquired(listener: () => void): void {
    this.#acquiredListeners.push(listener);
  }

  isLeader(): boolean {
    return this.#holding && this.#connected && !this.#stopped && now() < this.#leaderUntil;
  }

  setConnected(connected: boolean, reason = 'it lost its broker connection'): void {
    if (this.#connected === connected || this.#stopped) return;
    this.#connected = connected;
    if (!connected) this.#disconnectReason = reason;
    this.#kick();
  }

  /** Resolves when the round under way (if any) is over: after start-up, whether this replica leads is known. */
  async settled(): Promise<void> {
    while (this.#round) await this.#round;
  }

  status(): LeadershipStatus {
    const leader = this.isLeader();
    return {
      leader,
      holder: leader ? this.options.holder : this.#knownHolder,
      ...(this.#problem ? { problem: this.#problem } : {}),
      ...(this.#error ? { error: this.#error } : {}),
    };
  }

  /** Stops electing; a holder releases the record so another replica takes over at once. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.settled();
    if (this.#holding) await this.#release('the worker is stopping');
  }

  #kick(): void {
    if (this.#stopped) return;
    if (this.#round) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#round = (async () => {
      let delay: number | undefined;
      do {
        this.#again = false;
        delay = await this.#step().catch((error: unknown) => {
          this.#log.error({ err: error }, 'MQTT leadership round failed');
          return this.renewEveryMs;
        });
      } while (this.#again && !this.#stopped);
      this.#round = undefined;
      if (delay !== undefined && !this.#stopped) {
        this.#timer = setTimeout(() => this.#kick(), delay);
        this.#timer.unref();
      }
    })();
  }

  /** One round; answers when the next one is due (`undefined`: only when the broker connection comes back). */
  async #step(): Promise<number | undefined> {
    if (this.#stopped) return undefined;
    if (!this.#connected) {
      if (this.#holding) await this.#release(this.#disconnectReason);
      return undefined;
    }
    return this.#holding ? this.#renew() : this.#contend();
  }

  async #renew(): Promise<number> {
    const version = this.#version!;
    const started = now();
    const next = this.#stamp({ ...version.record });
    let written: LeaseVersion | undefined;
    try {
      written = await this.options.store.write(next, version.etag);
    } catch (error) {
      this.#failed(error);
      if (now() >= this.#leaderUntil) {
        this.#stepDown(
          'lost',
          `could not renew the lease within ${this.renewDeadlineMs} ms (${this.#error})`,
        );
        return this.renewEveryMs;
      }
      return Math.max(1, Math.min(this.renewEveryMs, Math.floor(this.options.leaseMs / 10)));
    }
    if (written) {
      this.#held(written, started);
      return this.renewEveryMs;
    }
    // Someone wrote in between: our own earlier write whose answer we missed, or another replica.
    const current = await this.#read();
    if (!current) return this.renewEveryMs;
    if (current.record.session === this.session) {
      this.#version = current;
      return this.againMs;
    }
    this.#stepDown('lost', `${current.record.holder || 'nobody'} holds the lease now`);
    this.#observe(current);
    return this.renewEveryMs;
  }

  async #contend(): Promise<number> {
    const current = await this.#read();
    if (!current) return this.renewEveryMs;
    this.#observe(current);
    const record = current.record;
    const leaseMs = record.leaseMs || this.options.leaseMs;
    const mine = record.session === this.session;
    const heldForMs = now() - this.#seen!.at;
    if (record.holder !== '' && !mine && heldForMs < leaseMs) {
      // A standby needs only to read: that working is all it needs of VCD.
      this.#cleared();
      this.#knownHolder = record.holder;
      // Look again when it would expire, if that comes before the next regular read.
      return Math.max(1, Math.min(this.renewEveryMs, Math.ceil(leaseMs - heldForMs)));
    }
    const started = now();
    const takenOver = record.holder !== '' && !mine;
    const next = this.#stamp({
      holder: this.options.holder,
      session: this.session,
      leaseMs: this.options.leaseMs,
      acquiredAt: new Date().toISOString(),
      transitions: record.transitions + (mine ? 0 : 1),
    });
    let written: LeaseVersion | undefined;
    try {
      written = await this.options.store.write(next, current.etag);
    } catch (error) {
      this.#failed(error);
      return this.renewEveryMs;
    }
    if (!written) return this.againMs; // another replica was quicker; read who
    this.#held(written, started);
    this.#changes.inc({ change: 'acquired' });
    for (const listener of this.#acquiredListeners) listener();
    this.#log.info(
      takenOver ? { previous: record.holder, idleMs: Math.round(heldForMs) } : {},
      takenOver
        ? 'took over the MQTT leadership from a holder that stopped renewing; answering MQTT requests'
        : 'became the MQTT leader; answering MQTT requests',
    );
    return this.renewEveryMs;
  }

  async #read(): Promise<LeaseVersion | undefined> {
    try {
      return await this.options.store.read();
    } catch (error) {
      this.#failed(error);
      return undefined;
    }
  }

  #stamp(record: LeaseRecord): LeaseRecord {
    const at = Date.now();
    return {
      ...record,
      leaseMs: this.options.leaseMs,
      renewedAt: new Date(at).toISOString(),
      expiresAt: new Date(at + this.options.leaseMs).toISOString(),
    };
  }

  #held(written: LeaseVersion, started: number): void {
    this.#version = written;
    this.#holding = true;
    this.#leaderUntil = started + this.renewDeadlineMs;
    this.#knownHolder = this.options.holder;
    this.#seen = { etag: written.etag, at: now() };
    this.#cleared();
  }

  #observe(current: LeaseVersion): void {
    if (this.#seen?.etag !== current.etag) this.#seen = { etag: current.etag, at: now() };
    this.#knownHolder = current.record.holder || undefined;
  }

  #stepDown(change: 'lost' | 'released', reason: string): void {
    if (!this.#holding) return;
    this.#holding = false;
    this.#leaderUntil = 0;
    this.#changes.inc({ change });
    if (change === 'lost') this.#log.warn({ reason }, 'no longer the MQTT leader; ignoring MQTT requests');
    else this.#log.info({ reason }, 'released the MQTT leadership');
  }

  /** Gives the record up (holder emptied) so a connected replica takes over without waiting for expiry. */
  async #release(reason: string): Promise<void> {
    const version = this.#version;
    this.#stepDown('released', reason);
    if (!version) return;
    const free: LeaseRecord = {
      ...version.record,
      holder: '',
      session: '',
      renewedAt: new Date().toISOString(),
      expiresAt: new Date().toISOString(),
    };
    try {
      let etag = version.etag;
      for (let attempt = 1; attempt <= 2; attempt += 1) {
        if (await this.options.store.write(free, etag)) return;
        // Our own write may have landed unseen: release the fresh version if it is still ours.
        const current = await this.options.store.read();
        if (current.record.session !== this.session) return;
        etag = current.etag;
      }
    } catch (error) {
      // Not fatal: the others take over when the lease expires.
      this.#failed(error);
    }
  }

  #failed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message !== this.#error) {
      this.#log.warn({ err: { message } }, 'cannot reach the MQTT leadership record in VCD');
    }
    this.#error = message;
    // 4xx other than a conflict or throttling will not fix itself: say so in /readyz.
    const lasting =
      error instanceof VcdError &&
      error.status >= 400 &&
      error.status < 500 &&
      ![408, 409, 412, 429].includes(error.status);
    this.#problem = lasting ? message : undefined;
  }

  #cleared(): void {
    if (this.#error) this.#log.info('reached the MQTT leadership record again');
    this.#error = undefined;
    this.#problem = undefined;
  }
}

/** The leadership in words, for `/readyz`. */
export function describeLeadership(status: LeadershipStatus): string {
  const role = status.leader
    ? `leader: this replica (${status.holder}) answers MQTT requests`
    : status.holder
      ? `standby: ${status.holder} answers MQTT requests`
      : 'standby: no replica holds the MQTT leadership yet';
  const trouble = status.problem ?? status.error;
  return trouble ? `${role}; cannot use the leadership record in VCD: ${trouble}` : role;
}
