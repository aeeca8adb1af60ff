/**
 * Test plumbing for the cluster lifecycle: a fast simulator with CSE installed, a worker (in this process, or as a
 * real `cse worker` process for crash tests) configured with the simulator's Contour mirror, tenant users with API
 * tokens, and helpers to create clusters through `/api/cse/v1` and watch their status from outside.
 */
import { after, before } from 'node:test';
import amqp from 'amqplib';
import { deadLetterNames } from '../../backend/bus/amqp.ts';
import { workerConfigSchema, type WorkerConfig } from '../../backend/config/schema.ts';
import { startWorker, type RunningWorker } from '../../backend/main.ts';
import { install } from '../../backend/provider/install.ts';
import type { ClusterEntity } from '../../backend/clusters/spec.ts';
import { simulatorAddonEnvironment } from '../../backend/cli/commands/start.ts';
import { addonArtifacts } from '../../sim/infra/artifacts/addons.ts';
import { contourArtifact } from '../../sim/infra/artifacts/contour.ts';
import type { SimulatorOptions } from '../../sim/options.ts';
import { SimAdmin, VcdClient as TestClient, type WorldSnapshot } from '../helpers/vcd.ts';
import { amqpUrl, capturedLogger, uniqueName } from './bus-fake-vcd.ts';
import { mintApiToken, startProviderStack, type ProviderStack } from './install-stack.ts';

export interface ClusterStack extends ProviderStack {
  admin: SimAdmin;
  /** Worker settings as `cse install` produced them, plus the cluster settings for this simulator. */
  config: WorkerConfig;
  env: Record<string, string>;
  worker?: RunningWorker;
  startWorker(): Promise<RunningWorker>;
}

export interface ClusterStackOptions {
  transport?: 'mqtt' | 'amqp';
  speed?: number;
  /** Start a worker in this process (default true). */
  inProcessWorker?: boolean;
  phaseTimeoutScale?: number;
  leaseMs?: number;
  /** How long VCD waits for the worker's reply, in real ms (default 30 s). */
  extensionReplyMs?: number;
  /** More simulator options (e.g. a `stateFile` with a prepared world). */
  simulator?: Partial<SimulatorOptions>;
}

