import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VcdClient as TestClient } from '../helpers/vcd.ts';
import {
  cseGet,
  createClusterEntity,
  startApiStack,
  type ApiStack,
  type SeededCluster,
} from './api-fixtures.ts';

interface Page {
  resultTotal: number;
  pageCount: number;
  page: number;
  pageSize: number;
  values: { id: string; name: string; org: { name: string }; phase: string; vdc: string }[];
}

for (const transport of ['amqp', 'mqtt'] as const) {
  describe(`GET /api/cse/v1 through the simulator over ${transport.toUpperCase()}`, () => {
    let stack: ApiStack;
    let acme: TestClient;
    let viewer: TestClient;
    let clusters: SeededCluster[];
    let foreign: SeededCluster;

    before(async () => {
      stack = await startApiStack(transport);
      acme = await TestClient.login(stack.sim.url, 'acme-author', 'acme');
      viewer = await TestClient.login(stack.sim.url, 'acme-viewer', 'acme');
      const globex = await TestClient.login(stack.sim.url, 'globex-author', 'globex');
      clusters = [
        await createClusterEntity(acme, 'web-prod', 'Ready', 'acme'),
        await createClusterEntity(acme, 'web-test', 'Pending', 'acme'),
        await createClusterEntity(acme, 'batch', 'Failed', 'acme'),
      ];
      foreign = await createClusterEntity(globex, 'globex-secret', 'Ready', 'globex');
    });
    after(() => stack.close());

    it('about names the service, its transport and the VCD API version in use', async () => {
      const about = await cseGet<Record<string, unknown>>(acme, '/about');
      assert.equal(about.status, 200);
      assert.equal(about.body['name'], 'cse');
      assert.deepEqual(about.body['transports'], [transport]);
      assert.match(String(about.body['vcdApiVersion']), /^3[6-8]\.\d$/);
    });

    it("lists the caller's org clusters as summaries, paged, filtered and sorted", async () => {
      const all = await cseGet<Page>(acme, '/clusters');
      assert.equal(all.status, 200);
      assert.deepEqual(
        all.body.values.map((c) => c.name),
        ['batch', 'web-prod', 'web-test'],
      );
      assert.ok(all.body.values.every((c) => c.org.name === 'acme' && c.vdc === 'acme-vdc'));
      const prod = all.body.values.find((c) => c.name === 'web-prod')!;
      assert.deepEqual(
        { ...prod, id: undefined, createdAt: undefined, owner: undefined, org: undefined },
        {
          id: undefined,
          name: 'web-prod',
          org: undefined,
          owner: undefined,
          vdc: 'acme-vdc',
          phase: 'Ready',
          kubernetesVersion: 'v1.28.11+vmware.2',
          tkgVersion: 'v2.5.2',
          controlPlaneEndpoint: 'https://203.0.113.20:6443',
          ingressEndpoint: null,
          nodePools: { ready: 3, desired: 3 },
          createdAt: undefined,
        },
      );

      const web = await cseGet<Page>(acme, '/clusters?name=web-*&sort=-name');
      assert.deepEqual(
        web.body.values.map((c) => c.name),
        ['web-test', 'web-prod'],
      );
      const ready = await cseGet<Page>(acme, '/clusters?phase=Ready');
      assert.deepEqual(
        ready.body.values.map((c) => c.name),
        ['web-prod'],
      );
      const otherVdc = await cseGet<Page>(acme, '/clusters?vdc=globex-vdc');
      assert.equal(otherVdc.body.resultTotal, 0);
      const second = await cseGet<Page>(acme, '/clusters?page=2&pageSize=2');
      assert.deepEqual(
        {
          total: second.body.resultTotal,
          pages: second.body.pageCount,
          names: second.body.values.map((c) => c.name),
        },
        { total: 3, pages: 2, names: ['web-test'] },
      );
      const viewerList = await cseGet<Page>(viewer, '/clusters');
      assert.equal(viewerList.body.resultTotal, 3, 'a viewer sees the org clusters too');
    });

    it('shows one cluster with spec and status, never its secrets', async () => {
      const response = await cseGet<Record<string, unknown>>(acme, `/clusters/${clusters[0]!.id}`);
      assert.equal(response.status, 200);
      assert.equal(response.body['name'], 'web-prod');
      assert.equal((response.body['spec'] as { orgVdc: string }).orgVdc, 'acme-vdc');
      assert.equal((response.body['status'] as { phase: string }).phase, 'Ready');
      assert.doesNotMatch(response.text, /kubeconfig-of|token-of|"private"/);
    });

    it("answers another org's cluster as not found, with none of its data", async () => {
      const response = await cseGet(acme, `/clusters/${foreign.id}`);
      assert.equal(response.status, 404);
      assert.deepEqual(response.body, {
        minorErrorCode: 'CLUSTER_NOT_FOUND',
        message: `Cluster ${foreign.id} does not exist`,
      });
      const list = await cseGet(acme, '/clusters?name=globex-*');
      assert.doesNotMatch(list.text, /globex-secret/);
    });

    it('lists the Kubernetes templates the org can see, with versions from the VERSION property', async () => {
      const response = await cseGet<{ values: Record<string, unknown>[] }>(acme, '/templates');
      assert.equal(response.status, 200);
      assert.deepEqual(
        response.body.values.map((t) => `${t['kubernetesVersion']} ${t['tkgVersion']}`).sort(),
        [
          'v1.26.8+vmware.1 v2.3.1',
          'v1.27.15+vmware.1 v2.5.2',
          'v1.28.11+vmware.2 v2.5.2',
          'v1.29.6+vmware.1 v2.5.2',
          'v1.30.2+vmware.1 v2.5.2',
        ],
      );
      assert.ok(response.body.values.every((t) => (t['os'] as { name: string }).name === 'ubuntu'));
    });

    it('refuses a caller without our right with a 403 naming the right', async () => {
      const orgAdmin = await TestClient.login(stack.sim.url, 'acme-admin', 'acme');
      const response = await cseGet(orgAdmin, '/clusters');
      assert.equal(response.status, 403);
      assert.deepEqual(response.body, {
        minorErrorCode: 'ACCESS_TO_RESOURCE_IS_FORBIDDEN',
        message: 'This operation needs the right "{cse}:Kubernetes Cluster: View"',
      });
    });

    it('gives a provider every org, and the org filter', async () => {
      const admin = await TestClient.provider(stack.sim.url);
      const all = await cseGet<Page>(admin, '/clusters');
      assert.equal(all.body.resultTotal, 4);
      const globexOnly = await cseGet<Page>(admin, '/clusters?org=globex');
      assert.deepEqual(
        globexOnly.body.values.map((c) => c.name),
        ['globex-secret'],
      );
      const tenantTries = await cseGet(acme, '/clusters?org=globex');
      assert.equal(tenantTries.status, 400);
    });
  });
}
