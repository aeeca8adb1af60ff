/**
 * The level-triggered reconciler. Woken by API calls, RDE hooks, bootstrap reports and a periodic resync, it
 * runs one pass per wake-up: read the entity (gone → done), decide the operation from status, take the lease
 * (ETag-guarded write), run the operation's phases from the current step on, and write status once at the end
 * (phase, conditions, events, lease released). A phase records every object before creating it (`checkpoint`),
 * so a pass killed anywhere resumes, on any replica once the lease has expired, without creating anything twice.
 * A pass that has nothing to do writes nothing (our own writes come back as PostUpdate hooks).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { deleteEntity } from '../vcd/rde.ts';
import { revokeToken } from '../vcd/tokens.ts';
import type { VcdClient } from '../vcd/client.ts';
import { VcdError } from '../vcd/errors.ts';
import type { TaskWaitOptions } from '../vcd/tasks.ts';
import { recordEvent } from './events.ts';
import { clearLease, leaseRemainingMs, mayTake, setLease } from './lease.ts';
import { clusterNames } from './names.ts';
import { createPhases, createStepNames, WAITING_STEP } from './phases.ts';
import type { ProviderSettingsSource } from './provider-settings.ts';
import { PhaseFailure, resources, type ClusterScope } from './scope.ts';
import type { SecretSource } from './secrets.ts';
import type { ClusterCondition, ClusterStatus } from './spec.ts';
import { isConflict, type ClusterStore, type StoredCluster } from './store.ts';
import { resolvePlacement } from './steps/placement.ts';
import { followBootstrap } from './steps/bootstrap-progress.ts';
import { sweepCluster } from './sweep.ts';

export interface ReconcilerOptions {
  store: ClusterStore;
  /** The service account; `withTenant` gives the client acting in a cluster's org. */
  vcd: VcdClient;
  secrets: SecretSource;
  settings: ProviderSettingsSource;
  logger: Logger;
  holder?: string;
  leaseMs: number;
  resyncMs: number;
  concurrency: number;
  taskWait?: TaskWaitOptions;
  /** Transient failures retried before the cluster fails. */
  maxAttempts?: number;
}

interface PassResult {
  /** Look again after this long (a deadline, a lease expiry, a backoff). */
  afterMs?: number;
}

export function defaultHolder(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

function setCondition(
  status: ClusterStatus,
  condition: Omit<ClusterCondition, 'lastTransitionTime'>,
  now: Date,
): void {
  const conditions = status.conditions ?? [];
  const existing = conditions.find((candidate) => candidate.type === condition.type);
  if (existing) {
    if (existing.status !== condition.status) existing.lastTransitionTime = now.toISOString();
    Object.assign(existing, condition);
  } else {
    conditions.push({ ...condition, lastTransitionTime: now.toISOString() });
  }
  status.conditions = conditions;
}

function isTransient(error: unknown): boolean {
  if (error instanceof VcdError) return error.isTransient;
  const code = (error as { code?: string | number }).code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    (typeof code === 'number' && code >= 500)
  );
}

export class Reconciler {
  readonly holder: string;
  readonly #options: ReconcilerOptions;
  readonly #log: Logger;
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #running = new Set<string>();
  readonly #again = new Set<string>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #resync?: NodeJS.Timeout;
  #stopped = false;
  #idleWaiters: Array<() => void> = [];

  constructor(options: ReconcilerOptions) {
    this.#options = options;
    this.holder = options.holder ?? defaultHolder();
    this.#log = options.logger.child({ component: 'reconciler', holder: this.holder });
  }

