/**
 * Several worker replicas on one MQTT extension (issue 5). VCD's broker hands every request to every subscriber,
 * so the replicas elect one through a lease entity in VCD; the others leave requests alone. Everything is real: the
 * simulator with `cse install`, its embedded broker, each replica's own connection to it (through a tap that
 * records the PUBLISH packets on the wire), workers in this process and as `cse worker` processes.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { clusterInterface } from '../../behaviours/index.ts';
import { LEASE_NSS, LEASE_TYPE_ID, LEASE_TYPE_VERSION, LEASE_VENDOR } from '../../behaviours/leader-lease.ts';
import { clusterType } from '../../backend/api/clusters-read.ts';
import type { LeaseRecord } from '../../backend/bus/leader-lease-store.ts';
import { vcdBrokerUrl } from '../../backend/bus/mqtt.ts';
import type { WorkerConfig } from '../../backend/config/schema.ts';
import { startWorker, type RunningWorker } from '../../backend/main.ts';
import { install } from '../../backend/provider/install.ts';
import { listEntities } from '../../backend/vcd/rde.ts';
import { spawnCse, waitForUrl } from '../helpers/processes.ts';
import { capturedLogger } from './bus-fake-vcd.ts';
import {
  clusterRequest,
  createCluster,
  readCluster,
  sleep,
  startClusterStack,
  tenant,
  waitForPhase,
  type ClusterStack,
  type Tenant,
} from './cluster-fixtures.ts';
import { MqttTap, type TappedPublish } from './mqtt-tap.ts';

const leaseType = { vendor: LEASE_VENDOR, nss: LEASE_NSS, version: LEASE_TYPE_VERSION };

/** The leadership record as VCD holds it (the provider reads it like any entity). */
async function leaseRecord(stack: ClusterStack): Promise<LeaseRecord> {
  const page = await listEntities<LeaseRecord>(stack.vcd, leaseType, { pageSize: 8 });
  assert.equal(page.values.length, 1, 'one leadership record');
  return page.values[0]!.entity;
}

/** A worker's metric from its /metrics, summed over the series that carry `labels`. */
async function metric(healthUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${healthUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (Object.entries(labels).every(([key, value]) => (match[2] ?? '').includes(`${key}="${value}"`)))
      sum += Number(match[3]);
  }
  return sum;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`gave up waiting: ${what}`);
    await sleep(50);
  }
}

function requestIdOf(entry: TappedPublish): string {
  return String(entry.message.headers?.['requestId'] ?? '');
}

/** `METHOD path` of a tapped API_REQUEST (its `httpRequest` is base64 JSON holding the HTTP message). */
function routeOf(entry: TappedPublish): string {
  const http = JSON.parse(Buffer.from(String(entry.message['httpRequest']), 'base64').toString('utf8')) as {
    message?: { method?: string; requestUri?: string };
  };
  return `${http.message?.method ?? ''} ${new URL(http.message?.requestUri ?? '/', 'http://x').pathname}`;
}

/** Every request seen on any tap, with the replies each tap carried for it. */
function repliesByRequest(taps: MqttTap[]): Map<string, { route: string; repliedBy: number[] }> {
  const requests = new Map<string, { route: string; repliedBy: number[] }>();
  for (const tap of taps) {
    for (const entry of tap.messages('in', 'API_REQUEST')) {
      if (!requests.has(requestIdOf(entry)))
        requests.set(requestIdOf(entry), { route: routeOf(entry), repliedBy: [] });
    }
  }
  taps.forEach((tap, index) => {
    for (const entry of tap.messages('out', 'API_RESPONSE'))
      requests.get(requestIdOf(entry))?.repliedBy.push(index);
  });
  return requests;
}

/** Lists clusters as the tenant until the API answers (a request sent to a gone leader times out: 504). */
async function answeredList(who: Tenant): Promise<void> {
  await until('the cluster API to answer', async () => {
    const response = await who.user.get('/api/cse/v1/clusters', { accept: 'application/json' });
    return response.status === 200 ? true : undefined;
  });
}

