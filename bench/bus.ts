/**
 * `npm run bench:bus`: requests per second and p50/p99 latency of `GET /api/cse/v1/clusters/{id}` over AMQP through
 * the real worker, against a bare baseline consumer that does only the route's unavoidable work (decode, one VCD read
 * of the entity, reply) and a pure echo consumer, on the same broker in the same run. Budget (docs/benchmarks.md):
 * worker throughput ≥ 0.8 × baseline and worker p99 ≤ 1.25 × baseline; the process exits 1 when it is missed.
 *
 * Everything runs on loopback: RabbitMQ, the simulator and each consumer in its own process, this process as VCD.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { redactUrl } from '../backend/bus/amqp.ts';
import { logPath, startChild, type BenchChild } from './lib/child-process.ts';
import type { ConsumerChildOptions, Variant } from './lib/consumer-child.ts';
import { forwardedRequestFor, setUpBusWorld, type BusWorld } from './lib/bus-world.ts';
import { runStats, type RunStats } from './lib/latency-stats.ts';
import {
  VcdPublisher,
  deleteBusObjects,
  type LoadResult,
  type OutgoingRequest,
} from './lib/vcd-publisher.ts';

const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string', default: '4000' },
    warmup: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '32' },
    clusters: { type: 'string', default: '400' },
    rounds: { type: 'string', default: '8' },
    amqp: {
      type: 'string',
      default: process.env['CSE_BENCH_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672',
    },
    profile: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (flags.help) {
  process.stdout.write(`npm run bench:bus -- [options]
  --requests N      measured requests per variant, split over the rounds (4000)
  --warmup N        warm-up requests per variant before the first round (500)
  --concurrency N   requests in flight (32)
  --clusters N      cluster RDEs in the simulator (400)
  --rounds N        rounds; each runs every variant once, in alternating order (8)
  --amqp URL        RabbitMQ on loopback (amqp://guest:guest@127.0.0.1:5672, or CSE_BENCH_AMQP_URL)
  --profile DIR     write V8 CPU profiles (--cpu-prof) of the simulator and of each consumer run into DIR
  --json FILE       also write the results as JSON
`);
  process.exit(0);
}

function positive(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0) {
    process.stderr.write(`bench:bus: --${name} must be a positive whole number, got "${value}"\n`);
    process.exit(2);
  }
  return number;
}

const settings = {
  requests: positive('requests', flags.requests),
  warmup: positive('warmup', flags.warmup),
  concurrency: positive('concurrency', flags.concurrency),
  clusters: positive('clusters', flags.clusters),
  rounds: positive('rounds', flags.rounds),
  amqpUrl: flags.amqp!,
};
const amqpHost = new URL(settings.amqpUrl).hostname;
if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(amqpHost)) {
  process.stderr.write(`bench:bus: the broker must be on loopback, not ${amqpHost}\n`);
  process.exit(2);
}

/** Prefetch of every variant: the worker's default (bus.amqp.prefetch). */
const prefetch = 32;
const requestTimeoutMs = 15_000;
/** The whole run stops after this long, whatever is left. */
const runDeadline = Date.now() + 15 * 60_000;
const budget = { throughput: 0.8, p99: 1.25 };
const variants: Variant[] = ['echo', 'baseline', 'worker'];
const here = fileURLToPath(new URL('.', import.meta.url));
const namePrefix = `cse-bench-${randomUUID().slice(0, 8)}`;
const logDir = mkdtempSync(join(tmpdir(), 'cse-bench-bus-'));
const profileDir = flags.profile ? resolve(flags.profile) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });

