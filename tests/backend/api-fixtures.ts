/**
 * Test plumbing for the `/api/cse` end-to-end tests: a simulator with CSE installed, a worker answering through
 * the real bus, and cluster RDEs created by tenant users through VCD's own API.
 */
import { CLUSTER_TYPE_ID } from '../../behaviours/index.ts';
import { createApiHandler } from '../../backend/api/api.ts';
import { workerConfigSchema } from '../../backend/config/schema.ts';
import { startWorker, type RunningWorker } from '../../backend/main.ts';
import { install } from '../../backend/provider/install.ts';
import { VcdClient } from '../../backend/vcd/client.ts';
import type { ClusterEntity } from '../../backend/clusters/spec.ts';
import { withClusterSpecDefaults } from '../../backend/clusters/spec.ts';
import { type VcdClient as TestClient, type VcdTask } from '../helpers/vcd.ts';
import { amqpUrl, capturedLogger, uniqueName } from './bus-fake-vcd.ts';
import { startProviderStack, type ProviderStack } from './install-stack.ts';

export interface ApiStack extends ProviderStack {
  worker: RunningWorker;
  transport: 'amqp' | 'mqtt';
}

/** Simulator + `cse install` on the transport + a worker serving the `/api/cse` router. */
export async function startApiStack(transport: 'amqp' | 'mqtt'): Promise<ApiStack> {
  const stack = await startProviderStack(transport === 'amqp' ? { amqpUrl } : {});
  const exchange = uniqueName('ext');
  const routingKey = uniqueName('rk');
  const { settings } = await install({ vcd: stack.vcd, transport, identity: { exchange, routingKey } });
  const config = workerConfigSchema.parse({
    http: { port: 0 },
    shutdownTimeoutMs: 3000,
    vcd: { url: stack.sim.url, org: 'System' },
    bus:
      transport === 'amqp'
        ? { transport, amqpUrl, amqp: { exchange, routingKey, reconnectInitialMs: 50 } }
        : { transport, mqtt: { ...settings.bus.mqtt, reconnectMs: 100 } },
  });
  const vcd = new VcdClient({ url: stack.sim.url, org: 'System', apiToken: settings.vcd.apiToken });
  // The router alone (no reconciler): these tests are about reading, and created clusters must stay as written.
  const { logger } = capturedLogger();
  const worker = await startWorker(config, logger, {
    request: createApiHandler({ vcd, transports: [transport], logger }),
    // RDE hooks (MQTT) are answered without reconciling.
    behavior: async () => 'ok',
  });
  await waitUntilReady(worker);
  return {
    ...stack,
    worker,
    transport,
    close: async () => {
      await worker.stop('test over');
      await stack.close();
    },
  };
}

async function waitUntilReady(worker: RunningWorker): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (worker.transport?.status().ready) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the worker did not connect to the bus');
}

export interface SeededCluster {
  id: string;
  name: string;
  org: string;
}

/** Creates a cluster RDE as a tenant user, through VCD's RDE API (nothing reconciles it here). */
export async function createClusterEntity(
  user: TestClient,
  name: string,
  phase: 'Pending' | 'Ready' | 'Failed',
  org: string,
): Promise<SeededCluster> {
  const entity: ClusterEntity = {
    spec: withClusterSpecDefaults({
      name,
      orgVdc: `${org}-vdc`,
      network: `${org}-k8s-net`,
      template: 'ubuntu-2204-kube-v1.28.11',
      controlPlane: { count: 1, diskGiB: 20 },
      workerPools: [{ name: 'workers', count: 2, diskGiB: 20 }],
    }),
    status: {
      phase,
      versions: { kubernetes: 'v1.28.11+vmware.2', tkg: 'v2.5.2' },
      endpoints: phase === 'Ready' ? { controlPlane: { host: '203.0.113.20', port: 6443 } } : {},
      nodePools: [
        { name: 'control-plane', desired: 1, ready: phase === 'Ready' ? 1 : 0 },
        { name: 'workers', desired: 2, ready: phase === 'Ready' ? 2 : 0 },
      ],
    },
    private: { kubeconfig: `kubeconfig-of-${name}`, apiToken: `token-of-${name}` },
  };
  const response = await user.post<unknown>(`/cloudapi/1.0.0/entityTypes/${CLUSTER_TYPE_ID}`, {
    name,
    entity,
  });
  if (response.status !== 202) throw new Error(`create ${name}: ${response.status} ${response.text}`);
  const location = response.headers.get('location')!;
  for (let i = 0; i < 200; i++) {
    const task = (await user.get<VcdTask>(location)).body;
    if (task.status === 'success') return { id: task.owner.id, name, org };
    if (task.status === 'error') throw new Error(`create ${name}: ${JSON.stringify(task.error)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`create ${name}: task did not finish`);
}

/** GET through VCD's API-extension routing, as a browser or `curl` would. */
export function cseGet<T = unknown>(user: TestClient, path: string, accept = 'application/json') {
  return user.get<T>(`/api/cse/v1${path}`, { accept });
}
