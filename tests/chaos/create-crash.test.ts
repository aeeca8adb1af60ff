import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { createStepNames } from '../../backend/clusters/phases.ts';
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
} from '../backend/cluster-fixtures.ts';
import { spawnCse } from '../helpers/processes.ts';

interface WorldView {
  slices: {
    loadBalancer: {
      pools: Record<string, { name: string }>;
      virtualServices: Record<string, { name: string }>;
    };
    vApps: { vApps: Record<string, { name: string }> };
  };
  ipSpaceAllocations: Record<string, { value: string; description?: string }>;
}

/**
 * The worker runs as a real `cse worker` process. Whenever the cluster's `status.operation.step` (watched from
 * outside, through VCD) reaches a step not yet crashed in, the worker is SIGKILLed and started again; its lease
 * expires and the new process resumes. The cluster still becomes Ready, with nothing created twice. (A bootstrap
 * report sent while the worker is down waits for VCD's extension reply timeout, 2 s here, before the VM retries.)
 */
describe('a create survives SIGKILL of the worker at every step boundary', () => {
  let stack: ClusterStack;
  let acme: Tenant;
  const workers: Array<ChildProcess & { output: () => string }> = [];
  const crashes: string[] = [];

  const start = (index: number) => {
    workers[index] = spawnCse(['worker'], {
      ...stack.env,
      CSE_CLUSTERS_WORKER_ID: `replica-${index}-${Date.now()}`,
      // The killed worker never releases the MQTT leadership: its successor waits for the lease to run out.
      CSE_BUS_MQTT_LEADER_LEASE_MS: '1500',
    });
  };
  const kill = async (index: number) => {
    const child = workers[index]!;
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  before(async () => {
    stack = await startClusterStack({ inProcessWorker: false, leaseMs: 1500, extensionReplyMs: 2000 });
    acme = await tenant(stack);
    start(0);
  });
  after(async () => {
    for (const index of workers.keys()) await kill(index);
    await stack.close();
  });

  it('reaches Ready after a crash in each step', async () => {
    let created: Awaited<ReturnType<typeof createCluster>> | undefined;
    for (let i = 0; i < 100 && created?.status !== 202; i++) {
      created = await createCluster(acme, clusterRequest(acme, 'chaos'));
      if (created.status !== 202) await sleep(100); // the worker may still be connecting
    }
    assert.equal(created!.status, 202, created!.text);
    const id = created!.body.id;
    const boundaries = new Set<string>(createStepNames);
    // Six restarts, each waiting out a 1.5 s lease, plus the create itself: a busy machine needs far more than an
    // idle one (about 25 s), so the bound is generous; the test waits for Ready, not for the time.
    const deadline = Date.now() + 150_000;
    for (;;) {
      if (Date.now() > deadline) {
        const boot = JSON.stringify((await readCluster(stack, id))?.status);
        assert.fail(
          `not Ready in time; crashed at ${crashes.join(', ')}\n${boot.slice(0, 1500)}\n${workers
            .map((w) => w.output())
            .join('\n')
            .split('\n')
            .filter((l) => !l.includes('"level":30'))
            .join('\n')
            .slice(-3000)}`,
        );
      }
      const cluster = await readCluster(stack, id);
      if (cluster?.phase === 'Ready' || cluster?.phase === 'Failed') break;
      const step = cluster?.status.operation?.step;
      const phase = cluster?.status.bootstrap?.phase;
      const here = step;
      void phase;
      if (here && boundaries.has(here)) {
        boundaries.delete(here);
        crashes.push(here);
        await kill(0);
        start(0);
      }
      await sleep(15);
    }
    const cluster = (await waitForPhase(stack, id, ['Ready', 'Failed']))!;
    assert.equal(cluster.phase, 'Ready', JSON.stringify(cluster.status.events, null, 1));
    assert.ok(crashes.length >= 5, `crashed at ${crashes.join(', ')}`);

    const world = (await stack.admin.state()) as unknown as WorldView;
    const count = (names: string[], name: string) => names.filter((candidate) => candidate === name).length;
    const pools = Object.values(world.slices.loadBalancer.pools).map((pool) => pool.name);
    const services = Object.values(world.slices.loadBalancer.virtualServices).map((vs) => vs.name);
    const uuid = id.split(':').pop()!;
    const expected = [
      `chaos-${id}-tcp`,
      `ingress-pool-envoy-${uuid}-http`,
      `ingress-pool-envoy-${uuid}-https`,
    ];
    for (const name of expected) assert.equal(count(pools, name), 1, `one pool ${name}`);
    assert.equal(pools.length, 3);
    assert.equal(services.length, 3, services.join(', '));
    const claims = Object.values(world.ipSpaceAllocations).filter(
      (allocation) => allocation.description?.includes(uuid) || allocation.description?.includes(id),
    );
    assert.equal(claims.length, 2, 'one VIP per endpoint');
    assert.equal(Object.keys(world.ipSpaceAllocations).length, 2, 'no untagged allocation left behind');
    const vApps = Object.values(world.slices.vApps.vApps).map((vApp) => vApp.name);
    assert.deepEqual(vApps, ['chaos'], 'no leftover bootstrap VM');
  });
});