describe('two in-process replicas on one MQTT extension', () => {
  let stack: ClusterStack;
  let acme: Tenant;
  let globex: Tenant;
  const taps: MqttTap[] = [];
  const workers: RunningWorker[] = [];
  const logs: (() => string[])[] = [];
  const ids = ['replica-a', 'replica-b'];

  before(async () => {
    stack = await startClusterStack({ inProcessWorker: false, extensionReplyMs: 5000 });
    acme = await tenant(stack);
    globex = await tenant(stack, 'globex');
    for (const workerId of ids) {
      const tap = await MqttTap.start(vcdBrokerUrl(stack.sim.url));
      taps.push(tap);
      const config: WorkerConfig = {
        ...stack.config,
        bus: { ...stack.config.bus, mqtt: { ...stack.config.bus.mqtt, url: tap.url } },
        // Two clusters at a time each, so the standby's resync finds clusters the leader has not leased.
        clusters: { ...stack.config.clusters, workerId, concurrency: 2 },
      };
      const { logger, lines } = capturedLogger();
      logs.push(lines);
      workers.push(await startWorker(config, logger));
    }
  });
  after(async () => {
    for (const worker of workers) await worker.stop('test over');
    for (const tap of taps) await tap.close();
    await stack.close();
  });

  it('elects one leader through VCD; the standby is ready and says who answers', async () => {
    // The first replica found the record free; the second found it held and waits.
    assert.equal(await metric(workers[0]!.healthUrl, 'cse_bus_mqtt_leader'), 1);
    assert.equal(await metric(workers[1]!.healthUrl, 'cse_bus_mqtt_leader'), 0);
    const record = await leaseRecord(stack);
    assert.equal(record.holder, 'replica-a');
    assert.equal(record.leaseMs, 15_000);
    const ready = (await (await fetch(`${workers[1]!.healthUrl}/readyz`)).json()) as {
      status: string;
      checks: { name: string; ready: boolean; detail?: string }[];
    };
    assert.equal(ready.status, 'ready');
    const check = ready.checks.find((candidate) => candidate.name === 'bus leadership (mqtt)');
    assert.equal(check?.detail, 'standby: replica-a answers MQTT requests');
  });

  it('creates 10 clusters for 10 requests: each request answered once, by the leader only', async () => {
    const names = Array.from({ length: 10 }, (_, index) => `twin-${index}`);
    // Five per organisation, three behind its IP-space gateway and two behind its uplink gateway: within what the
    // simulated load balancer and IP quotas allow (three virtual services and two VIPs per cluster).
    const created = await Promise.all(
      names.map((name, index) => {
        const who = index < 5 ? acme : globex;
        const network = index % 5 < 3 ? `${who.org}-k8s-net` : `${who.org}-k8s-net-uplink`;
        return createCluster(who, clusterRequest(who, name, { network }));
      }),
    );
    for (const response of created) assert.equal(response.status, 202, response.text);
    assert.equal(new Set(created.map((response) => response.body.id)).size, 10);

    const entities = await listEntities<{ spec?: { name?: string } }>(stack.vcd, clusterType, {
      pageSize: 64,
    });
    assert.equal(entities.resultTotal, 10, 'exactly 10 cluster entities');
    assert.deepEqual(entities.values.map((entity) => entity.name).sort(), [...names].sort());

    const requests = repliesByRequest(taps);
    const creates = [...requests.values()].filter((request) => request.route === 'POST /api/cse/v1/clusters');
    assert.equal(creates.length, 10, 'VCD sent 10 create requests');
    for (const request of creates) assert.deepEqual(request.repliedBy, [0], 'answered once, by replica-a');
    // Both replicas received every request: the broker fans out; the standby left them to the leader.
    assert.ok(taps[1]!.messages('in', 'API_REQUEST').length >= 10);
    assert.equal(taps[1]!.messages('out', 'API_RESPONSE').length, 0, 'the standby answered nothing');
    assert.ok(
      (await metric(workers[1]!.healthUrl, 'cse_bus_mqtt_ignored_on_standby_total', {
        type: 'API_REQUEST',
      })) >= 10,
    );
    // Creating an entity runs its PostCreate behaviour over MQTT: only the leader answers those too.
    assert.ok(taps[0]!.messages('out', 'BEHAVIOR_RESPONSE').length >= 10);
    assert.equal(taps[1]!.messages('out', 'BEHAVIOR_RESPONSE').length, 0);
  });

  it('both replicas reconcile clusters (each holds some cluster leases) and every cluster becomes Ready', async () => {
    const entities = await listEntities(stack.vcd, clusterType, { pageSize: 64 });
    const holders = new Set<string>();
    await until(
      'both replicas to hold cluster leases',
      async () => {
        for (const entity of entities.values) {
          const holder = (await readCluster(stack, entity.id))?.status.operation?.lease?.holder;
          if (holder) holders.add(holder);
        }
        return holders.size === 2 ? true : undefined;
      },
      90_000,
    );
    assert.deepEqual([...holders].sort(), ids);
    for (const entity of entities.values) {
      const cluster = await waitForPhase(stack, entity.id, ['Ready', 'Failed'], 180_000);
      assert.equal(cluster?.phase, 'Ready', JSON.stringify(cluster?.status.events?.slice(-3)));
    }
  });

  it('a leader that loses its broker stops answering at once; the standby takes the released lease', async () => {
    const [leader, standby] = workers as [RunningWorker, RunningWorker];
    const repliesBefore = taps[0]!.messages('out', 'API_RESPONSE').length;
    taps[0]!.cut();
    await until('replica-a to step down', async () =>
      (await metric(leader.healthUrl, 'cse_bus_mqtt_leader')) === 0 ? true : undefined,
    );
    // Released, not expired: replica-b takes over at its next read (a third of the 15 s lease at most).
    await until('replica-b to lead', async () =>
      (await metric(standby.healthUrl, 'cse_bus_mqtt_leader')) === 1 ? true : undefined,
    );
    const record = await leaseRecord(stack);
    assert.equal(record.holder, 'replica-b');
    assert.ok(record.transitions >= 2, `transitions ${record.transitions}`);
    assert.equal(
      await metric(leader.healthUrl, 'cse_bus_mqtt_leadership_changes_total', { change: 'released' }),
      1,
    );
    await answeredList(acme);

    // replica-a comes back to the broker as the standby; requests are still answered once, by replica-b.
    taps[0]!.restore();
    await until('replica-a to reconnect', async () => (leader.transport?.status().ready ? true : undefined));
    await answeredList(acme);
    assert.equal(
      taps[0]!.messages('out', 'API_RESPONSE').length,
      repliesBefore,
      'replica-a answered nothing more',
    );
    assert.equal(await metric(leader.healthUrl, 'cse_bus_mqtt_leader'), 0);
    for (const [requestId, request] of repliesByRequest(taps)) {
      assert.ok(
        request.repliedBy.length <= 1,
        `request ${requestId} (${request.route}) answered ${request.repliedBy}`,
      );
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe('two `cse worker` processes: SIGKILL of the leader', () => {
  let stack: ClusterStack;
  let acme: Tenant;
  const taps: MqttTap[] = [];
  const processes: (ChildProcess & { output: () => string })[] = [];
  const health: string[] = [];
  const leaseMs = 2000;

  const spawnReplica = async (index: number) => {
    const port = await freePort();
    health[index] = `http://127.0.0.1:${port}`;
    processes[index] = spawnCse(['worker'], {
      ...stack.env,
      CSE_HTTP_PORT: String(port),
      CSE_BUS_MQTT_URL: taps[index]!.url,
      CSE_BUS_MQTT_LEADER_LEASE_MS: String(leaseMs),
      CSE_CLUSTERS_WORKER_ID: `process-${index}`,
    });
    await waitForUrl(`${health[index]}/readyz`, processes[index]!.output);
  };

  before(async () => {
    stack = await startClusterStack({ inProcessWorker: false, extensionReplyMs: 3000 });
    acme = await tenant(stack);
    for (let count = 0; count < 2; count += 1) taps.push(await MqttTap.start(vcdBrokerUrl(stack.sim.url)));
    await spawnReplica(0);
    await spawnReplica(1);
  });
  after(async () => {
    for (const child of processes)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const tap of taps) await tap.close();
    await stack.close();
  });

  it('the other process takes over after the lease expires and answers, once', async () => {
    assert.equal((await leaseRecord(stack)).holder, 'process-0');
    await answeredList(acme);
    assert.equal(taps[1]!.messages('out', 'API_RESPONSE').length, 0);

    const killed = new Promise((resolve) => processes[0]!.once('exit', resolve));
    processes[0]!.kill('SIGKILL');
    await killed;
    // Nobody released the lease: process-1 waits until the record has stood still for a whole lease.
    await answeredList(acme);
    const record = await leaseRecord(stack);
    assert.equal(record.holder, 'process-1');
    assert.equal(record.leaseMs, leaseMs);
    assert.equal(await metric(health[1]!, 'cse_bus_mqtt_leader'), 1);
    assert.ok(
      processes[1]!.output().includes('took over the MQTT leadership from a holder that stopped renewing'),
      processes[1]!.output().slice(-2000),
    );

    const created = await until('a create to be answered', async () => {
      const response = await createCluster(acme, clusterRequest(acme, 'survivor'));
      return response.status === 202 ? response : undefined;
    });
    assert.equal(created.status, 202);
    const creates = [...repliesByRequest(taps).values()].filter(
      (request) => request.route === 'POST /api/cse/v1/clusters',
    );
    assert.deepEqual(
      creates.map((request) => request.repliedBy),
      [[1]],
    );
    assert.equal((await listEntities(stack.vcd, clusterType, { pageSize: 8 })).resultTotal, 1);
  });

  it('a behaviour invoked while nobody leads is answered by the next leader, not left to time out', async () => {
    await spawnReplica(0); // back as the standby
    assert.equal((await leaseRecord(stack)).holder, 'process-1');
    const entity = (await listEntities(stack.vcd, clusterType, { pageSize: 8 })).values[0]!;
    const killed = new Promise((resolve) => processes[1]!.once('exit', resolve));
    processes[1]!.kill('SIGKILL');
    await killed;

    // VCD hands the invocation to both replicas; the dead leader cannot answer and the standby leaves it.
    const behavior = `urn:vcloud:behavior-interface:getKubeconfig:${clusterInterface.vendor}:${clusterInterface.nss}:${clusterInterface.version}`;
    const invoked = await acme.user.post(
      `/cloudapi/1.0.0/entities/${entity.id}/behaviors/${behavior}/invocations`,
      { arguments: {} },
    );
    assert.equal(invoked.status, 202, invoked.text);
    const task = invoked.headers.get('location')!.replace(/^https?:\/\/[^/]+/, '');
    // VCD's own limit is the behaviour's invocation_timeout (30 s); the new leader answers within about a lease.
    const done = await until(
      'the invocation to be answered',
      async () => {
        const body = (await acme.user.get<{ status: string; error?: { message: string } }>(task)).body;
        return body.status === 'running' || body.status === 'queued' ? undefined : body;
      },
      20_000,
    );
    assert.equal((await leaseRecord(stack)).holder, 'process-0');
    // The cluster is not Ready, so the answer is the worker's refusal, not VCD's timeout.
    assert.equal(done.status, 'error');
    assert.doesNotMatch(done.error?.message ?? '', /did not complete within/);
    assert.match(processes[0]!.output(), /answering behaviour invocations received while standby/);
  });
});

describe('a replica whose VCD will not keep the lease', () => {
  let stack: ClusterStack;
  let acme: Tenant;
  let worker: RunningWorker;
  let lines: () => string[];

  const readiness = async () =>
    (await (await fetch(`${worker.healthUrl}/readyz`)).json()) as {
      status: string;
      checks: { name: string; ready: boolean; detail?: string }[];
    };

  before(async () => {
    stack = await startClusterStack({ inProcessWorker: false, extensionReplyMs: 3000 });
    acme = await tenant(stack);
    // An install from before the lease type existed.
    await stack.vcd.delete(`/cloudapi/1.0.0/entityTypes/${LEASE_TYPE_ID}`);
    const captured = capturedLogger();
    lines = captured.lines;
    worker = await startWorker(
      {
        ...stack.config,
        bus: { ...stack.config.bus, mqtt: { ...stack.config.bus.mqtt, leaderLeaseMs: 1500 } },
        clusters: { ...stack.config.clusters, workerId: 'lonely' },
      },
      captured.logger,
    );
  });
  after(async () => {
    await stack.admin.clearFaults();
    await worker.stop('test over');
    await stack.close();
  });

  it('without the lease type: not ready, naming the fix, and answering nothing; leads once install registers it', async () => {
    const ready = await readiness();
    assert.equal(ready.status, 'not ready');
    const check = ready.checks.find((candidate) => candidate.name === 'bus leadership (mqtt)');
    assert.equal(check?.ready, false);
    assert.match(
      check?.detail ?? '',
      /urn:vcloud:type:cseoss:k8sworkerlease:1\.0\.0 is not registered in VCD; run cse install/,
    );
    const refused = await acme.user.get('/api/cse/v1/clusters', { accept: 'application/json' });
    assert.equal(refused.status, 504, 'no replica answered');

    await install({ vcd: stack.vcd, transport: 'mqtt' });
    await until('the worker to lead', async () =>
      (await metric(worker.healthUrl, 'cse_bus_mqtt_leader')) === 1 ? true : undefined,
    );
    assert.equal((await readiness()).status, 'ready');
    await answeredList(acme);
  });

  it('a leader that cannot renew stops answering before its lease runs out, and leads again when VCD is back', async () => {
    await stack.admin.setFaults([
      {
        method: 'PUT',
        path: '/cloudapi/1.0.0/entities/*k8sworkerlease*',
        error: { status: 503, minorErrorCode: 'SERVICE_UNAVAILABLE', message: 'VCD is busy' },
      },
    ]);
    // It stops answering when its last renewal is two thirds of a lease old, before another replica could start.
    await until('the leader to step down', async () =>
      (await metric(worker.healthUrl, 'cse_bus_mqtt_leader')) === 0 &&
      lines().some((line) => line.includes('could not renew the lease within 1000 ms'))
        ? true
        : undefined,
    );
    const refused = await acme.user.get('/api/cse/v1/clusters', { accept: 'application/json' });
    assert.equal(refused.status, 504, 'no replica answered');
    // A standby stays ready: VCD being busy is not the worker's fault.
    assert.equal((await readiness()).status, 'ready');

    await stack.admin.clearFaults();
    await until('the worker to lead again', async () =>
      (await metric(worker.healthUrl, 'cse_bus_mqtt_leader')) === 1 ? true : undefined,
    );
    await answeredList(acme);
  });
});
