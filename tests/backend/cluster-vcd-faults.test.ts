import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  clusterRequest,
  createCluster,
  infrastructure,
  readCluster,
  sleep,
  startClusterStack,
  tenant,
  waitForPhase,
  type ClusterStack,
  type Tenant,
} from './cluster-fixtures.ts';

describe('VCD refusing mid-create, and force delete, leave nothing behind', () => {
  let stack: ClusterStack;
  let acme: Tenant;
  let world0: Record<string, unknown>;

  before(async () => {
    // Speed 1000, as in cluster-bootstrap-faults.ts: simulated latencies stop dominating the wall time.
    stack = await startClusterStack({ speed: 1000 });
    acme = await tenant(stack);
    world0 = infrastructure(await stack.admin.state());
  });
  after(() => stack.close());

  async function failsWith(name: string, faults: object[], reason: string, message: RegExp): Promise<string> {
    await stack.admin.setFaults(faults);
    const created = await createCluster(acme, clusterRequest(acme, name));
    assert.equal(created.status, 202, created.text);
    const cluster = (await waitForPhase(stack, created.body.id, ['Failed', 'Ready']))!;
    await stack.admin.clearFaults();
    assert.equal(cluster.phase, 'Failed');
    const event = cluster.status.events?.find((e) => e.reason === reason);
    assert.ok(event, JSON.stringify(cluster.status.events));
    assert.match(event.message, message);
    assert.deepEqual(infrastructure(await stack.admin.state()), world0, 'nothing leaked');
    return created.body.id;
  }

  it('fails with a clear event when the IP space refuses the allocation (quota exhausted)', async () => {
    const id = await failsWith(
      'quota',
      [{ method: 'POST', path: '/cloudapi/1.0.0/ipSpaces/*/allocate', quotaExhausted: true }],
      'IpQuotaExhausted',
      /No IP space usable on edge gateway "acme-edge-ipspace" could allocate the control-plane-endpoint address.*larger IP quota/,
    );
    const retry = await acme.user.post(`/api/cse/v1/clusters/${id}/retry`, undefined, {
      accept: 'application/json',
    });
    assert.equal(retry.status, 202);
    assert.equal((await waitForPhase(stack, id, ['Ready', 'Failed']))!.phase, 'Ready');
    await acme.user.delete(`/api/cse/v1/clusters/${id}`, { accept: 'application/json' });
    await waitForPhase(stack, id, ['Gone']);
    assert.deepEqual(infrastructure(await stack.admin.state()), world0);
  });

  it('fails with a clear event when the load balancer refuses the virtual service', async () => {
    const id = await failsWith(
      'albno',
      [
        {
          method: 'POST',
          path: '/cloudapi/1.0.0/loadBalancer/virtualServices',
          error: {
            status: 400,
            minorErrorCode: 'BAD_REQUEST',
            message: 'The service engine group is out of resources',
          },
        },
      ],
      'LoadBalancerRefused',
      /refused virtual service .*-tcp on [\d.]+:6443: The service engine group is out of resources/,
    );
    await acme.user.delete(`/api/cse/v1/clusters/${id}`, { accept: 'application/json' });
    await waitForPhase(stack, id, ['Gone']);
  });

  it('refuses a plain delete mid-create, and force-deletes a cluster stuck in its bootstrap', async () => {
    // The VM never gets past kind-ready (the helper's limit is far away): the cluster is stuck mid-create.
    await stack.admin.setFaults([{ operationClass: 'bootstrap:kind-ready', delayMs: 3_600_000 }]);
    const created = await createCluster(acme, clusterRequest(acme, 'stuck'));
    const id = created.body.id;
    for (let i = 0; i < 400; i++) {
      const cluster = await readCluster(stack, id);
      if (cluster?.status.bootstrap?.phase === 'tools-installed') break;
      await sleep(25);
    }
    const plain = await acme.user.delete(`/api/cse/v1/clusters/${id}`, { accept: 'application/json' });
    assert.equal(plain.status, 409);
    assert.match((plain.body as { message: string }).message, /\?force=true/);
    const forced = await acme.user.delete(`/api/cse/v1/clusters/${id}?force=true`, {
      accept: 'application/json',
    });
    assert.equal(forced.status, 202, forced.text);
    await waitForPhase(stack, id, ['Gone']);
    await stack.admin.clearFaults();
    assert.deepEqual(infrastructure(await stack.admin.state()), world0);
  });
});
