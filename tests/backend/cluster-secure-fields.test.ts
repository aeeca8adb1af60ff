import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLUSTER_TYPE_ID } from '../../behaviours/index.ts';
import { ClusterStore } from '../../backend/clusters/store.ts';
import type { ClusterEntity, ClusterSecrets } from '../../backend/clusters/spec.ts';
import { install } from '../../backend/provider/install.ts';
import { VcdClient } from '../../backend/vcd/client.ts';
import { getFullContents } from '../../backend/vcd/rde-writes.ts';
import { settle } from '../../backend/vcd/tasks.ts';
import { startProviderStack, type ProviderStack } from './install-stack.ts';
import { clusterRequest, createCluster, tenantStackHooks, waitForPhase } from './cluster-fixtures.ts';

const v38 = { accept: 'application/json;version=38.1' };

/**
 * From API 38.0 VCD deletes a secure field that a PUT leaves out (SL rde-access-control.md), and the worker speaks
 * 38.1: every status write must carry the secure `private` section back as VCD served it.
 */
describe('a cluster keeps its secure section through the worker status writes at API 38.1', () => {
  const suite = tenantStackHooks();
  let id: string;

  const fullContents = async () => {
    const response = await suite.acme.user.get<{ entity: ClusterEntity }>(
      `/cloudapi/1.0.0/entities/${id}/fullContents`,
      v38,
    );
    assert.equal(response.status, 200, response.text);
    return response.body.entity;
  };

  it("the worker's VCD client negotiates API 38.1 with the simulator", async () => {
    assert.equal(await suite.stack.vcd.apiVersion(), '38.1');
  });

  it('still holds the API token and the bootstrap secret after the first status writes', async () => {
    const response = await createCluster(suite.acme, clusterRequest(suite.acme, 'sealed'));
    assert.equal(response.status, 202, response.text);
    id = response.body.id;
    const provisioning = await waitForPhase(suite.stack, id, ['Provisioning', 'Ready', 'Failed']);
    assert.notEqual(provisioning?.phase, 'Failed');
    const secrets = (await fullContents()).private as ClusterSecrets;
    assert.equal(secrets.apiToken, suite.acme.apiToken);
    assert.match(secrets.bootstrapSecret ?? '', /^[A-Za-z0-9_-]{20,}$/);
  });

  it('holds the API token, the bootstrap secret and the kubeconfig once Ready', async () => {
    const ready = (await waitForPhase(suite.stack, id, ['Ready', 'Failed']))!;
    assert.equal(ready.phase, 'Ready', JSON.stringify(ready.status.events, null, 1));
    // The bootstrap VM's reports (the last one carries the kubeconfig) went through store.mutate, and each create
    // step (resources, endpoints, node pools) through a reconciler checkpoint: many status writes.
    assert.equal(ready.status.bootstrap?.phase, 'done');
    assert.ok(ready.status.endpoints && ready.status.nodePools, 'the create steps wrote their status');
    const secrets = (await fullContents()).private as ClusterSecrets;
    assert.equal(secrets.apiToken, suite.acme.apiToken);
    assert.match(secrets.bootstrapSecret ?? '', /^[A-Za-z0-9_-]{20,}$/);
    assert.match(secrets.kubeconfig ?? '', /kind: Config/);
  });

  it('shows the secure section masked, never in clear, to a GET at 38.1', async () => {
    const read = await suite.acme.user.get<{ entity: ClusterEntity }>(`/cloudapi/1.0.0/entities/${id}`, v38);
    assert.equal(read.body.entity.private, '******');
    const secrets = (await fullContents()).private as ClusterSecrets;
    assert.equal(read.text.includes(secrets.apiToken!), false);
    assert.equal(read.text.includes(secrets.bootstrapSecret!), false);
  });

  it('keeps the secure section through later writes (an event recorded on the Ready cluster)', async () => {
    const before0 = (await fullContents()).private as ClusterSecrets;
    const response = await suite.acme.user.get<unknown>(`/api/cse/v1/clusters/${id}/kubeconfig`, {
      accept: 'application/json',
    });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual((await fullContents()).private, before0);
  });
});

describe('the cluster store keeps the secure section at API 38.1 and 37.2 (mutate, cached and fresh reads)', () => {
  let stack: ProviderStack;
  let serviceToken: string;
  before(async () => {
    stack = await startProviderStack();
    const { settings } = await install({ vcd: stack.vcd, transport: 'mqtt' });
    serviceToken = settings.vcd.apiToken!;
  });
  after(() => stack.close());

  for (const apiVersion of ['38.1', '37.2']) {
    it(`at ${apiVersion}: three mutations and a direct write leave every secret in place`, async () => {
      const secrets = { apiToken: `token-${apiVersion}`, bootstrapSecret: `bootstrap-${apiVersion}` };
      // Created by the worker's account without hooks (no worker runs here): it holds explicit Full Control.
      const vcd = new VcdClient({ url: stack.sim.url, org: 'System', apiToken: serviceToken, apiVersion });
      const created = await vcd.post(
        `/cloudapi/1.0.0/entityTypes/${CLUSTER_TYPE_ID}`,
        {
          name: `sealed-${apiVersion.replace('.', '-')}`,
          entity: { spec: { name: 'sealed' }, private: secrets },
        },
        { query: { invokeHooks: false } },
      );
      const id = (await settle(vcd, created)).task!.owner!.id;
      const store = new ClusterStore(vcd);
      const stored = (await store.read(id))!;
      assert.equal(stored.rde.entity.private, apiVersion === '38.1' ? '******' : undefined);
      for (const reason of ['first', 'second', 'third']) {
        await store.mutate(id, (rde) => {
          (rde.entity.status ??= {}).message = reason;
          return true;
        });
      }
      // A write that sets the section (as the bootstrap report does with the kubeconfig), then one more mutation.
      await store.mutate(id, (rde) => {
        rde.entity.private = { ...secrets, kubeconfig: 'kind: Config' };
        return true;
      });
      await store.mutate(id, (rde) => {
        (rde.entity.status ??= {}).message = 'after';
        return true;
      });
      const fresh = (await store.read(id))!;
      assert.doesNotMatch(
        JSON.stringify(fresh),
        /token-|bootstrap-|kind: Config/,
        'no secret in a read copy',
      );
      await store.write(fresh);
      const contents = await getFullContents<ClusterEntity>(vcd, id);
      assert.equal(contents.entity.status?.message, 'after');
      assert.deepEqual(contents.entity.private, { ...secrets, kubeconfig: 'kind: Config' });
    });
  }
});
