import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdPage } from '../helpers/vcd.ts';

interface Ref {
  id: string;
  name: string;
}

describe('rights bundles and global roles published to tenants', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let acme: Ref;
  let globex: Ref;
  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
    const orgs = await provider.getAll<Ref>('/cloudapi/1.0.0/orgs');
    acme = orgs.find((org) => org.name === 'acme')!;
    globex = orgs.find((org) => org.name === 'globex')!;
  });
  after(() => sim.close());

  const roleNames = async (client: VcdClient) =>
    (await client.getAll<Ref>('/cloudapi/1.0.0/roles')).map((role) => role.name);

  it('publishes a global role to one tenant, where it appears as an org role with its rights', async () => {
    const role = await provider.post<Ref & { publishAll: boolean }>('/cloudapi/1.0.0/globalRoles', {
      name: 'Kubernetes Cluster Operator',
      description: 'test role',
    });
    assert.equal(role.status, 201);
    assert.match(role.body.id, /^urn:vcloud:globalRole:/);
    const rights = await provider.put<{ values: Ref[] }>(
      `/cloudapi/1.0.0/globalRoles/${role.body.id}/rights`,
      {
        values: [{ name: 'Organization: View' }, { name: 'vApp: Power Operations' }],
      },
    );
    assert.equal(rights.body.values.length, 2);

    const published = await provider.post<{ values: Ref[] }>(
      `/cloudapi/1.0.0/globalRoles/${role.body.id}/tenants/publish`,
      {
        values: [{ id: acme.id }],
      },
    );
    assert.equal(published.status, 200);
    assert.deepEqual(
      published.body.values.map((org) => org.name),
      ['acme'],
    );

    const acmeAdmin = await VcdClient.login(sim.url, 'acme-admin', 'acme');
    const globexAdmin = await VcdClient.login(sim.url, 'globex-admin', 'globex');
    assert.ok((await roleNames(acmeAdmin)).includes('Kubernetes Cluster Operator'));
    assert.ok(!(await roleNames(globexAdmin)).includes('Kubernetes Cluster Operator'));
    const linked = (await acmeAdmin.getAll<Ref & { readOnly: boolean }>('/cloudapi/1.0.0/roles')).find(
      (candidate) => candidate.name === 'Kubernetes Cluster Operator',
    )!;
    assert.equal(linked.readOnly, true);
    const linkedRights = await acmeAdmin.get<VcdPage<Ref>>(`/cloudapi/1.0.0/roles/${linked.id}/rights`);
    assert.deepEqual(linkedRights.body.values.map((right) => right.name).sort(), [
      'Organization: View',
      'vApp: Power Operations',
    ]);

    const tenants = await provider.get<VcdPage<Ref>>(`/cloudapi/1.0.0/globalRoles/${role.body.id}/tenants`);
    assert.deepEqual(
      tenants.body.values.map((org) => org.name),
      ['acme'],
    );

    await provider.post(`/cloudapi/1.0.0/globalRoles/${role.body.id}/tenants/publishAll`);
    assert.ok((await roleNames(globexAdmin)).includes('Kubernetes Cluster Operator'));

    await provider.post(`/cloudapi/1.0.0/globalRoles/${role.body.id}/tenants/unpublish`, {
      values: [{ id: acme.id }],
    });
    assert.ok(!(await roleNames(acmeAdmin)).includes('Kubernetes Cluster Operator'));
    assert.ok((await roleNames(globexAdmin)).includes('Kubernetes Cluster Operator'));
  });

  it('limits tenant rights to published bundles: unpublishing the only bundle removes the rights', async () => {
    const bundles = await provider.getAll<Ref & { publishAll: boolean }>('/cloudapi/1.0.0/rightsBundles');
    const defaultBundle = bundles.find((bundle) => bundle.name === 'Default Rights Bundle')!;
    assert.equal(defaultBundle.publishAll, true);
    const author = await VcdClient.login(sim.url, 'globex-author', 'globex');
    assert.equal((await author.get('/cloudapi/1.0.0/orgs')).status, 200);

    await provider.post(`/cloudapi/1.0.0/rightsBundles/${defaultBundle.id}/tenants/unpublish`, {
      values: [{ id: globex.id }],
    });
    const denied = await author.post('/oauth/tenant/globex/register', { client_name: 'x' });
    assert.equal(denied.status, 403, 'API Tokens: Manage is no longer entitled to globex');
    const acmeAuthor = await VcdClient.login(sim.url, 'acme-author', 'acme');
    assert.equal((await acmeAuthor.post('/oauth/tenant/acme/register', { client_name: 'x' })).status, 200);

    await provider.post(`/cloudapi/1.0.0/rightsBundles/${defaultBundle.id}/tenants/publish`, {
      values: [{ id: globex.id }],
    });
    assert.equal((await author.post('/oauth/tenant/globex/register', { client_name: 'y' })).status, 200);
  });

  it('creates, renames and deletes a rights bundle with its own rights and tenants', async () => {
    const bundle = await provider.post<Ref>('/cloudapi/1.0.0/rightsBundles', {
      name: 'Kubernetes Clusters Rights Bundle',
    });
    assert.equal(bundle.status, 201);
    await provider.post(`/cloudapi/1.0.0/rightsBundles/${bundle.body.id}/rights`, {
      values: [{ name: 'API Tokens: Manage' }],
    });
    await provider.post(`/cloudapi/1.0.0/rightsBundles/${bundle.body.id}/rights`, {
      values: [{ name: 'Organization: View' }],
    });
    const rights = await provider.get<VcdPage<Ref>>(`/cloudapi/1.0.0/rightsBundles/${bundle.body.id}/rights`);
    assert.equal(rights.body.resultTotal, 2);
    const put = await provider.put<Ref>(`/cloudapi/1.0.0/rightsBundles/${bundle.body.id}`, {
      name: 'K8s bundle',
      description: 'renamed',
    });
    assert.equal(put.body.name, 'K8s bundle');
    const tenants = await provider.put<{ values: Ref[] }>(
      `/cloudapi/1.0.0/rightsBundles/${bundle.body.id}/tenants`,
      {
        values: [{ id: acme.id }, { id: globex.id }],
      },
    );
    assert.equal(tenants.body.values.length, 2);
    assert.equal((await provider.delete(`/cloudapi/1.0.0/rightsBundles/${bundle.body.id}`)).status, 204);
    assert.equal((await provider.get(`/cloudapi/1.0.0/rightsBundles/${bundle.body.id}`)).status, 404);
  });

  it('refuses to change read-only predefined global roles and unknown rights', async () => {
    const roles = await provider.getAll<Ref & { readOnly: boolean }>('/cloudapi/1.0.0/globalRoles');
    const predefined = roles.find((role) => role.name === 'vApp Author')!;
    assert.equal(predefined.readOnly, true);
    assert.equal((await provider.delete(`/cloudapi/1.0.0/globalRoles/${predefined.id}`)).status, 400);
    const custom = await provider.post<Ref>('/cloudapi/1.0.0/globalRoles', { name: 'Custom' });
    const unknown = await provider.put(`/cloudapi/1.0.0/globalRoles/${custom.body.id}/rights`, {
      values: [{ name: 'No Such Right' }],
    });
    assert.equal(unknown.status, 400);
  });
});
