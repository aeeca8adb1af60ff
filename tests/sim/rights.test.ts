import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdErrorBody, type VcdPage } from '../helpers/vcd.ts';

interface Ref {
  id: string;
  name: string;
}
interface UserJson {
  id: string;
  username: string;
  roleEntityRefs: Ref[];
  orgEntityRef: Ref;
}

describe('rights, roles, users and orgs', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let acmeAdmin: VcdClient;
  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
    acmeAdmin = await VcdClient.login(sim.url, 'acme-admin', 'acme');
  });
  after(() => sim.close());

  it('lists VCD right names with their category and type', async () => {
    const rights = await provider.getAll<{ name: string; rightType: string; category: string }>(
      '/cloudapi/1.0.0/rights',
    );
    const names = rights.map((right) => right.name);
    for (const name of [
      'API Tokens: Manage',
      'vApp: Create / Reconfigure',
      'Organization vDC Gateway: Configure Load Balancer',
    ]) {
      assert.ok(names.includes(name), name);
    }
    const view = rights.find((right) => right.name === 'Organization vDC Gateway: View')!;
    assert.equal(view.rightType, 'VIEW');
    assert.match(view.category, /^urn:vcloud:rightsCategory:/);
  });

  it('shows tenants only the rights their org is entitled to', async () => {
    const providerCount = (await provider.get<VcdPage<Ref>>('/cloudapi/1.0.0/rights')).body.resultTotal;
    const tenant = await acmeAdmin.get<VcdPage<Ref>>('/cloudapi/1.0.0/rights?filter=name==Rights Bundle*');
    assert.equal(tenant.body.resultTotal, 0, 'provider-only rights are hidden from tenants');
    assert.ok((await acmeAdmin.get<VcdPage<Ref>>('/cloudapi/1.0.0/rights')).body.resultTotal < providerCount);
  });

  it('lists the org roles of the org the caller acts in, including published global roles', async () => {
    const roles = await acmeAdmin.getAll<{ name: string; readOnly: boolean }>('/cloudapi/1.0.0/roles');
    const names = roles.map((role) => role.name);
    for (const name of [
      'Organization Administrator',
      'vApp Author',
      'Kubernetes Cluster Author',
      'Kubernetes Cluster Viewer',
    ]) {
      assert.ok(names.includes(name), name);
    }
    assert.ok(!names.includes('System Administrator'));
  });

  it("answers 403 with VCD's body and the missing right when a right is not granted", async () => {
    const author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    const response = await author.get<VcdErrorBody>('/cloudapi/1.0.0/roles');
    assert.equal(response.status, 403);
    assert.equal(response.body.minorErrorCode, 'ACCESS_TO_RESOURCE_IS_FORBIDDEN');
    assert.match(response.body.message, /Role: View/);
  });

  it('hides provider-only collections from tenants as 404', async () => {
    assert.equal((await acmeAdmin.get('/cloudapi/1.0.0/rightsBundles')).status, 404);
    assert.equal((await acmeAdmin.get('/cloudapi/1.0.0/globalRoles')).status, 404);
  });

  it('creates an org role, grants it rights the org is entitled to, and refuses others', async () => {
    const created = await acmeAdmin.post<Ref>('/cloudapi/1.0.0/roles', {
      name: 'Network Viewer',
      description: 'sees gateways',
    });
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^urn:vcloud:role:/);
    const granted = await acmeAdmin.put<{ values: Ref[] }>(
      `/cloudapi/1.0.0/roles/${created.body.id}/rights`,
      {
        values: [{ name: 'Organization vDC Gateway: View' }],
      },
    );
    assert.equal(granted.status, 200);
    assert.deepEqual(
      granted.body.values.map((right) => right.name),
      ['Organization vDC Gateway: View'],
    );
    const refused = await acmeAdmin.put<VcdErrorBody>(`/cloudapi/1.0.0/roles/${created.body.id}/rights`, {
      values: [{ name: 'Rights Bundle: Edit' }],
    });
    assert.equal(refused.status, 400);
    const duplicate = await acmeAdmin.post<VcdErrorBody>('/cloudapi/1.0.0/roles', { name: 'network viewer' });
    assert.equal(duplicate.status, 400);
    assert.equal(duplicate.body.minorErrorCode, 'DUPLICATE_NAME');
  });

  it('assigns a role to a user through roleEntityRefs; the user then has exactly those rights', async () => {
    const role = await acmeAdmin.post<Ref>('/cloudapi/1.0.0/roles', { name: 'Token Maker' });
    await acmeAdmin.put(`/cloudapi/1.0.0/roles/${role.body.id}/rights`, {
      values: [{ name: 'API Tokens: Manage' }],
    });
    const users = await acmeAdmin.getAll<UserJson>('/cloudapi/1.0.0/users');
    const viewer = users.find((user) => user.username === 'acme-viewer')!;
    const viewerClient = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
    assert.equal((await viewerClient.post('/oauth/tenant/acme/register', { client_name: 't' })).status, 403);
    const updated = await acmeAdmin.put<UserJson>(`/cloudapi/1.0.0/users/${viewer.id}`, {
      ...viewer,
      roleEntityRefs: [{ id: role.body.id }],
    });
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual(
      updated.body.roleEntityRefs.map((ref) => ref.name),
      ['Token Maker'],
    );
    assert.equal((await viewerClient.post('/oauth/tenant/acme/register', { client_name: 't' })).status, 200);
    assert.equal((await viewerClient.get('/cloudapi/1.0.0/orgs')).status, 200);
  });

  it("refuses to assign another org's role", async () => {
    const globexAdmin = await VcdClient.login(sim.url, 'globex-admin', 'globex');
    const globexRoles = await globexAdmin.getAll<Ref>('/cloudapi/1.0.0/roles');
    const users = await acmeAdmin.getAll<UserJson>('/cloudapi/1.0.0/users');
    const author = users.find((user) => user.username === 'acme-author')!;
    const response = await acmeAdmin.put(`/cloudapi/1.0.0/users/${author.id}`, {
      ...author,
      roleEntityRefs: [{ id: globexRoles[0]!.id }],
    });
    assert.equal(response.status, 400);
  });

  it("lists only the acting org's users and answers 404 for another org's user", async () => {
    const acmeUsers = await acmeAdmin.getAll<UserJson>('/cloudapi/1.0.0/users');
    assert.ok(acmeUsers.every((user) => user.orgEntityRef.name === 'acme'));
    const globexAdmin = await VcdClient.login(sim.url, 'globex-admin', 'globex');
    const response = await globexAdmin.get<VcdErrorBody>(`/cloudapi/1.0.0/users/${acmeUsers[0]!.id}`);
    assert.equal(response.status, 404);
    assert.equal(response.body.minorErrorCode, 'RESOURCE_NOT_FOUND');
  });

  it('shows a provider every org and a tenant only its own (others 404)', async () => {
    const all = await provider.getAll<Ref>('/cloudapi/1.0.0/orgs');
    assert.deepEqual(all.map((org) => org.name).sort(), ['System', 'acme', 'globex']);
    const globex = all.find((org) => org.name === 'globex')!;
    const own = await acmeAdmin.getAll<Ref>('/cloudapi/1.0.0/orgs');
    assert.deepEqual(
      own.map((org) => org.name),
      ['acme'],
    );
    assert.equal((await acmeAdmin.get(`/cloudapi/1.0.0/orgs/${globex.id}`)).status, 404);
    assert.equal((await provider.get(`/cloudapi/1.0.0/orgs/${globex.id}`)).status, 200);
  });

  it('lets a user read itself without the user-view right', async () => {
    const author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    const session = await author.get<{ user: Ref }>('/cloudapi/1.0.0/sessions/current');
    assert.equal((await author.get(`/cloudapi/1.0.0/users/${session.body.user.id}`)).status, 200);
    assert.equal((await author.get('/cloudapi/1.0.0/users')).status, 403);
  });
});