export async function startClusterStack(options: ClusterStackOptions = {}): Promise<ClusterStack> {
  const transport = options.transport ?? 'mqtt';
  const stack = await startProviderStack({
    speed: options.speed ?? 100,
    extensionTimeoutMs: options.extensionReplyMs ?? 30_000,
    ...(transport === 'amqp' ? { amqpUrl } : {}),
    ...options.simulator,
  });
  const identity =
    transport === 'amqp' ? { exchange: uniqueName('ext'), routingKey: uniqueName('rk') } : undefined;
  const { settings } = await install({ vcd: stack.vcd, transport, ...(identity ? { identity } : {}) });
  const contour = contourArtifact(stack.sim.url);
  const raw = {
    http: { port: 0 },
    shutdownTimeoutMs: 3000,
    vcd: { url: stack.sim.url, org: 'System', apiToken: settings.vcd.apiToken },
    bus:
      transport === 'amqp'
        ? { transport, amqpUrl, amqp: { ...identity, reconnectInitialMs: 50 } }
        : { transport, mqtt: { ...settings.bus.mqtt, reconnectMs: 100 } },
    clusters: {
      leaseMs: options.leaseMs ?? 4000,
      resyncMs: 2000,
      bootstrap: { phaseTimeoutScale: options.phaseTimeoutScale ?? 1 },
      contour: { url: contour.url, sha256: contour.sha256, readyTimeoutMs: 30_000 },
      addons: addonArtifacts(stack.sim.url),
    },
  };
  const config = workerConfigSchema.parse(raw);
  const env: Record<string, string> = {
    CSE_VCD_URL: stack.sim.url,
    CSE_VCD_ORG: 'System',
    CSE_VCD_API_TOKEN: settings.vcd.apiToken!,
    CSE_HTTP_PORT: '0',
    CSE_BUS_TRANSPORT: transport,
    ...(settings.bus.mqtt?.token ? { CSE_BUS_MQTT_TOKEN: settings.bus.mqtt.token } : {}),
    CSE_CLUSTERS_LEASE_MS: String(raw.clusters.leaseMs),
    CSE_CLUSTERS_RESYNC_MS: '2000',
    CSE_CLUSTERS_BOOTSTRAP_PHASE_TIMEOUT_SCALE: String(raw.clusters.bootstrap.phaseTimeoutScale),
    CSE_CLUSTERS_CONTOUR_URL: contour.url,
    CSE_CLUSTERS_CONTOUR_SHA256: contour.sha256,
    ...simulatorAddonEnvironment(stack.sim.url),
  };
  const admin = new SimAdmin(stack.sim.url);
  // Tenant sessions must outlive a test file at a high simulator speed.
  await admin.latency({
    durations: {
      apiExtensionReply: 30_000 * (options.speed ?? 100),
      sessionIdleTimeout: 3_600_000 * (options.speed ?? 100),
    },
  });
  const result: ClusterStack = {
    ...stack,
    admin,
    config,
    env,
    async startWorker() {
      const { logger } = capturedLogger();
      const worker = await startWorker(config, process.env['CSE_TEST_LOGS'] ? undefined : logger);
      for (let i = 0; i < 200 && !worker.transport?.status().ready; i++) await sleep(25);
      result.worker = worker;
      return worker;
    },
    close: async () => {
      await result.worker?.stop('test over');
      await stack.close();
    },
  };
  if (options.inProcessWorker !== false) await result.startWorker();
  return result;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Tenant {
  user: TestClient;
  apiToken: string;
  org: string;
  /** Name of the seeded Kubernetes v1.28.11 template. */
  template: string;
}

export async function tenant(stack: ClusterStack, org = 'acme'): Promise<Tenant> {
  const user = await TestClient.login(stack.sim.url, `${org}-author`, org);
  const apiToken = await mintApiToken(stack.sim.url, `${org}-author`, org, uniqueName('cse-cluster'));
  const records = await user.get<{ record: Array<{ name: string }> }>(
    '/api/query?type=vAppTemplate&format=records&pageSize=128',
  );
  const template = records.body.record.find((record) => record.name.includes('kube-v1.28.11'))!.name;
  return { user, apiToken, org, template };
}

/** A suite's cluster stack and its acme tenant, set by the suite's `before` hook (read them inside tests). */
export interface TenantStack {
  stack: ClusterStack;
  acme: Tenant;
}

/**
 * Registers the enclosing suite's hooks: before it, a cluster stack (`startClusterStack(options)`) and the acme
 * tenant; after it, the stack closed. Answers the object the hook fills.
 */
export function tenantStackHooks(options: ClusterStackOptions = {}): TenantStack {
  const suite = {} as Partial<TenantStack>;
  before(async () => {
    suite.stack = await startClusterStack(options);
    suite.acme = await tenant(suite.stack);
  });
  after(() => suite.stack?.close());
  return suite as TenantStack;
}

export function clusterRequest(who: Tenant, name: string, overrides: Record<string, unknown> = {}) {
  return {
    name,
    orgVdc: `${who.org}-vdc`,
    network: `${who.org}-k8s-net`,
    template: who.template,
    controlPlane: { count: 1, diskGiB: 20, sizingPolicy: 'TKG small' },
    workerPools: [{ name: 'workers', count: 2, diskGiB: 20, sizingPolicy: 'TKG small' }],
    apiToken: who.apiToken,
    ...overrides,
  };
}

export async function createCluster(who: Tenant, body: unknown) {
  return who.user.post<{
    id: string;
    minorErrorCode?: string;
    message?: string;
    errors?: Array<{ field: string; rule: string; message: string }>;
  }>('/api/cse/v1/clusters', body, { accept: 'application/json' });
}

export interface ClusterView {
  id: string;
  phase: string;
  status: NonNullable<ClusterEntity['status']>;
}

export async function readCluster(stack: ClusterStack, id: string): Promise<ClusterView | undefined> {
  const response = await stack.vcd.get<{ entity: ClusterEntity }>(`/cloudapi/1.0.0/entities/${id}`, {
    allowStatus: [404],
  });
  if (response.status === 404) return undefined;
  const status = response.body.entity.status ?? {};
  return { id, phase: status.phase ?? 'Pending', status };
}

/** Waits until the cluster's phase is one of `phases` (or it is gone, for `Gone`). */
export async function waitForPhase(
  stack: ClusterStack,
  id: string,
  phases: string[],
  timeoutMs = 45_000,
): Promise<ClusterView | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: ClusterView | undefined;
  while (Date.now() < deadline) {
    last = await readCluster(stack, id);
    if (!last && phases.includes('Gone')) return undefined;
    if (last && phases.includes(last.phase)) return last;
    await sleep(50);
  }
  throw new Error(
    `cluster ${id} did not reach ${phases.join('/')} in ${timeoutMs} ms; last: ${JSON.stringify(last?.status ?? null).slice(0, 2000)}`,
  );
}

/** The world's objects a cluster can leave behind (tasks, sessions, tokens and times ignored). */
export function infrastructure(state: WorldSnapshot): Record<string, unknown> {
  const world = state as unknown as Record<string, unknown>;
  const slices = (world['slices'] ?? {}) as Record<string, Record<string, unknown>>;
  const lb = (slices['loadBalancer'] ?? {}) as {
    pools?: Record<string, unknown>;
    virtualServices?: Record<string, unknown>;
  };
  const vApps = (slices['vApps'] ?? {}) as { vApps?: Record<string, unknown>; vms?: Record<string, unknown> };
  const allocations = (world['ipSpaceAllocations'] ?? {}) as Record<
    string,
    { value?: string; description?: string; orgId?: string }
  >;
  return {
    pools: Object.values(lb.pools ?? {})
      .map((p) => (p as { name: string }).name)
      .sort(),
    virtualServices: Object.values(lb.virtualServices ?? {})
      .map((v) => (v as { name: string }).name)
      .sort(),
    vApps: Object.values(vApps.vApps ?? {})
      .map((v) => (v as { name: string }).name)
      .sort(),
    vms: Object.keys(vApps.vms ?? {}).length,
    allocations: Object.values(allocations)
      .map((a) => `${a.value}:${a.description ?? ''}`)
      .sort(),
  };
}

/**
 * Removes what an AMQP worker of `config` declared on RabbitMQ (its exchange and queue and their dead-letter pair),
 * so test runs do not pile up durable queues. A no-op for MQTT.
 */
export async function removeAmqpObjects(config: WorkerConfig): Promise<void> {
  if (config.bus.transport !== 'amqp') return;
  const { exchange, routingKey, queue = routingKey } = config.bus.amqp;
  const dead = deadLetterNames(exchange, queue);
  const connection = await amqp.connect(config.bus.amqpUrl);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    for (const name of [queue, dead.queue]) await channel.deleteQueue(name).catch(() => undefined);
    for (const name of [exchange, dead.exchange]) await channel.deleteExchange(name).catch(() => undefined);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
