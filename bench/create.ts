/**
 * `npm run bench:create`: wall time of one cluster create, then of N concurrent creates (20 by default), from
 * `POST /api/cse/v1/clusters` through the simulator as a tenant to phase Ready seen through GET, against the
 * critical path: the sum of the simulator's configured latencies on the longest chain a create waits on, priced
 * from `/sim/latency` in the same run (`lib/create-chain.ts`). Budget (docs/benchmarks.md): each ≤ 1.05 × critical
 * path + 2 s; the process exits 1 when it is missed. The simulator and the worker run in their own processes, as
 * `npm start` runs them; every cluster is deleted at the end.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { contourArtifact } from '../sim/infra/artifacts/contour.ts';
import { simulatorAddonEnvironment } from '../backend/cli/commands/start.ts';
import { logPath, startChild, type BenchChild } from './lib/child-process.ts';
import { chainClasses, criticalPath, type CriticalPath, type LatencySettings } from './lib/create-chain.ts';
import { deleteAll, runCreates, type ClusterRun, type PlannedCluster } from './lib/create-run.ts';
import { median, timeline } from './lib/create-timeline.ts';
import { clusterBody, setUpCreateWorld, type BenchTenant } from './lib/create-world.ts';
import type { SimChildOptions } from './lib/sim-child.ts';
import type { WorkerChildOptions } from './lib/worker-child.ts';

const { values: flags } = parseArgs({
  options: {
    speed: { type: 'string', default: '30' },
    concurrent: { type: 'string', default: '20' },
    'poll-ms': { type: 'string', default: '100' },
    profile: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (flags.help) {
  process.stdout.write(`npm run bench:create -- [options]
  --speed N        simulator speed: every simulated duration is divided by N (30: a critical path of ~18 s)
  --concurrent N   clusters created at once in the second round (20)
  --poll-ms N      how often the tenants' cluster lists are read to see Ready (100)
  --profile DIR    write V8 CPU profiles (--cpu-prof) of the simulator and of the worker into DIR
  --json FILE      also write the results as JSON
`);
  process.exit(0);
}

function positive(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    process.stderr.write(`bench:create: --${name} must be a positive number, got "${value}"\n`);
    process.exit(2);
  }
  return number;
}

const settings = {
  speed: positive('speed', flags.speed),
  concurrent: Math.round(positive('concurrent', flags.concurrent)),
  pollMs: positive('poll-ms', flags['poll-ms']),
};
const budget = { factor: 1.05, slackMs: 2000 };
const orgs = ['acme', 'globex'];
const here = fileURLToPath(new URL('.', import.meta.url));
const runId = randomBytes(3).toString('hex');
const logDir = mkdtempSync(join(tmpdir(), 'cse-bench-create-'));
const profileDir = flags.profile ? resolve(flags.profile) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const say = (line: string) => process.stdout.write(`${line}\n`);

function cpuProfileFlags(name: string): string[] {
  return profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : [];
}

const seconds = (ms: number | undefined) =>
  ms === undefined || Number.isNaN(ms) ? 'n/a' : (ms / 1000).toFixed(2);
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

async function latencySettings(simUrl: string): Promise<LatencySettings> {
  const response = await fetch(`${simUrl}/sim/latency`);
  if (!response.ok) throw new Error(`GET /sim/latency answered ${response.status}`);
  return (await response.json()) as LatencySettings;
}

/** Clusters of a round, spread over the tenants in turn. */
function plan(tenants: BenchTenant[], prefix: string, count: number): PlannedCluster[] {
  return Array.from({ length: count }, (_, index) => {
    const tenant = tenants[index % tenants.length]!;
    const name = `${prefix}${String(index + 1).padStart(2, '0')}`;
    return { tenant, name, body: clusterBody(tenant, name) };
  });
}

interface RoundResult {
  clusters: number;
  /** First POST sent → last cluster seen Ready. */
  wallMs: number;
  perClusterMs: number[];
  failures: string[];
  cpuMs: { simulator: number; worker: number };
  runs: ClusterRun[];
  deleteMs: number;
}

