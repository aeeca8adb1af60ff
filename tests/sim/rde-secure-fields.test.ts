import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { orgIdByName, SimAdmin, startTestSimulator, VcdClient, type VcdErrorBody } from '../helpers/vcd.ts';
import {
  addRightsToRole,
  cloudapi,
  createEntity,
  defineTestType,
  publishTypeBundle,
  userIdOf,
  type EntityJson,
  type TestType,
} from './rde-fixtures.ts';

describe('RDE restricted fields: protected, private and secure (x-vcloud-restricted)', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let author: VcdClient;
  let editor: VcdClient;
  let type: TestType;
  let entityId: string;
  before(async () => {
    sim = await startTestSimulator();
    const admin = new SimAdmin(sim.url);
    provider = await VcdClient.provider(sim.url);
    type = await defineTestType(provider, { nss: 'vault' });
    await publishTypeBundle(provider, type);
    const acme = orgIdByName(await admin.state(), 'acme');
    await addRightsToRole(provider, acme, 'Kubernetes Cluster Author', [type.rights.fullControl]);
    await addRightsToRole(provider, acme, 'Kubernetes Cluster Viewer', [type.rights.modify]);
    author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    editor = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
    const created = await createEntity(
      author,
      type.typeId,
      {
        name: 'vaulted',
        entity: {
          spec: { name: 'vaulted' },
          status: { phase: 'Pending' },
          private: { token: 'refresh-token-123' },
          notes: { secret: 'kubeconfig-abc' },
        },
      },
      '?resolveEntity=true',
    );
    entityId = created.id;
    await author.post(`${cloudapi}/entities/${entityId}/accessControls`, {
      grantType: 'MembershipAccessControlGrant',
      accessLevelId: 'urn:vcloud:accessLevel:ReadWrite',
      memberId: await userIdOf(admin, 'acme-viewer'),
    });
  });
  after(() => sim.close());

  const fullContents = async () =>
    (await author.get<EntityJson>(`${cloudapi}/entities/${entityId}/fullContents`)).body.entity;

  it('omits secure fields from GET before API 38.0, even for the owner and the provider', async () => {
    const read = await author.get<EntityJson>(`${cloudapi}/entities/${entityId}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.entity, {
      spec: { name: 'vaulted' },
      status: { phase: 'Pending' },
      notes: {},
    });
    const asProvider = await provider.get<EntityJson>(`${cloudapi}/entities/${entityId}`);
    assert.equal(asProvider.body.entity['private'], undefined);
    assert.doesNotMatch(asProvider.text, /refresh-token-123|kubeconfig-abc/);
  });

  it('masks secure fields as ****** from API 38.0', async () => {
    const read = await author.get<EntityJson>(`${cloudapi}/entities/${entityId}`, {
      accept: 'application/json;version=38.0',
    });
    assert.equal(read.body.entity['private'], '******');
    assert.deepEqual(read.body.entity['notes'], { secret: '******' });
  });

  it('hides private fields from callers without Full Control, also in lists', async () => {
    const read = await editor.get<EntityJson>(`${cloudapi}/entities/${entityId}`, {
      accept: 'application/json;version=38.0',
    });
    assert.equal(read.status, 200);
    assert.equal(read.body.entity['private'], undefined, 'private: not even the mask');
    const listed = await editor.getAll<EntityJson>(`${cloudapi}/entities/types/acmetest/vault/1.0.0`);
    assert.equal(listed.length, 1);
    assert.doesNotMatch(JSON.stringify(listed), /refresh-token-123|kubeconfig-abc/);
  });

  it('serves secure fields in clear from fullContents to the owner only', async () => {
    const contents = await fullContents();
    assert.deepEqual(contents['private'], { token: 'refresh-token-123' });
    const denied = await editor.get<VcdErrorBody>(`${cloudapi}/entities/${entityId}/fullContents`);
    assert.equal(denied.status, 403);
  });

  it('keeps secure and private fields when a PUT sends back what GET returned', async () => {
    const read = await editor.get<EntityJson>(`${cloudapi}/entities/${entityId}`);
    const put = await editor.put<EntityJson>(`${cloudapi}/entities/${entityId}`, {
      ...read.body,
      entity: { ...read.body.entity, spec: { name: 'vaulted', size: 2 } },
    });
    assert.equal(put.status, 200, put.text);
    const contents = await fullContents();
    assert.deepEqual(contents['private'], { token: 'refresh-token-123' });
    assert.deepEqual(contents['notes'], { secret: 'kubeconfig-abc' });
    assert.deepEqual(contents['spec'], { name: 'vaulted', size: 2 });
  });

  it('refuses writes of protected fields by callers without Full Control, naming the right', async () => {
    const read = await editor.get<EntityJson>(`${cloudapi}/entities/${entityId}`);
    const put = await editor.put<VcdErrorBody>(`${cloudapi}/entities/${entityId}`, {
      ...read.body,
      entity: { ...read.body.entity, status: { phase: 'Ready' } },
    });
    assert.equal(put.status, 403);
    assert.match(put.body.message, /acmetest:vault: Full Access/);
    assert.match(put.body.message, /status/);
    const secret = await editor.put<VcdErrorBody>(`${cloudapi}/entities/${entityId}`, {
      ...read.body,
      entity: { ...read.body.entity, notes: { secret: 'stolen' } },
    });
    assert.equal(secret.status, 403);
    assert.deepEqual((await fullContents())['notes'], { secret: 'kubeconfig-abc' });
  });

  it('lets Full Control callers write protected fields and remove secure ones with null', async () => {
    const read = await author.get<EntityJson>(`${cloudapi}/entities/${entityId}`);
    const put = await author.put<EntityJson>(`${cloudapi}/entities/${entityId}`, {
      ...read.body,
      entity: { ...read.body.entity, status: { phase: 'Ready' }, notes: { secret: null } },
    });
    assert.equal(put.status, 200, put.text);
    const contents = await fullContents();
    assert.deepEqual(contents['status'], { phase: 'Ready' });
    assert.deepEqual(contents['notes'], {});
    assert.deepEqual(contents['private'], { token: 'refresh-token-123' });
  });

  it('refuses creating an entity with protected fields without Full Control', async () => {
    const denied = await editor.post<VcdErrorBody>(`${cloudapi}/entityTypes/${type.typeId}`, {
      name: 'sneaky',
      entity: { spec: { name: 'sneaky' }, status: { phase: 'Ready' } },
    });
    assert.equal(denied.status, 403);
    const allowed = await editor.post(`${cloudapi}/entityTypes/${type.typeId}`, {
      name: 'plain',
      entity: { spec: { name: 'plain' } },
    });
    assert.equal(allowed.status, 202);
  });
});
