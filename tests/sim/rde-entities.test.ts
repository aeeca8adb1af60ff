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
  type EntityJson,
  type TestType,
  userIdOf,
} from './rde-fixtures.ts';

describe('RDE entities: create, read, update, resolve, delete', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let author: VcdClient;
  let viewer: VcdClient;
  let type: TestType;
  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
    type = await defineTestType(provider);
    await publishTypeBundle(provider, type);
    const acme = orgIdByName(await new SimAdmin(sim.url).state(), 'acme');
    await addRightsToRole(provider, acme, 'Kubernetes Cluster Author', [type.rights.fullControl]);
    await addRightsToRole(provider, acme, 'Kubernetes Cluster Viewer', [type.rights.view]);
    author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    viewer = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
  });
  after(() => sim.close());

  it('creates an entity through a createDefinedEntity task owned by the new entity', async () => {
    const response = await author.post(`${cloudapi}/entityTypes/${type.typeId}`, {
      name: 'first',
      externalId: 'ext-1',
      entity: { spec: { name: 'first', size: 3 } },
    });
    assert.equal(response.status, 202, response.text);
    const location = response.headers.get('location')!;
    assert.match(location, /\/api\/task\/[0-9a-f-]{36}$/);
    const task = await author.waitForTask(location);
    assert.equal(task.status, 'success');
    assert.equal(task.operationName, 'createDefinedEntity');
    assert.match(task.owner.id, /^urn:vcloud:entity:acmetest:widget:[0-9a-f-]{36}$/);
    const entity = await author.get<EntityJson>(`${cloudapi}/entities/${task.owner.id}`);
    assert.equal(entity.status, 200);
    assert.equal(entity.body.state, 'PRE_CREATED');
    assert.equal(entity.body.entityState, 'PRE_CREATED');
    assert.equal(entity.body.entityType, type.typeId);
    assert.equal(entity.body.externalId, 'ext-1');
    assert.equal(entity.body.owner.name, 'acme-author');
    assert.equal(entity.body.org.name, 'acme');
    assert.ok(entity.headers.get('etag'), 'GET answers an ETag');
  });

  it('resolves valid contents to RESOLVED and invalid ones to RESOLUTION_ERROR with the schema message', async () => {
    const good = await createEntity(author, type.typeId, {
      name: 'good',
      entity: { spec: { name: 'good' } },
    });
    const resolved = await author.post<EntityJson>(`${cloudapi}/entities/${good.id}/resolve`);
    assert.equal(resolved.status, 200, resolved.text);
    assert.equal(resolved.body.entityState, 'RESOLVED');
    assert.equal(resolved.body.message, null);

    const bad = await createEntity(author, type.typeId, {
      name: 'bad',
      entity: { spec: { name: 'Bad Name', size: 9 } },
    });
    const failed = await author.post<EntityJson>(`${cloudapi}/entities/${bad.id}/resolve`);
    assert.equal(failed.body.entityState, 'RESOLUTION_ERROR');
    assert.match(failed.body.message!, /\/spec\/name: must match pattern/);
  });

  it('resolves on create with resolveEntity=true', async () => {
    const { id } = await createEntity(
      author,
      type.typeId,
      { name: 'auto', entity: { spec: { name: 'auto' } } },
      '?resolveEntity=true',
    );
    assert.equal((await author.get<EntityJson>(`${cloudapi}/entities/${id}`)).body.entityState, 'RESOLVED');
  });

  it('validates updates of resolved entities and changes the ETag on each update', async () => {
    const { id } = await createEntity(
      author,
      type.typeId,
      { name: 'upd', entity: { spec: { name: 'upd' } } },
      '?resolveEntity=true',
    );
    const read = await author.get<EntityJson>(`${cloudapi}/entities/${id}`);
    const etag = read.headers.get('etag')!;
    const invalid = await author.put<VcdErrorBody>(
      `${cloudapi}/entities/${id}`,
      { ...read.body, entity: { spec: { name: 'upd', size: 0 } } },
      { headers: { 'if-match': etag } },
    );
    assert.equal(invalid.status, 400);
    assert.match(invalid.body.message, /\/spec\/size: must be >= 1/);
    const valid = await author.put<EntityJson>(
      `${cloudapi}/entities/${id}`,
      { ...read.body, name: 'renamed', entity: { spec: { name: 'upd', size: 2 } } },
      { headers: { 'if-match': etag } },
    );
    assert.equal(valid.status, 200, valid.text);
    assert.equal(valid.body.name, 'renamed');
    assert.deepEqual(valid.body.entity, { spec: { name: 'upd', size: 2 } });
    assert.notEqual(valid.headers.get('etag'), etag);
    assert.equal(
      (await author.get(`${cloudapi}/entities/${id}`)).headers.get('etag'),
      valid.headers.get('etag'),
    );
  });

  it('refuses to delete a PRE_CREATED entity and deletes a resolved one', async () => {
    const { id } = await createEntity(author, type.typeId, {
      name: 'del',
      entity: { spec: { name: 'del' } },
    });
    const early = await author.delete<VcdErrorBody>(`${cloudapi}/entities/${id}`);
    assert.equal(early.status, 400);
    assert.match(early.body.message, /PRE_CREATED/);
    await author.post(`${cloudapi}/entities/${id}/resolve`);
    const deleted = await author.delete(`${cloudapi}/entities/${id}`);
    assert.equal(deleted.status, 204);
    assert.equal((await author.get(`${cloudapi}/entities/${id}`)).status, 404);
  });

  it('lets a viewer read only entities shared with it, and never write them', async () => {
    const { id } = await createEntity(
      author,
      type.typeId,
      { name: 'shared', entity: { spec: { name: 'shared' } } },
      '?resolveEntity=true',
    );
    const before = await viewer.get<VcdErrorBody>(`${cloudapi}/entities/${id}`);
    assert.equal(before.status, 403, 'same org, but no ACL');
    const viewerId = await userIdOf(new SimAdmin(sim.url), 'acme-viewer');
    const acl = await author.post<{ id: string }>(`${cloudapi}/entities/${id}/accessControls`, {
      grantType: 'MembershipAccessControlGrant',
      accessLevelId: 'urn:vcloud:accessLevel:ReadOnly',
      memberId: viewerId,
    });
    assert.equal(acl.status, 201, acl.text);
    const read = await viewer.get<EntityJson>(`${cloudapi}/entities/${id}`);
    assert.equal(read.status, 200);
    const write = await viewer.put<VcdErrorBody>(`${cloudapi}/entities/${id}`, read.body);
    assert.equal(write.status, 403);
    assert.match(write.body.message, /acmetest:widget: Modify/);
    const acls = await author.getAll<{ memberId: string; accessLevelId: string }>(
      `${cloudapi}/entities/${id}/accessControls`,
    );
    assert.equal(acls.length, 2, 'the owner Full Control ACL and the viewer one');
    assert.equal(
      (await author.delete(`${cloudapi}/entities/${id}/accessControls/${acl.body.id}`)).status,
      204,
    );
    assert.equal((await viewer.get(`${cloudapi}/entities/${id}`)).status, 403);
  });

  it('answers 403 naming the type right to users without it', async () => {
    const admin = await VcdClient.login(sim.url, 'acme-admin', 'acme');
    const denied = await admin.post<VcdErrorBody>(`${cloudapi}/entityTypes/${type.typeId}`, {
      name: 'x',
      entity: { spec: { name: 'x' } },
    });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.minorErrorCode, 'ACCESS_TO_RESOURCE_IS_FORBIDDEN');
    assert.match(denied.body.message, /acmetest:widget: Modify/);
  });

  it('answers 400 for malformed JSON, unknown fields and wrong types, 404 for unknown ids', async () => {
    const malformed = await author.request<VcdErrorBody>('POST', `${cloudapi}/entityTypes/${type.typeId}`, {
      rawBody: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.minorErrorCode, 'BAD_REQUEST');
    const unknown = await author.post<VcdErrorBody>(`${cloudapi}/entityTypes/${type.typeId}`, {
      name: 'x',
      entity: {},
      colour: 'red',
    });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.message, /Unrecognized field "colour"/);
    const wrongType = await author.post<VcdErrorBody>(`${cloudapi}/entityTypes/${type.typeId}`, {
      name: 'x',
      entity: 'text',
    });
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.body.message, /entity/);
    const missing = await author.get<VcdErrorBody>(
      `${cloudapi}/entities/urn:vcloud:entity:acmetest:widget:00000000-0000-4000-8000-000000000000`,
    );
    assert.equal(missing.status, 404);
    assert.equal(missing.body.minorErrorCode, 'RESOURCE_NOT_FOUND');
    const noType = await author.post(`${cloudapi}/entityTypes/urn:vcloud:type:acmetest:nothing:1.0.0`, {
      name: 'x',
      entity: {},
    });
    assert.equal(noType.status, 404);
  });
});
