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

  it('at 38.0 keeps a secure field a caller without Full Control leaves out (it may not delete it)', async () => {
    const v38 = { accept: 'application/json;version=38.0' };
    const read = await editor.get<EntityJson>(`${cloudapi}/entities/${entityId}`, v38);
    assert.deepEqual(read.body.entity['notes'], { secret: '******' });
    const put = await editor.put<EntityJson>(
      `${cloudapi}/entities/${entityId}`,
      { ...read.body, entity: { ...read.body.entity, notes: {} } },
      v38,
    );
    assert.equal(put.status, 200, put.text);
    const contents = await fullContents();
    assert.deepEqual(contents['notes'], { secret: 'kubeconfig-abc' });
    assert.deepEqual(contents['private'], { token: 'refresh-token-123' });
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

describe('RDE secure fields: reads and writes by API version (38.0 masks, and a left-out field is deleted)', () => {
  const v38 = { accept: 'application/json;version=38.1' };
  const v37 = { accept: 'application/json;version=37.2' };
  let sim: RunningSimulator;
  let owner: VcdClient;
  let type: TestType;
  before(async () => {
    sim = await startTestSimulator();
    const admin = new SimAdmin(sim.url);
    const provider = await VcdClient.provider(sim.url);
    type = await defineTestType(provider, { nss: 'safe' });
    await publishTypeBundle(provider, type);
    await addRightsToRole(provider, orgIdByName(await admin.state(), 'acme'), 'Kubernetes Cluster Author', [
      type.rights.fullControl,
    ]);
    owner = await VcdClient.login(sim.url, 'acme-author', 'acme');
  });
  after(() => sim.close());

  /** A fresh entity holding a secure object with a nested subtree and a secure leaf. */
  const newEntity = async (name: string) =>
    (
      await createEntity(
        owner,
        type.typeId,
        {
          name,
          entity: {
            spec: { name },
            private: { token: 'token-1', nested: { deep: 'deep-1' } },
            notes: { secret: 'secret-1', plain: 'visible' },
          },
        },
        '?resolveEntity=true',
      )
    ).id;
  const read = async (id: string, options = v38) =>
    (await owner.get<EntityJson>(`${cloudapi}/entities/${id}`, options)).body;
  const write = async (id: string, entity: Record<string, unknown>, options = v38) => {
    const current = await read(id, options);
    const put = await owner.put<EntityJson>(`${cloudapi}/entities/${id}`, { ...current, entity }, options);
    assert.equal(put.status, 200, put.text);
    return put.body;
  };
  const stored = async (id: string) =>
    (await owner.get<EntityJson>(`${cloudapi}/entities/${id}/fullContents`, v38)).body.entity;

  it('GET at 38.1 masks a secure object as a whole and a secure leaf, in the PUT answer too', async () => {
    const id = await newEntity('masked');
    const entity = (await read(id)).entity;
    assert.equal(entity['private'], '******');
    assert.deepEqual(entity['notes'], { secret: '******', plain: 'visible' });
    const answer = await write(id, entity);
    assert.equal(answer.entity['private'], '******');
    assert.doesNotMatch(JSON.stringify(answer), /token-1|deep-1|secret-1/);
  });

  it('PUT at 38.1 with ****** keeps the stored values, a secure subtree included', async () => {
    const id = await newEntity('kept');
    const entity = (await read(id)).entity;
    await write(id, { ...entity, spec: { name: 'kept', size: 3 } });
    assert.deepEqual(await stored(id), {
      spec: { name: 'kept', size: 3 },
      private: { token: 'token-1', nested: { deep: 'deep-1' } },
      notes: { secret: 'secret-1', plain: 'visible' },
    });
  });

  it('PUT at 38.1 with a value replaces it; a secure object is replaced as a whole', async () => {
    const id = await newEntity('replaced');
    const entity = (await read(id)).entity;
    await write(id, { ...entity, private: { token: 'token-2' }, notes: { secret: 'secret-2', plain: 'x' } });
    const contents = await stored(id);
    assert.deepEqual(contents['private'], { token: 'token-2' });
    assert.deepEqual(contents['notes'], { secret: 'secret-2', plain: 'x' });
  });

  it('PUT at 38.1 without a secure field deletes it, with its subtree', async () => {
    const id = await newEntity('left-out');
    const { private: _private, ...entity } = (await read(id)).entity;
    await write(id, { ...entity, notes: { plain: 'visible' } });
    const contents = await stored(id);
    assert.equal(contents['private'], undefined);
    assert.deepEqual(contents['notes'], { plain: 'visible' });
  });

  it('PUT at 38.1 with null deletes a secure field', async () => {
    const id = await newEntity('nulled');
    const entity = (await read(id)).entity;
    await write(id, { ...entity, private: null, notes: { secret: null, plain: 'visible' } });
    const contents = await stored(id);
    assert.equal('private' in contents, false);
    assert.deepEqual(contents['notes'], { plain: 'visible' });
  });

  it('PUT at 38.1 with ****** where nothing is stored stores nothing (guess: not the asterisks)', async () => {
    const id = await newEntity('never-set');
    const entity = (await read(id)).entity;
    await write(id, { ...entity, private: null });
    await write(id, { ...(await read(id)).entity, private: '******' });
    assert.equal((await stored(id))['private'], undefined);
  });

  it('GET at 37.2 omits secure fields, and a PUT at 37.2 that leaves them out keeps them', async () => {
    const id = await newEntity('older');
    const entity = (await read(id, v37)).entity;
    assert.equal('private' in entity, false);
    assert.deepEqual(entity['notes'], { plain: 'visible' });
    await write(id, { ...entity, spec: { name: 'older', size: 2 } }, v37);
    assert.deepEqual(await stored(id), {
      spec: { name: 'older', size: 2 },
      private: { token: 'token-1', nested: { deep: 'deep-1' } },
      notes: { secret: 'secret-1', plain: 'visible' },
    });
  });

  it('PUT at 37.2 deletes a secure field only when it is null', async () => {
    const id = await newEntity('older-null');
    const entity = (await read(id, v37)).entity;
    await write(id, { ...entity, private: null }, v37);
    const contents = await stored(id);
    assert.equal(contents['private'], undefined);
    assert.deepEqual(contents['notes'], { secret: 'secret-1', plain: 'visible' });
  });

  it('PUT at 37.2 takes ****** as a value: the mask means something only from 38.0', async () => {
    const id = await newEntity('older-mask');
    const entity = (await read(id, v37)).entity;
    await write(id, { ...entity, notes: { secret: '******', plain: 'visible' } }, v37);
    assert.deepEqual((await stored(id))['notes'], { secret: '******', plain: 'visible' });
  });

  it('POST at 38.1 stores the secure fields sent, in clear for fullContents', async () => {
    const created = await owner.post(
      `${cloudapi}/entityTypes/${type.typeId}`,
      { name: 'posted', entity: { spec: { name: 'posted' }, private: { token: 'token-p' } } },
      v38,
    );
    assert.equal(created.status, 202, created.text);
    const task = await owner.waitForTask(created.headers.get('location')!);
    assert.deepEqual((await stored(task.owner.id))['private'], { token: 'token-p' });
    assert.equal((await read(task.owner.id)).entity['private'], '******');
  });
});
