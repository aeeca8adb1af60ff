import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { orgIdByName, SimAdmin, startTestSimulator, VcdClient, type VcdErrorBody } from '../helpers/vcd.ts';
import {
  addRightsToRole,
  cloudapi,
  defineTestType,
  publishTypeBundle,
  type EntityJson,
  type TestType,
} from './rde-fixtures.ts';

const ok = (value: string) => ({ type: 'noop', execution_properties: { returnValue: value } });
const failing = (message: string) => ({
  type: 'noop',
  execution_properties: { returnError: { majorErrorCode: 400, minorErrorCode: 'BAD_REQUEST', message } },
});
const id = (name: string, nss: string) => `urn:vcloud:behavior-interface:${name}:acmetest:${nss}:1.0.0`;

describe('RDE lifecycle hooks: PostCreate, PostUpdate, PreDelete, PostDelete', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let author: VcdClient;
  let calm: TestType;
  let grumpy: TestType;
  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
    calm = await defineTestType(provider, {
      nss: 'calm',
      behaviors: [
        { name: 'created', execution: ok('created') },
        { name: 'updated', execution: ok('updated') },
        { name: 'refuseDelete', execution: failing('Cluster still has VMs; deleting them first') },
      ],
      hooks: {
        PostCreate: id('created', 'calm'),
        PostUpdate: id('updated', 'calm'),
        PreDelete: id('refuseDelete', 'calm'),
      },
    });
    grumpy = await defineTestType(provider, {
      nss: 'grumpy',
      behaviors: [
        { name: 'rejectCreate', execution: failing('Worker is not ready') },
        { name: 'allowDelete', execution: ok('bye') },
        { name: 'cleanUp', execution: ok('clean') },
      ],
      hooks: {
        PostCreate: id('rejectCreate', 'grumpy'),
        PreDelete: id('allowDelete', 'grumpy'),
        PostDelete: id('cleanUp', 'grumpy'),
      },
    });
    const acme = orgIdByName(await new SimAdmin(sim.url).state(), 'acme');
    for (const type of [calm, grumpy]) {
      await publishTypeBundle(provider, type);
      await addRightsToRole(provider, acme, 'Kubernetes Cluster Author', [type.rights.fullControl]);
    }
    author = await VcdClient.login(sim.url, 'acme-author', 'acme');
  });
  after(() => sim.close());

  const create = async (client: VcdClient, type: TestType, name: string, query = '') => {
    const response = await client.post(`${cloudapi}/entityTypes/${type.typeId}${query}`, {
      name,
      entity: { spec: { name } },
    });
    assert.equal(response.status, 202, response.text);
    const task = await client.waitForTask(response.headers.get('location')!);
    return { task, id: task.owner.id };
  };

  it('answers create with the PostCreate invocation task and resolves the entity when it succeeds', async () => {
    const { task, id: entityId } = await create(author, calm, 'hooked');
    assert.equal(task.operationName, 'executeBehavior');
    assert.equal(task.status, 'success');
    assert.equal(task.result?.resultContent, 'created');
    const entity = await author.get<EntityJson>(`${cloudapi}/entities/${entityId}`);
    assert.equal(entity.body.entityState, 'RESOLVED');
  });

  it('leaves the entity in RESOLUTION_ERROR when PostCreate fails', async () => {
    const { task, id: entityId } = await create(author, grumpy, 'rejected');
    assert.equal(task.status, 'error');
    const entity = await author.get<EntityJson>(`${cloudapi}/entities/${entityId}`);
    assert.equal(entity.body.entityState, 'RESOLUTION_ERROR');
    assert.match(entity.body.message!, /Worker is not ready/);
  });

  it('runs PostUpdate after an update and names its task in X-VMWARE-VCLOUD-TASK-LOCATION', async () => {
    const { id: entityId } = await create(author, calm, 'changing');
    const read = await author.get<EntityJson>(`${cloudapi}/entities/${entityId}`);
    const put = await author.put(`${cloudapi}/entities/${entityId}`, {
      ...read.body,
      entity: { spec: { name: 'changing', size: 2 } },
    });
    assert.equal(put.status, 200, put.text);
    const location = put.headers.get('x-vmware-vcloud-task-location');
    assert.ok(location, 'PostUpdate task location');
    const task = await author.waitForTask(location);
    assert.equal(task.result?.resultContent, 'updated');
    assert.equal(
      (await author.get<EntityJson>(`${cloudapi}/entities/${entityId}`)).body.entityState,
      'RESOLVED',
    );
  });

  it('keeps the entity when PreDelete fails, and says why in the delete task', async () => {
    const { id: entityId } = await create(author, calm, 'sticky');
    const response = await author.delete(`${cloudapi}/entities/${entityId}`);
    assert.equal(response.status, 202);
    const task = await author.waitForTask(response.headers.get('location')!);
    assert.equal(task.operationName, 'deleteDefinedEntity');
    assert.equal(task.status, 'error');
    assert.match(task.error!.message, /Cluster still has VMs/);
    assert.match(task.operation, /PreDelete hook: urn:vcloud:task:/);
    assert.equal((await author.get(`${cloudapi}/entities/${entityId}`)).status, 200);
  });

  it('deletes after PreDelete and PostDelete succeed', async () => {
    const { id: entityId } = await create(author, grumpy, 'leaving');
    await author.post(`${cloudapi}/entities/${entityId}/resolve`);
    const response = await author.delete(`${cloudapi}/entities/${entityId}`);
    const task = await author.waitForTask(response.headers.get('location')!);
    assert.equal(task.status, 'success', JSON.stringify(task.error));
    assert.match(task.operation, /PreDelete hook: .* PostDelete hook: /);
    assert.equal((await author.get(`${cloudapi}/entities/${entityId}`)).status, 404);
  });

  it('skips hooks with invokeHooks=false only for callers with a Full Control type ACL', async () => {
    const denied = await author.post<VcdErrorBody>(
      `${cloudapi}/entityTypes/${calm.typeId}?invokeHooks=false`,
      {
        name: 'quiet',
        entity: { spec: { name: 'quiet' } },
      },
    );
    assert.equal(denied.status, 403);
    const orgs = await provider.getAll<{ id: string; name: string }>(`${cloudapi}/orgs`);
    const acme = orgs.find((org) => org.name === 'acme')!;
    const { task, id: entityId } = await create(
      provider.inTenant(acme.id),
      calm,
      'quiet',
      '?invokeHooks=false',
    );
    assert.equal(task.operationName, 'createDefinedEntity');
    assert.equal(
      (await provider.get<EntityJson>(`${cloudapi}/entities/${entityId}`)).body.entityState,
      'PRE_CREATED',
    );
    await provider.post(`${cloudapi}/entities/${entityId}/resolve`);
    const deleted = await provider.delete(`${cloudapi}/entities/${entityId}?invokeHooks=false`);
    assert.equal(deleted.status, 204, 'no PreDelete hook ran');
    const bad = await provider.post<VcdErrorBody>(
      `${cloudapi}/entityTypes/${calm.typeId}?invokeHooks=maybe`,
      {
        name: 'odd',
        entity: { spec: { name: 'odd' } },
      },
    );
    assert.equal(bad.status, 400);
  });
});