function roundTable(path: CriticalPath, single: RoundResult, concurrent: RoundResult): string {
  const singleTimeline = timeline(single.runs[0]!);
  const concurrentTimelines = concurrent.runs.map(timeline);
  const header = `${'segment'.padEnd(34)} ${'critical path s'.padStart(15)} ${'1 create s'.padStart(10)} ${`${concurrent.clusters}: median s`.padStart(13)} ${`${concurrent.clusters}: max s`.padStart(10)}`;
  const lines = path.segments.map((segment) => {
    const values = concurrentTimelines
      .map((line) => line.get(segment.key))
      .filter((value): value is number => value !== undefined);
    return `${segment.key.padEnd(34)} ${seconds(segment.ms).padStart(15)} ${seconds(singleTimeline.get(segment.key)).padStart(10)} ${seconds(median(values)).padStart(13)} ${seconds(values.length ? Math.max(...values) : undefined).padStart(10)}`;
  });
  const total = `${'total'.padEnd(34)} ${seconds(path.totalMs).padStart(15)} ${seconds(single.wallMs).padStart(10)} ${seconds(median(concurrent.perClusterMs)).padStart(13)} ${seconds(Math.max(...concurrent.perClusterMs)).padStart(10)}`;
  return [header, ...lines, total].join('\n');
}

let sim: BenchChild<{ url: string }> | undefined;
let worker: BenchChild<{ ready: boolean }> | undefined;
let exitCode = 0;

