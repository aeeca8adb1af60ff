import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClusterEntity, ClusterSecrets } from '../../backend/clusters/spec.ts';
import {
  clusterRequest,
  createCluster,
  startClusterStack,
  waitForPhase,
  tenant,
  type ClusterStack,
  type Tenant,
} from './cluster-fixtures.ts';

const v38 = { accept: 'application/json;version=38.1' };

/**
 * From API 38.0 VCD deletes a secure field that a PUT leaves out (SL rde-access-control.md), and the worker speaks
 * 38.1: every status write must carry the secure `private` section back as VCD served it.
 */
describe('a cluster keeps its secure section through the worker status writes at API 38.1', () => {
  let stack: ClusterStack;
  let acme: Tenant;
  let id: string;

  before(async () => {
    stack = await startClusterStack();
    acme = await tenant(stack);
  });
  after(() => stack.close());

  const fullContents = async () => {
    const response = await acme.user.get<{ entity: ClusterEntity }>(
      `/cloudapi/1.0.0/entities/${id}/fullContents`,
      v38,
    );
    assert.equal(response.status, 200, response.text);
    return response.body.entity;
  };

  it("the worker's VCD client negotiates API 38.1 with the simulator", async () => {
    assert.equal(await stack.vcd.apiVersion(), '38.1');
  });

  it('still holds the API token and the bootstrap secret after the first status writes', async () => {
    const response = await createCluster(acme, clusterRequest(acme, 'sealed'));
    assert.equal(response.status, 202, response.text);
    id = response.body.id;
    const provisioning = await waitForPhase(stack, id, ['Provisioning', 'Ready', 'Failed']);
    assert.notEqual(provisioning?.phase, 'Failed');
    const secrets = (await fullContents()).private as ClusterSecrets;
    assert.equal(secrets.apiToken, acme.apiToken);
    assert.match(secrets.bootstrapSecret ?? '', /^[A-Za-z0-9_-]{20,}$/);
  });

  it('holds the API token, the bootstrap secret and the kubeconfig once Ready', async () => {
    const ready = (await waitForPhase(stack, id, ['Ready', 'Failed']))!;
    assert.equal(ready.phase, 'Ready', JSON.stringify(ready.status.events, null, 1));
    // The bootstrap VM's reports (the last one carries the kubeconfig) went through store.mutate, and each create
    // step (resources, endpoints, node pools) through a reconciler checkpoint: many status writes.
    assert.equal(ready.status.bootstrap?.phase, 'done');
    assert.ok(ready.status.endpoints && ready.status.nodePools, 'the create steps wrote their status');
    const secrets = (await fullContents()).private as ClusterSecrets;
    assert.equal(secrets.apiToken, acme.apiToken);
    assert.match(secrets.bootstrapSecret ?? '', /^[A-Za-z0-9_-]{20,}$/);
    assert.match(secrets.kubeconfig ?? '', /kind: Config/);
  });

  it('shows the secure section masked, never in clear, to a GET at 38.1', async () => {
    const read = await acme.user.get<{ entity: ClusterEntity }>(`/cloudapi/1.0.0/entities/${id}`, v38);
    assert.equal(read.body.entity.private, '******');
    const secrets = (await fullContents()).private as ClusterSecrets;
    assert.equal(read.text.includes(secrets.apiToken!), false);
    assert.equal(read.text.includes(secrets.bootstrapSecret!), false);
  });

  it('keeps the secure section through later writes (an event recorded on the Ready cluster)', async () => {
    const before0 = (await fullContents()).private as ClusterSecrets;
    const response = await acme.user.get<unknown>(`/api/cse/v1/clusters/${id}/kubeconfig`, {
      accept: 'application/json',
    });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual((await fullContents()).private, before0);
  });
});
