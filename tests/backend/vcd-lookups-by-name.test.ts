/**
 * Lookups by name as the worker makes them, over real HTTP against the simulator, for names a FIQL filter must
 * escape (`( ) ; ,`), spaces, VCD's `*` wildcard and quotes; and the storage policies the create checks read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterRequestError, ClusterService } from '../../backend/clusters/service.ts';
import { ClusterStore } from '../../backend/clusters/store.ts';
import { VcdClient } from '../../backend/vcd/client.ts';
import { findPool, findVirtualService } from '../../backend/vcd/alb.ts';
import { findVAppsByName } from '../../backend/vcd/vapps.ts';
import { findVdcByName, vdcStoragePolicies } from '../../backend/vcd/vdcs.ts';
import { VcdClient as TestClient } from '../helpers/vcd.ts';
import {
  albGateway,
  asyncCall,
  createPool,
  createVApp,
  tenantFixture,
  virtualServiceBody,
  type AlbGatewayFixture,
} from '../sim/support/infra.ts';
import { createClusterEntity, startApiStack, type ApiStack } from './api-fixtures.ts';
import { mintApiToken, startProviderStack, type ProviderStack } from './install-stack.ts';

/** Each name with a decoy that only a mis-escaped or mis-quoted filter would confuse it with. */
const names = ['with spaces', 'paren (a);b,c', 'star*name', 'quote "q"'];
const decoys = ['with', 'paren (a)', 'starXname', 'quote q'];

describe('lookups by name through the worker’s VCD client', () => {
  let stack: ProviderStack;
  let author: TestClient;
  let worker: VcdClient;
  let alb: AlbGatewayFixture;
  const pools = new Map<string, string>();
  const services = new Map<string, string>();
  const vApps = new Map<string, string>();

  before(async () => {
    stack = await startProviderStack();
    author = await TestClient.login(stack.sim.url, 'acme-author', 'acme');
    const apiToken = await mintApiToken(stack.sim.url, 'acme-author', 'acme', 'lookup-test');
    worker = new VcdClient({ url: stack.sim.url, org: 'acme', apiToken, retryBaseMs: 20 });
    alb = await albGateway(author, 'acme-edge-uplink');
    const fixture = await tenantFixture(author, 'acme');
    for (const [index, name] of [...names, ...decoys].entries()) {
      const poolId = await createPool(author, alb, `pool ${name}`);
      pools.set(name, poolId);
      const task = await asyncCall(
        author,
        'POST',
        '/cloudapi/1.0.0/loadBalancer/virtualServices',
        virtualServiceBody(alb, `vs ${name}`, poolId, `198.51.100.${11 + index}`),
      );
      assert.equal(task.status, 'success', JSON.stringify(task.error));
      services.set(name, task.owner.id);
      const { vApp } = await createVApp(author, fixture, { name: `vapp ${name}` });
      vApps.set(name, vApp.id);
    }
  });
  after(() => stack.close());

  it('finds each load balancer pool and virtual service by its exact name', async () => {
    for (const name of [...names, ...decoys]) {
      assert.equal((await findPool(worker, alb.gatewayId, `pool ${name}`))?.id, pools.get(name), name);
      assert.equal(
        (await findVirtualService(worker, alb.gatewayId, `vs ${name}`))?.id,
        services.get(name),
        name,
      );
    }
    assert.equal(await findPool(worker, alb.gatewayId, 'pool paren'), undefined);
  });

  it('finds each vApp by its exact name through the query service', async () => {
    for (const name of [...names, ...decoys]) {
      const found = await findVAppsByName(worker, `vapp ${name}`);
      assert.deepEqual(
        found.map((record) => record.name),
        [`vapp ${name}`],
        name,
      );
    }
  });

  it('reads the VDC’s storage policies from /cloudapi/1.0.0/orgVdcStoragePolicies', async () => {
    const vdc = await findVdcByName(worker, 'acme-vdc');
    assert.ok(vdc);
    const policies = await vdcStoragePolicies(worker, vdc.id);
    assert.deepEqual(
      policies.map((policy) => [policy.name, policy.isDefaultStoragePolicy, policy.orgVdcRef?.id]),
      [['gold-storage-policy', true, vdc.id]],
    );
  });
});

describe('the cluster-name uniqueness check', () => {
  let stack: ApiStack;

  // A worker answers the entity hooks, so that VCD completes the entity's creation.
  before(async () => {
    stack = await startApiStack('mqtt');
  });
  after(() => stack.close());

  it('refuses a name an existing cluster of the org has, and checks the storage profile against VCD', async () => {
    const author = await TestClient.login(stack.sim.url, 'acme-author', 'acme');
    await createClusterEntity(author, 'taken', 'Ready', 'acme');
    const acme = (
      await stack.vcd.get<{ values: { id: string; name: string }[] }>('/cloudapi/1.0.0/orgs')
    ).body.values.find((org) => org.name === 'acme')!;
    const service = new ClusterService({
      store: new ClusterStore(stack.vcd),
      vcd: stack.vcd,
      secrets: { read: () => Promise.reject(new Error('unused')), remember: () => {}, forget: () => {} },
      wake: () => {},
    });
    const caller = { userId: 'u', orgId: acme.id, isProvider: false, vcd: stack.vcd.withTenant(acme.id) };
    const templates = await author.get<{ record: Array<{ name: string }> }>(
      '/api/query?type=vAppTemplate&format=records&pageSize=128',
    );
    const body = (name: string, storageProfile: string) => ({
      name,
      orgVdc: 'acme-vdc',
      network: 'acme-k8s-net',
      template: templates.body.record.find((record) => record.name.includes('-kube-v1.28'))!.name,
      controlPlane: { count: 1, diskGiB: 20, sizingPolicy: 'TKG small', storageProfile },
      workerPools: [{ name: 'workers', count: 2, diskGiB: 20, sizingPolicy: 'TKG small' }],
      apiToken: 'not-checked-here',
    });
    const refusal = async (request: unknown) => {
      try {
        await service.create(caller, request);
        return [];
      } catch (error) {
        if (!(error instanceof ClusterRequestError) || error.problem.kind !== 'invalid') throw error;
        return error.problem.errors.map((problem) => problem.rule);
      }
    };
    assert.deepEqual(await refusal(body('taken', 'gold-storage-policy')), ['name-taken']);
    assert.deepEqual(await refusal(body('taken', 'platinum')), ['name-taken', 'storage-profile-available']);
  });
});