try {
  const loadAtStart = load();
  say(
    `bench:create: 1 create, then ${settings.concurrent} concurrent creates, simulator speed ${settings.speed}; load average ${loadAtStart}; logs in ${logDir}`,
  );
  const simOptions: SimChildOptions = {
    speed: settings.speed,
    // VCD's wait for an extension's reply is a setting, not infrastructure latency: keep its 30 s at any speed.
    extensionTimeoutMs: 30_000,
  };
  sim = await startChild<{ url: string }>({
    module: join(here, 'lib/sim-child.ts'),
    nodeFlags: cpuProfileFlags('simulator'),
    env: { CSE_BENCH_SIM: JSON.stringify(simOptions) },
    logFile: logPath(logDir, 'simulator'),
  });
  const simUrl = sim.ready.url;
  say(`simulator at ${simUrl}`);
  const perOrg = new Map(
    orgs.map((org, index) => [
      org,
      Math.max(index === 0 ? 1 : 0, Math.ceil((settings.concurrent - index) / orgs.length)),
    ]),
  );
  for (const [org, count] of perOrg) if (count === 0) perOrg.delete(org);
  const world = await setUpCreateWorld({
    simUrl,
    namePrefix: `cse-bench-create-${runId}`,
    clustersPerOrg: perOrg,
    progress: say,
  });
  const contour = contourArtifact(simUrl);
  const workerOptions: WorkerChildOptions = { configFile: world.settingsFile };
  worker = await startChild<{ ready: boolean }>({
    module: join(here, 'lib/worker-child.ts'),
    nodeFlags: cpuProfileFlags('worker'),
    env: {
      CSE_BENCH_WORKER: JSON.stringify(workerOptions),
      // As `cse start` runs the worker: VCD is the simulator, Contour comes from its artifact mirror.
      CSE_VCD_URL: simUrl,
      CSE_HTTP_PORT: '0',
      CSE_CLUSTERS_CONTOUR_URL: contour.url,
      CSE_CLUSTERS_CONTOUR_SHA256: contour.sha256,
      ...simulatorAddonEnvironment(simUrl),
    },
    logFile: logPath(logDir, 'worker'),
  });
  say('worker connected (cse install settings, operator defaults for everything else)');

  // A generous bound: the defaults' critical path is ~555 simulated seconds.
  const timeoutMs = Math.max(120_000, (20 * 555_000) / settings.speed);
  const round = async (prefix: string, count: number): Promise<RoundResult> => {
    const planned = plan(
      world.tenants.filter((tenant) => count > 1 || tenant.org === orgs[0]),
      prefix,
      count,
    );
    const options = {
      simUrl,
      namePrefix: prefix,
      pollMs: settings.pollMs,
      bootstrapPollMs: 400,
      timeoutMs,
    };
    const before = { simulator: await sim!.cpuMs(), worker: await worker!.cpuMs() };
    const runs = await runCreates(planned, options);
    const cpuMs = {
      simulator: (await sim!.cpuMs()) - before.simulator,
      worker: (await worker!.cpuMs()) - before.worker,
    };
    const firstPost = Math.min(...runs.map((run) => run.postAt));
    const ready = runs.filter((run) => run.seenReadyAt !== undefined);
    const failures = runs.filter((run) => run.failure).map((run) => `${run.name}: ${run.failure}`);
    const result: RoundResult = {
      clusters: count,
      wallMs: Math.max(...ready.map((run) => run.seenReadyAt!)) - firstPost,
      perClusterMs: ready.map((run) => run.seenReadyAt! - run.postAt),
      failures,
      cpuMs,
      runs,
      deleteMs: 0,
    };
    // Everything observed, for diagnosing a miss: statuses (events, conditions, resources), bootstrap reports.
    writeFileSync(join(logDir, `${prefix}runs.json`), JSON.stringify(runs, null, 1));
    for (const failure of failures) say(`failed: ${failure}`);
    if (ready.length === 0) throw new Error(`no cluster of the round became Ready`);
    result.deleteMs = await deleteAll(planned, runs, options);
    return result;
  };

  const single = await round(`cb${runId}-one-`, 1);
  say(
    `1 create: ${seconds(single.wallMs)} s to Ready (deleted in ${seconds(single.deleteMs)} s); load average ${load()}`,
  );
  // Kubernetes latency classes exist once a workload cluster's API server has started: read after the first round.
  const latency = await latencySettings(simUrl);
  const path = criticalPath(latency);
  const concurrent = await round(`cb${runId}-many-`, settings.concurrent);
  say(
    `${settings.concurrent} concurrent creates: ${seconds(concurrent.wallMs)} s from the first POST to the last Ready (deleted in ${seconds(concurrent.deleteMs)} s); load average ${load()}`,
  );
  const after = await latencySettings(simUrl);
  const changed = chainClasses().filter(
    (name) => after.durations[name] !== latency.durations[name] || after.speed !== latency.speed,
  );
  if (changed.length > 0)
    throw new Error(`the simulator's latencies changed during the run: ${changed.join(', ')}`);

  const budgetMs = budget.factor * path.totalMs + budget.slackMs;
  say('');
  say(`critical path at speed ${path.speed}: ${seconds(path.totalMs)} s`);
  for (const segment of path.segments.filter((candidate) => candidate.ms > 0))
    say(`  ${segment.key.padEnd(32)} ${seconds(segment.ms).padStart(6)} s  ${segment.classes}`);
  say('');
  say(roundTable(path, single, concurrent));
  say('');
  const verdicts = [
    { name: '1 create', result: single },
    { name: `${settings.concurrent} concurrent creates`, result: concurrent },
  ];
  const missed: string[] = [];
  for (const { name, result } of verdicts) {
    const ratio = result.wallMs / path.totalMs;
    say(
      `${name.padEnd(24)} ${seconds(result.wallMs).padStart(7)} s = ${ratio.toFixed(3)} × critical path, overhead ${seconds(result.wallMs - path.totalMs)} s (budget ≤ ${seconds(budgetMs)} s); CPU simulator ${seconds(result.cpuMs.simulator)} s, worker ${seconds(result.cpuMs.worker)} s`,
    );
    if (result.failures.length > 0) missed.push(`${name}: ${result.failures.join('; ')}`);
    else if (!(result.wallMs <= budgetMs))
      missed.push(`${name} took ${seconds(result.wallMs)} s > ${seconds(budgetMs)} s`);
  }
  say(`load average at start ${loadAtStart}, at the end ${load()}`);
  if (missed.length > 0) {
    say(`BUDGET MISSED: ${missed.join('; ')}`);
    exitCode = 1;
  } else say('budget met');
  if (profileDir) say(`CPU profiles in ${profileDir}`);
  if (flags.json) {
    const summary = (result: RoundResult) => ({
      clusters: result.clusters,
      wallMs: result.wallMs,
      perClusterMs: result.perClusterMs,
      failures: result.failures,
      cpuMs: result.cpuMs,
      deleteMs: result.deleteMs,
      timelines: result.runs.map((run) => ({ name: run.name, segments: Object.fromEntries(timeline(run)) })),
    });
    writeFileSync(
      flags.json,
      JSON.stringify(
        {
          settings,
          loadAverage: { start: loadAtStart, end: load() },
          latency,
          criticalPath: path,
          budgetMs,
          single: summary(single),
          concurrent: summary(concurrent),
          capacityChanges: world.capacityChanges,
          budgetMet: exitCode === 0,
        },
        null,
        2,
      ),
    );
  }
} catch (error) {
  process.stderr.write(
    `bench:create failed: ${(error as Error).stack ?? String(error)}\nlogs in ${logDir}\n`,
  );
  exitCode = 1;
} finally {
  await worker?.stop().catch(() => undefined);
  await sim?.stop().catch(() => undefined);
}
process.exit(exitCode);
