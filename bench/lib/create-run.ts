/**
 * One measured round of the create benchmark: POST every cluster at once through the simulator as its tenant,
 * watch their phases through `GET /api/cse/v1/clusters` (one list per tenant per tick) until each is Ready, keep
 * the bootstrap VMs' phase reports from the simulator's `/sim/bootstraps` while they exist (a deleted VM takes its
 * record along), then read each cluster's status for the per-step timeline. Deleting is separate (`deleteAll`).
 */
import type { ClusterStatus } from '../../backend/clusters/spec.ts';
import type { BenchTenant } from './create-world.ts';

export interface PlannedCluster {
  tenant: BenchTenant;
  name: string;
  body: Record<string, unknown>;
}

export interface BootstrapTrace {
  startedAt: string;
  reports: Array<{ phase: string; status: string; at: string }>;
}

export interface ClusterRun {
  name: string;
  org: string;
  id?: string;
  /** Epoch ms: the POST was sent, answered, Ready was first seen (the GET's answer arrived). */
  postAt: number;
  acceptedAt?: number;
  seenReadyAt?: number;
  failure?: string;
  bootstrap?: BootstrapTrace;
  status?: ClusterStatus;
}

export interface WatchOptions {
  simUrl: string;
  /** Common name prefix of this round's clusters (for the list's `name=<prefix>*` filter). */
  namePrefix: string;
  pollMs: number;
  bootstrapPollMs: number;
  timeoutMs: number;
}

const json = 'application/json';

async function call<T>(
  simUrl: string,
  bearer: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T; text: string }> {
  const response = await fetch(`${simUrl}${path}`, {
    method,
    headers: {
      accept: json,
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': json }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed as T, text };
}

interface SummaryPage {
  values: Array<{ id: string; name: string; phase: string }>;
}

function listPath(namePrefix: string): string {
  return `/api/cse/v1/clusters?name=${encodeURIComponent(`${namePrefix}*`)}&pageSize=128`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The tenants with a cluster in `runs` still matching `pending`. */
function tenantsOf(planned: PlannedCluster[], runs: ClusterRun[], pending: (run: ClusterRun) => boolean) {
  const tenants = new Map<string, BenchTenant>();
  planned.forEach((plan, index) => {
    if (pending(runs[index]!)) tenants.set(plan.tenant.org, plan.tenant);
  });
  return [...tenants.values()];
}

/** Follows `/sim/bootstraps` while the round runs, keeping the longest report list seen per cluster id. */
function traceBootstraps(simUrl: string, everyMs: number, traces: Map<string, BootstrapTrace>) {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const response = await fetch(`${simUrl}/sim/bootstraps`, { signal: AbortSignal.timeout(30_000) });
        const body = (await response.json()) as {
          bootstraps: Array<{ clusterId: string } & BootstrapTrace>;
        };
        for (const record of body.bootstraps) {
          const known = traces.get(record.clusterId);
          if (!known || record.reports.length >= known.reports.length)
            traces.set(record.clusterId, { startedAt: record.startedAt, reports: record.reports });
        }
      } catch {
        // A missed tick only coarsens the timeline.
      }
      await sleep(everyMs);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

export async function runCreates(planned: PlannedCluster[], options: WatchOptions): Promise<ClusterRun[]> {
  const { simUrl } = options;
  const traces = new Map<string, BootstrapTrace>();
  const stopTracing = traceBootstraps(simUrl, options.bootstrapPollMs, traces);
  const runs: ClusterRun[] = planned.map((plan) => ({ name: plan.name, org: plan.tenant.org, postAt: 0 }));
  const deadline = Date.now() + options.timeoutMs;
  try {
    await Promise.all(
      planned.map(async (plan, index) => {
        const run = runs[index]!;
        run.postAt = Date.now();
        const response = await call<{ id?: string }>(
          simUrl,
          plan.tenant.bearer,
          'POST',
          '/api/cse/v1/clusters',
          plan.body,
        );
        run.acceptedAt = Date.now();
        if (response.status !== 202 || !response.body?.id)
          run.failure = `POST answered ${response.status}: ${response.text.slice(0, 500)}`;
        else run.id = response.body.id;
      }),
    );
    const waiting = (run: ClusterRun) => run.id !== undefined && !run.failure && !run.seenReadyAt;
    // Asking for the phase keeps each answer small (VCD filters), so watching weighs little on what it measures.
    const failedEvery = Math.max(1, Math.round(2000 / options.pollMs));
    for (let tick = 0; runs.some(waiting); tick++) {
      if (Date.now() > deadline) {
        for (const run of runs.filter(waiting))
          run.failure = `not Ready within ${options.timeoutMs / 1000} s`;
        break;
      }
      const phases = tick % failedEvery === failedEvery - 1 ? ['Ready', 'Failed'] : ['Ready'];
      await Promise.all(
        tenantsOf(planned, runs, waiting).flatMap((tenant) =>
          phases.map(async (phase) => {
            const page = await call<SummaryPage>(
              simUrl,
              tenant.bearer,
              'GET',
              `${listPath(options.namePrefix)}&phase=${phase}`,
            );
            const at = Date.now();
            if (page.status !== 200) return;
            for (const row of page.body.values) {
              const run = runs.find((candidate) => candidate.id === row.id);
              if (!run || !waiting(run)) continue;
              if (row.phase === 'Ready') run.seenReadyAt = at;
              if (row.phase === 'Failed') run.failure = 'the cluster Failed';
            }
          }),
        ),
      );
      if (runs.some(waiting)) await sleep(options.pollMs);
    }
  } finally {
    await stopTracing();
  }
  // The step timeline lives in each cluster's status.
  await Promise.all(
    runs.map(async (run, index) => {
      if (!run.id) return;
      run.bootstrap = traces.get(run.id);
      const response = await call<{ status?: ClusterStatus }>(
        simUrl,
        planned[index]!.tenant.bearer,
        'GET',
        `/api/cse/v1/clusters/${encodeURIComponent(run.id)}`,
      );
      if (response.status === 200) run.status = response.body.status;
      if (run.failure && run.status?.message) run.failure += `: ${run.status.message}`;
    }),
  );
  return runs;
}

/** Deletes the round's clusters (force for any that did not reach Ready) and waits until the list is empty. */
export async function deleteAll(
  planned: PlannedCluster[],
  runs: ClusterRun[],
  options: WatchOptions,
): Promise<number> {
  const started = Date.now();
  await Promise.all(
    runs.map(async (run, index) => {
      if (!run.id) return;
      const force = run.seenReadyAt ? '' : '?force=true';
      const response = await call(
        options.simUrl,
        planned[index]!.tenant.bearer,
        'DELETE',
        `/api/cse/v1/clusters/${encodeURIComponent(run.id)}${force}`,
      );
      if (response.status !== 202 && response.status !== 404)
        throw new Error(`DELETE of ${run.name} answered ${response.status}: ${response.text.slice(0, 300)}`);
    }),
  );
  const deadline = Date.now() + options.timeoutMs;
  for (const tenant of tenantsOf(planned, runs, (run) => run.id !== undefined)) {
    for (;;) {
      const page = await call<SummaryPage>(
        options.simUrl,
        tenant.bearer,
        'GET',
        listPath(options.namePrefix),
      );
      if (page.status === 200 && page.body.values.length === 0) break;
      if (Date.now() > deadline)
        throw new Error(
          `the clusters of ${tenant.org} were not deleted within ${options.timeoutMs / 1000} s`,
        );
      await sleep(250);
    }
  }
  return Date.now() - started;
}