/** `--profile`: every participant writes a V8 CPU profile when it exits. */
function cpuProfileFlags(name: string): string[] {
  // One folder per participant: tsx's loader thread writes a profile of its own next to the main thread's.
  return profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : [];
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Deterministic (caller, cluster) pairs: every variant gets the same mix in the same order. */
function requestMix(world: BusWorld, count: number): { caller: number; cluster: number }[] {
  let state = 0x2545f491;
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const byOrg = new Map<string, number[]>();
  world.clusters.forEach((cluster, index) =>
    byOrg.set(cluster.orgId, [...(byOrg.get(cluster.orgId) ?? []), index]),
  );
  const all = world.clusters.map((_, index) => index);
  return Array.from({ length: count }, () => {
    const caller = Math.floor(random() * world.callers.length);
    const readsOrg = world.callers[caller]!.readsOrg;
    const pool = readsOrg ? byOrg.get(readsOrg)! : all;
    return { caller, cluster: pool[Math.floor(random() * pool.length)]! };
  });
}

function queueOf(variant: Variant): { exchange: string; routingKey: string; queue: string } {
  return {
    exchange: `${namePrefix}-${variant}`,
    routingKey: `${namePrefix}-${variant}`,
    queue: `${namePrefix}-${variant}`,
  };
}

function ms(value: number): string {
  return value.toFixed(1).padStart(8);
}

function table(results: Map<Variant, RunStats>, failures: Map<Variant, number>): string {
  const lines = [
    'variant     requests     req/s   p50 ms   p90 ms   p99 ms   max ms  cpu ms/req  VCD cpu ms/req  failed',
    ...variants.map((variant) => {
      const stats = results.get(variant)!;
      return `${variant.padEnd(9)} ${String(stats.requests).padStart(10)} ${stats.requestsPerSecond
        .toFixed(0)
        .padStart(
          9,
        )} ${ms(stats.p50Ms)} ${ms(stats.p90Ms)} ${ms(stats.p99Ms)} ${ms(stats.maxMs)} ${stats.consumerCpuMs
        .toFixed(2)
        .padStart(11)} ${stats.vcdCpuMs.toFixed(2).padStart(15)} ${String(
        failures.get(variant) ?? 0,
      ).padStart(7)}`;
    }),
  ];
  return lines.join('\n');
}

let sim: BenchChild<{ url: string }> | undefined;
const consumers = new Map<Variant, BenchChild<{ ready: boolean }>>();
let publisher: VcdPublisher | undefined;
let world: BusWorld | undefined;
let exitCode = 0;

/** What one variant collected over all its segments. */
interface Collected {
  latenciesMs: number[];
  elapsedMs: number;
  consumerCpuMs: number;
  vcdCpuMs: number;
  failed: number;
  statuses: Map<number, number>;
}

try {
  const perRound = Math.ceil(settings.requests / settings.rounds);
  say(
    `bench:bus: ${settings.warmup} warm-up + ${perRound * settings.rounds} measured requests per variant in ${settings.rounds} alternating rounds, ${settings.concurrency} in flight, ${settings.clusters} clusters; logs in ${logDir}`,
  );
  sim = await startChild<{ url: string }>({
    module: join(here, 'lib/sim-child.ts'),
    nodeFlags: cpuProfileFlags('simulator'),
    env: { CSE_BENCH_SIM: JSON.stringify({ amqpUrl: settings.amqpUrl, speed: 100 }) },
    logFile: logPath(logDir, 'simulator'),
  });
  say(`simulator at ${sim.ready.url}`);
  world = await setUpBusWorld({
    simUrl: sim.ready.url,
    amqpUrl: settings.amqpUrl,
    clusters: settings.clusters,
    namePrefix,
    progress: say,
  });
  publisher = await VcdPublisher.open(settings.amqpUrl, namePrefix);
  const mix = requestMix(world, settings.warmup + perRound * settings.rounds);
  const build = (from: number, to: number): OutgoingRequest[] =>
    mix
      .slice(from, to)
      .map(({ caller, cluster }) =>
        forwardedRequestFor(world!.callers[caller]!, world!.clusters[cluster]!.id),
      );

  // Every variant runs in its own process on its own queue for the whole run; only one gets load at a time.
  for (const variant of variants) {
    const options: ConsumerChildOptions = {
      variant,
      ...queueOf(variant),
      amqpUrl: settings.amqpUrl,
      prefetch,
      vcdUrl: sim.ready.url,
      apiVersion: world.apiVersion,
      apiToken: world.apiToken,
    };
    consumers.set(
      variant,
      await startChild<{ ready: boolean }>({
        module: join(here, 'lib/consumer-child.ts'),
        env: { CSE_BENCH_CONSUMER: JSON.stringify(options) },
        nodeFlags: cpuProfileFlags(variant),
        logFile: logPath(logDir, variant),
      }),
    );
  }
  const collected = new Map<Variant, Collected>(
    variants.map((variant) => [
      variant,
      { latenciesMs: [], elapsedMs: 0, consumerCpuMs: 0, vcdCpuMs: 0, failed: 0, statuses: new Map() },
    ]),
  );
  const count = (into: Collected, run: LoadResult) => {
    into.failed += run.unanswered;
    for (const [status, n] of run.failures) {
      into.failed += n;
      into.statuses.set(status, (into.statuses.get(status) ?? 0) + n);
    }
  };
  for (const variant of variants) {
    const warmup = await publisher.run(
      queueOf(variant),
      build(0, settings.warmup),
      settings.concurrency,
      requestTimeoutMs,
    );
    count(collected.get(variant)!, warmup);
  }
  say(`warmed up ${variants.join(', ')}`);

  for (let round = 0; round < settings.rounds; round++) {
    // A, B, C then C, B, A: a machine growing busier or quieter during the run weighs on every variant alike.
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    const from = settings.warmup + round * perRound;
    const line: string[] = [];
    for (const variant of order) {
      if (Date.now() > runDeadline) throw new Error('the benchmark ran out of time (15 minutes)');
      const consumer = consumers.get(variant)!;
      const requests = build(from, from + perRound);
      const before = { consumer: await consumer.cpuMs(), vcd: await sim.cpuMs() };
      const run = await publisher.run(queueOf(variant), requests, settings.concurrency, requestTimeoutMs);
      const into = collected.get(variant)!;
      into.consumerCpuMs += (await consumer.cpuMs()) - before.consumer;
      into.vcdCpuMs += (await sim.cpuMs()) - before.vcd;
      into.latenciesMs.push(...run.latenciesMs);
      into.elapsedMs += run.elapsedMs;
      count(into, run);
      line.push(`${variant} ${((run.latenciesMs.length / run.elapsedMs) * 1000).toFixed(0)}`);
    }
    say(`round ${round + 1}/${settings.rounds} (req/s): ${line.join('  ')}`);
  }
  for (const consumer of consumers.values()) await consumer.stop();
  consumers.clear();

  const results = new Map(
    variants.map((variant) => {
      const { latenciesMs, elapsedMs, consumerCpuMs, vcdCpuMs } = collected.get(variant)!;
      return [variant, runStats(latenciesMs, elapsedMs, { consumer: consumerCpuMs, vcd: vcdCpuMs })];
    }),
  );
  const failed = new Map(variants.map((variant) => [variant, collected.get(variant)!.failed]));
  for (const variant of variants) {
    const { statuses } = collected.get(variant)!;
    if (statuses.size > 0) {
      const list = [...statuses].map(([status, n]) => `${n}× ${status === -1 ? 'wrong id' : status}`);
      say(`${variant} answered ${list.join(', ')}`);
    }
  }
  const worker = results.get('worker')!;
  const baseline = results.get('baseline')!;
  const throughputRatio = worker.requestsPerSecond / baseline.requestsPerSecond;
  const p99Ratio = worker.p99Ms / baseline.p99Ms;
  say('');
  say(table(results, failed));
  say('');
  say(
    `throughput worker/baseline ${throughputRatio.toFixed(2)} (budget ≥ ${budget.throughput})   p99 worker/baseline ${p99Ratio.toFixed(2)} (budget ≤ ${budget.p99})`,
  );
  const missed: string[] = [];
  if (throughputRatio < budget.throughput)
    missed.push(`throughput ${throughputRatio.toFixed(2)} < ${budget.throughput}`);
  if (p99Ratio > budget.p99) missed.push(`p99 ${p99Ratio.toFixed(2)} > ${budget.p99}`);
  const failures = [...failed.values()].reduce((sum, n) => sum + n, 0);
  if (failures > 0) missed.push(`${failures} requests failed or went unanswered`);
  if (missed.length > 0) {
    say(`BUDGET MISSED: ${missed.join('; ')}`);
    exitCode = 1;
  } else say('budget met');
  if (profileDir) say(`CPU profiles in ${profileDir}`);
  if (flags.json) {
    writeFileSync(
      flags.json,
      JSON.stringify(
        {
          settings: { ...settings, amqpUrl: redactUrl(settings.amqpUrl) },
          results: Object.fromEntries(results),
          ratios: { throughput: throughputRatio, p99: p99Ratio },
          budgetMet: exitCode === 0,
        },
        null,
        2,
      ),
    );
  }
} catch (error) {
  process.stderr.write(`bench:bus failed: ${(error as Error).stack ?? String(error)}\nlogs in ${logDir}\n`);
  exitCode = 1;
} finally {
  for (const consumer of consumers.values()) await consumer.stop().catch(() => undefined);
  const queues = variants.flatMap((variant) => [
    queueOf(variant).queue,
    `${queueOf(variant).queue}.dead-letter`,
  ]);
  const exchanges = [
    ...variants.flatMap((variant) => [queueOf(variant).exchange, `${queueOf(variant).exchange}.dead-letter`]),
    ...(world?.exchanges ?? []),
  ];
  await publisher?.close().catch(() => undefined);
  await deleteBusObjects(settings.amqpUrl, { exchanges, queues }).catch((error: unknown) =>
    process.stderr.write(`bench:bus: cleaning up the broker failed: ${(error as Error).message}\n`),
  );
  await sim?.stop().catch(() => undefined);
}
process.exit(exitCode);
