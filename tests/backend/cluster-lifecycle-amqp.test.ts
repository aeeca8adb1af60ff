/**
 * The whole cluster lifecycle with the worker on the real RabbitMQ, registered as a legacy AMQP API extension (as
 * `cse install --transport amqp` does). VCD runs RDE behaviours only over MQTT, so here the cluster type has no
 * hooks: the reconciler is woken by the API calls, the bootstrap VM's reports (which reach the worker over AMQP too)
 * and its resync. Each stack declares its own exchange and queue and removes them afterwards.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CLUSTER_TYPE_ID } from '../../behaviours/index.ts';
import {
  clusterRequest,
  createCluster,
  infrastructure,
  readCluster,
  removeAmqpObjects,
  sleep,
  startClusterStack,
  tenant,
  waitForPhase,
  type ClusterStack,
  type Tenant,
} from './cluster-fixtures.ts';

const run = promisify(execFile);
const json = { accept: 'application/json' };

describe('cluster lifecycle with the worker on RabbitMQ (AMQP extension, no RDE hooks)', () => {
  let stack: ClusterStack;
  let acme: Tenant;
  let world0: Record<string, unknown>;
  let id: string;

  async function restartWorker(): Promise<void> {
    await stack.worker!.stop('restart');
    await stack.startWorker();
    assert.equal(stack.worker?.transport?.status().ready, true);
  }

  before(async () => {
    stack = await startClusterStack({ transport: 'amqp' });
    acme = await tenant(stack);
    world0 = infrastructure(await stack.admin.state());
  });
  after(async () => {
    await stack.close();
    await removeAmqpObjects(stack.config);
  });

  it('is served over AMQP, and the cluster type was registered without hooks', async () => {
    const about = await acme.user.get<{ transports: string[] }>('/api/cse/v1/about', json);
    assert.equal(about.status, 200, about.text);
    assert.deepEqual(about.body.transports, ['amqp']);
    assert.equal(stack.worker?.transport?.status().transport, 'amqp');
    const type = await stack.vcd.get<{ hooks?: Record<string, string> }>(
      `/cloudapi/1.0.0/entityTypes/${CLUSTER_TYPE_ID}`,
    );
    assert.deepEqual(type.body.hooks ?? {}, {});
  });

  it('accepts the create through /api/cse/v1/clusters with 202, the id and a Location', async () => {
    const response = await createCluster(acme, clusterRequest(acme, 'amqp-demo'));
    assert.equal(response.status, 202, response.text);
    id = response.body.id;
    assert.match(id, /^urn:vcloud:entity:cseoss:k8scluster:/);
    assert.equal(response.headers.get('location'), `/api/cse/v1/clusters/${id}`);
  });

  it('survives a worker restart mid-create: the new worker reads the secure section through fullContents', async () => {
    // Wait for the first bootstrap report, so the restart falls in the middle of the create.
    for (let i = 0; i < 1200; i++) {
      const cluster = await readCluster(stack, id);
      if (cluster?.status.bootstrap?.phase || cluster?.phase === 'Ready' || cluster?.phase === 'Failed')
        break;
      await sleep(25);
    }
    const during = await readCluster(stack, id);
    assert.equal(during?.phase, 'Provisioning', JSON.stringify(during?.status ?? null));
    await restartWorker();
  });

  it('reaches Ready with endpoints and node pools, the bootstrap VM gone', async () => {
    const cluster = (await waitForPhase(stack, id, ['Ready', 'Failed']))!;
    assert.equal(cluster.phase, 'Ready', JSON.stringify(cluster.status.events, null, 1));
    assert.equal(cluster.status.endpoints?.controlPlane?.port, 6443);
    assert.deepEqual(cluster.status.endpoints?.ingress?.ports, [80, 443]);
    assert.deepEqual(
      cluster.status.nodePools?.map((pool) => [pool.name, pool.ready, pool.desired]),
      [
        ['control-plane', 1, 1],
        ['workers', 2, 2],
      ],
    );
    const world = infrastructure(await stack.admin.state()) as { vApps: string[] };
    assert.ok(!world.vApps.some((name) => name.startsWith('cse-bootstrap-')), 'the bootstrap VM is gone');
    const detail = await acme.user.get<{ id: string; status: { phase: string } }>(
      `/api/cse/v1/clusters/${id}`,
      json,
    );
    assert.equal(detail.status, 200, detail.text);
    assert.equal(detail.body.status.phase, 'Ready');
    assert.doesNotMatch(detail.text, /kubeconfig|apiToken|bootstrapSecret/);
  });

  it('hands out a kubeconfig that kubectl uses to list the nodes', async () => {
    const response = await acme.user.get<{ kubeconfig: string }>(
      `/api/cse/v1/clusters/${id}/kubeconfig`,
      json,
    );
    assert.equal(response.status, 200, response.text);
    const dir = await mkdtemp(join(tmpdir(), 'cse-amqp-kubeconfig-'));
    try {
      const file = join(dir, 'kubeconfig');
      await writeFile(file, response.body.kubeconfig, { mode: 0o600 });
      const { stdout } = await run('kubectl', ['--kubeconfig', file, 'get', 'nodes', '-o', 'name'], {
        timeout: 20_000,
      });
      assert.equal(stdout.trim().split('\n').length, 3, stdout);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lists the events, oldest first, with the download recorded', async () => {
    const events = await acme.user.get<{
      resultTotal: number;
      values: Array<{ reason: string; time: string }>;
    }>(`/api/cse/v1/clusters/${id}/events`, json);
    assert.equal(events.status, 200, events.text);
    const reasons = events.body.values.map((event) => event.reason);
    assert.equal(events.body.resultTotal, reasons.length);
    assert.ok(reasons.includes('ClusterReady'), reasons.join(', '));
    assert.ok(
      reasons.indexOf('ClusterReady') < reasons.lastIndexOf('KubeconfigDownloaded'),
      reasons.join(', '),
    );
    const times = events.body.values.map((event) => event.time);
    assert.deepEqual(times, [...times].sort(), 'oldest first');
  });

  it('after another restart still hands out the kubeconfig (read through fullContents, not a behaviour)', async () => {
    await restartWorker();
    const response = await acme.user.get<{ kubeconfig: string }>(
      `/api/cse/v1/clusters/${id}/kubeconfig`,
      json,
    );
    assert.equal(response.status, 200, response.text);
    assert.match(response.body.kubeconfig, /current-context/);
  });

  it('deletes the cluster and leaves the world as it was before the create', async () => {
    const response = await acme.user.delete(`/api/cse/v1/clusters/${id}`, json);
    assert.equal(response.status, 202, response.text);
    await waitForPhase(stack, id, ['Gone']);
    assert.deepEqual(infrastructure(await stack.admin.state()), world0);
    const gone = await acme.user.get(`/api/cse/v1/clusters/${id}`, json);
    assert.equal(gone.status, 404);
    assert.equal((gone.body as { minorErrorCode: string }).minorErrorCode, 'CLUSTER_NOT_FOUND');
  });
});