  /** Starts the periodic resync (and one right away, to pick up clusters left by a previous run). */
  start(): void {
    const resync = () => {
      void this.resync().catch((error: unknown) => this.#log.warn({ err: error }, 'resync failed'));
    };
    resync();
    this.#resync = setInterval(resync, this.#options.resyncMs);
    this.#resync.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#resync) clearInterval(this.#resync);
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    if (this.#running.size > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Wakes every cluster that is not settled (Ready and Failed ones need a request to move). */
  async resync(): Promise<void> {
    for (const { id, phase } of await this.#options.store.listIds()) {
      if (phase !== 'Ready' && phase !== 'Failed') this.wake(id);
    }
  }

  wake(id: string): void {
    if (this.#stopped) return;
    const timer = this.#timers.get(id);
    if (timer) {
      clearTimeout(timer);
      this.#timers.delete(id);
    }
    if (this.#running.has(id)) {
      this.#again.add(id);
      return;
    }
    if (this.#queued.has(id)) return;
    this.#queued.add(id);
    this.#queue.push(id);
    this.#pump();
  }

  #schedule(id: string, afterMs: number): void {
    if (this.#stopped) return;
    const existing = this.#timers.get(id);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(
      () => {
        this.#timers.delete(id);
        this.wake(id);
      },
      Math.max(0, Math.min(afterMs, 2 ** 31 - 1)),
    );
    timer.unref();
    this.#timers.set(id, timer);
  }

  #pump(): void {
    while (this.#running.size < this.#options.concurrency && this.#queue.length > 0) {
      const id = this.#queue.shift()!;
      this.#queued.delete(id);
      this.#running.add(id);
      void this.#run(id).finally(() => {
        this.#running.delete(id);
        if (this.#again.delete(id)) this.wake(id);
        if (this.#running.size === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
        this.#pump();
      });
    }
  }

  async #run(id: string): Promise<void> {
    let result: PassResult;
    try {
      result = await this.#pass(id);
    } catch (error) {
      this.#log.warn({ err: error, cluster: id }, 'reconcile pass failed; trying again shortly');
      result = { afterMs: 1000 };
    }
    if (result.afterMs !== undefined && !this.#again.has(id)) this.#schedule(id, result.afterMs);
  }

  async #pass(id: string): Promise<PassResult> {
    const { store } = this.#options;
    const stored = await store.read(id);
    if (!stored) {
      this.#options.secrets.forget(id);
      return {};
    }
    const status: ClusterStatus = (stored.rde.entity.status ??= {});
    const phase = status.phase ?? 'Pending';
    const now = new Date();
    if (phase === 'Ready' || phase === 'Failed') return {};
    const operation = phase === 'Deleting' ? 'delete' : 'create';

    if (!mayTake(status, this.holder, now)) return { afterMs: leaseRemainingMs(status, now) + 20 };

    const settings = await this.#options.settings.current();
    // A create waiting for the bootstrap VM changes nothing until a report or the deadline: no lease, no write.
    if (operation === 'create' && status.operation?.step === WAITING_STEP) {
      const probe = this.#scope(stored, settings);
      try {
        const outcome = await followBootstrap(probe);
        if (outcome.waitFor) return { afterMs: outcome.retryAfterMs };
      } catch {
        // done, failed or timed out: take the lease and act below.
      }
    }

    setLease(status, this.holder, now, this.#options.leaseMs);
    const running = (status.operation ??= { name: operation });
    running.startedAt ??= now.toISOString();
    if (phase === 'Pending') {
      status.phase = 'Provisioning';
      recordEvent(status, 'Normal', 'ProvisioningStarted', 'The worker started creating the cluster.', now);
    }
    let current: StoredCluster;
    try {
      current = await store.write(stored, { hooks: false });
    } catch (error) {
      if (isConflict(error)) return { afterMs: 0 };
      throw error;
    }
    const scope = this.#scope(current, settings);
    const heartbeat = setInterval(
      () => void scope.checkpoint().catch(() => undefined),
      Math.max(1000, this.#options.leaseMs / 3),
    );
    heartbeat.unref();
    let result: PassResult = {};
    try {
      result = operation === 'delete' ? await this.#delete(scope) : await this.#create(scope);
    } catch (error) {
      if (isConflict(error)) {
        clearInterval(heartbeat);
        return { afterMs: 0 };
      }
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
    if (result.afterMs === -1) return {}; // the entity is gone
    clearLease(scope.status);
    try {
      await scope.checkpoint(false);
    } catch (error) {
      if (isConflict(error)) return { afterMs: 0 };
      throw error;
    }
    return result;
  }

  #scope(
    stored: StoredCluster,
    settings: Awaited<ReturnType<ProviderSettingsSource['current']>>,
  ): ClusterScope {
    const { store, secrets, leaseMs } = this.#options;
    const rde = stored.rde;
    const org = { id: rde.org?.id ?? '', name: rde.org?.name ?? '' };
    const tenant = this.#options.vcd.withTenant(org.id);
    let writing: Promise<void> = Promise.resolve();
    const holder = this.holder;
    const scope: ClusterScope = {
      id: rde.id,
      stored,
      spec: rde.entity.spec,
      status: (rde.entity.status ??= {}),
      org,
      names: clusterNames(rde.entity.spec.name, rde.id),
      settings,
      tenant,
      secrets,
      log: this.#log.child({ cluster: rde.id }),
      taskWait: this.#options.taskWait ?? { initialPollMs: 20, maxPollMs: 250 },
      now: () => new Date(),
      readSecrets: () => secrets.read(rde.id),
      checkpoint(renew = true) {
        const next = writing.then(async () => {
          if (renew) setLease(scope.status, holder, new Date(), leaseMs);
          scope.stored = await store.write(scope.stored, { hooks: false });
        });
        writing = next.catch(() => undefined);
        return next;
      },
    };
    return scope;
  }

  async #create(scope: ClusterScope): Promise<PassResult> {
    const status = scope.status;
    const operation = status.operation!;
    const now = () => scope.now();
    let index = Math.max(0, createStepNames.indexOf(operation.step ?? createStepNames[0]!));
    try {
      await resolvePlacement(scope);
      for (; index < createPhases.length; index += 1) {
        const phase = createPhases[index]!;
        if (operation.step !== phase.name) {
          operation.step = phase.name;
          operation.stepStartedAt = now().toISOString();
          await scope.checkpoint();
        }
        const outcome = await phase.run(scope);
        if (outcome.waitFor) {
          setCondition(
            status,
            { type: phase.condition, status: 'False', reason: 'Waiting', message: outcome.waitFor },
            now(),
          );
          status.message = outcome.waitFor;
          return { afterMs: outcome.retryAfterMs };
        }
        setCondition(status, { type: phase.condition, status: 'True', reason: 'Done' }, now());
      }
    } catch (error) {
      if (isConflict(error)) throw error;
      if (!(error instanceof PhaseFailure) && isTransient(error)) {
        operation.attempt = (operation.attempt ?? 1) + 1;
        if (operation.attempt <= (this.#options.maxAttempts ?? 6)) {
          const message = `Cloud Director was unavailable in step ${operation.step} (${(error as Error).message}); trying again.`;
          status.message = message;
          recordEvent(status, 'Warning', 'Retrying', message, now());
          return { afterMs: Math.min(30_000, 250 * 2 ** operation.attempt) };
        }
      }
      await this.#fail(scope, error);
      return {};
    }
    status.phase = 'Ready';
    status.message = 'The cluster is ready.';
    delete status.operation;
    recordEvent(
      status,
      'Normal',
      'ClusterReady',
      'The cluster is ready: its Kubernetes API and ingress answer.',
      now(),
    );
    return {};
  }

  /** Records why, removes what the attempt created, and leaves the cluster Failed with what to do. */
  async #fail(scope: ClusterScope, error: unknown): Promise<void> {
    const status = scope.status;
    const step = status.operation?.step ?? 'create';
    const failure =
      error instanceof PhaseFailure
        ? error
        : new PhaseFailure('StepFailed', `Step ${step} failed: ${(error as Error).message ?? String(error)}`);
    scope.log.warn({ step, reason: failure.reason, err: error }, 'cluster create failed');
    recordEvent(status, 'Warning', failure.reason, `${failure.message} ${failure.action}`, scope.now());
    try {
      await sweepCluster(scope);
      recordEvent(
        status,
        'Normal',
        'CleanedUp',
        'Removed the bootstrap VM and everything the failed attempt created.',
        scope.now(),
      );
    } catch (cleanup) {
      if (isConflict(cleanup)) throw cleanup;
      scope.log.warn({ err: cleanup }, 'cleanup after a failure did not finish');
      recordEvent(
        status,
        'Warning',
        'CleanupIncomplete',
        `Some objects could not be removed yet (${(cleanup as Error).message}); deleting the cluster removes them.`,
        scope.now(),
      );
    }
    status.phase = 'Failed';
    status.message = `${failure.message} ${failure.action}`;
    setCondition(
      status,
      { type: 'Ready', status: 'False', reason: failure.reason, message: failure.message },
      scope.now(),
    );
    delete status.operation;
  }

  async #delete(scope: ClusterScope): Promise<PassResult> {
    const status = scope.status;
    status.operation!.step = 'sweep';
    try {
      await resolvePlacement(scope).catch(() => undefined);
      await sweepCluster(scope);
      const secrets = await scope.readSecrets().catch(() => ({}) as { apiTokenId?: string });
      if (secrets.apiTokenId) await revokeToken(scope.tenant, secrets.apiTokenId).catch(() => undefined);
    } catch (error) {
      if (isConflict(error)) throw error;
      const message = `Deleting is waiting: ${(error as Error).message}`;
      status.message = message;
      recordEvent(status, 'Warning', 'DeleteRetrying', message, scope.now());
      return { afterMs: 2000 };
    }
    if (resources(status).length > 0) return { afterMs: 1000 };
    status.operation!.step = 'delete-entity';
    clearLease(status);
    await scope.checkpoint(false);
    await deleteEntity(this.#options.vcd, scope.id, scope.taskWait);
    this.#options.secrets.forget(scope.id);
    this.#log.info({ cluster: scope.id }, 'cluster deleted');
    return { afterMs: -1 };
  }
}
