import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import {
  orgIdByName,
  SimAdmin,
  startTestSimulator,
  VcdClient,
  type VcdErrorBody,
  type VcdPage,
} from '../helpers/vcd.ts';
import {
  addRightsToRole,
  cloudapi,
  createEntity,
  defineTestType,
  publishTypeBundle,
  type TestType,
} from './rde-fixtures.ts';

interface BehaviorJson {
  id: string;
  ref: string;
  name: string;
  execution: { type: string; execution_properties?: Record<string, unknown> };
}

const behaviorId = (name: string) => `urn:vcloud:behavior-interface:${name}:acmetest:gizmo:1.0.0`;

describe('RDE behaviours: definitions, overrides, access control and noop invocation', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let author: VcdClient;
  let viewer: VcdClient;
  let type: TestType;
  let entityId: string;
  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
    type = await defineTestType(provider, {
      nss: 'gizmo',
      behaviors: [
        {
          name: 'describe',
          execution: {
            type: 'noop',
            execution_properties: { returnValue: { answer: 42 }, _internal_key: 'k' },
          },
        },
        { name: 'greet', execution: { type: 'noop', execution_properties: { returnValue: 'hello' } } },
        {
          name: 'explode',
          execution: {
            type: 'noop',
            execution_properties: {
              returnError: { majorErrorCode: 400, minorErrorCode: 'BAD_REQUEST', message: 'Kaboom' },
            },
          },
        },
        { name: 'locked', execution: { type: 'noop' } },
        { name: 'admin', execution: { type: 'noop', execution_properties: { returnValue: 'ok' } } },
      ],
    });
    await publishTypeBundle(provider, type);
    const acme = orgIdByName(await new SimAdmin(sim.url).state(), 'acme');
    await addRightsToRole(provider, acme, 'Kubernetes Cluster Author', [type.rights.fullControl]);
    await addRightsToRole(provider, acme, 'Kubernetes Cluster Viewer', [type.rights.adminView]);
    const access = await provider.put(`${cloudapi}/entityTypes/${type.typeId}/behaviorAccessControls`, {
      values: ['describe', 'greet', 'explode'].map((name) => ({
        behaviorId: behaviorId(name),
        accessLevelId: 'urn:vcloud:accessLevel:ReadOnly',
      })),
    });
    assert.equal(access.status, 200, access.text);
    const admin = await provider.post(`${cloudapi}/entityTypes/${type.typeId}/behaviorAccessControls`, {
      behaviorId: behaviorId('admin'),
      accessLevelId: 'urn:vcloud:accessLevel:FullControl',
    });
    assert.equal(admin.status, 201, admin.text);
    author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    viewer = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
    entityId = (
      await createEntity(
        author,
        type.typeId,
        { name: 'g', entity: { spec: { name: 'g' } } },
        '?resolveEntity=true',
      )
    ).id;
  });
  after(() => sim.close());

  const invoke = (client: VcdClient, name: string, body: unknown = { arguments: {} }) =>
    client.post<VcdErrorBody>(
      `${cloudapi}/entities/${entityId}/behaviors/${behaviorId(name)}/invocations`,
      body,
    );

  it('gives interface behaviours ids of the form urn:vcloud:behavior-interface:<name>:<vendor>:<nss>:<version>', async () => {
    const list = await provider.get<VcdPage<BehaviorJson>>(
      `${cloudapi}/interfaces/${type.interfaceId}/behaviors`,
    );
    assert.equal(list.status, 200);
    const describe = list.body.values.find((behavior) => behavior.name === 'describe')!;
    assert.equal(describe.id, behaviorId('describe'));
    assert.equal(describe.ref, describe.id);
    assert.equal(
      describe.execution.execution_properties!['_internal_key'],
      undefined,
      '_internal_* is write-only',
    );
    const typeList = await author.get<VcdPage<BehaviorJson>>(
      `${cloudapi}/entityTypes/${type.typeId}/behaviors`,
    );
    assert.equal(typeList.body.resultTotal, 5);
  });

  it('completes a noop invocation with its return value as the task result', async () => {
    const response = await invoke(author, 'describe');
    assert.equal(response.status, 202, response.text);
    const task = await author.waitForTask(response.headers.get('location')!);
    assert.equal(task.status, 'success');
    assert.equal(task.operationName, 'executeBehavior');
    assert.equal(task.owner.id, entityId);
    assert.equal(task.result?.resultContent, JSON.stringify({ answer: 42 }));
    const greet = await author.waitForTask((await invoke(author, 'greet')).headers.get('location')!);
    assert.equal(greet.result?.resultContent, 'hello');
  });

  it('fails the task with the configured returnError', async () => {
    const task = await author.waitForTask((await invoke(author, 'explode')).headers.get('location')!);
    assert.equal(task.status, 'error');
    assert.equal(task.error?.minorErrorCode, 'BAD_REQUEST');
    assert.equal(task.error?.message, 'Kaboom');
  });

  it('refuses behaviours without an access entry and callers below its level', async () => {
    const locked = await invoke(author, 'locked');
    assert.equal(locked.status, 403);
    assert.match(locked.body.message, /no access control entry/);
    assert.equal((await invoke(viewer, 'greet')).status, 202, 'Administrator View is enough for ReadOnly');
    const admin = await invoke(viewer, 'admin');
    assert.equal(admin.status, 403);
    assert.equal((await invoke(author, 'admin')).status, 202);
  });

  it('uses the type override of a behaviour instead of the interface one', async () => {
    const override = await provider.put<BehaviorJson>(
      `${cloudapi}/entityTypes/${type.typeId}/behaviors/${behaviorId('greet')}`,
      { execution: { type: 'noop', execution_properties: { returnValue: 'bonjour' } } },
    );
    assert.equal(override.status, 200, override.text);
    assert.equal(
      override.body.id,
      'urn:vcloud:behavior-type:greet:acmetest:gizmo:1.0.0:acmetest:gizmo:1.0.0',
    );
    assert.equal(override.body.ref, behaviorId('greet'));
    const task = await author.waitForTask((await invoke(author, 'greet')).headers.get('location')!);
    assert.equal(task.result?.resultContent, 'bonjour');
    const byOverrideId = await author.post(
      `${cloudapi}/entities/${entityId}/behaviors/${override.body.id}/invocations`,
      {},
    );
    assert.equal(byOverrideId.status, 202);
    assert.equal(
      (await provider.delete(`${cloudapi}/entityTypes/${type.typeId}/behaviors/${behaviorId('greet')}`))
        .status,
      204,
    );
    const back = await author.waitForTask((await invoke(author, 'greet')).headers.get('location')!);
    assert.equal(back.result?.resultContent, 'hello');
  });

  it('answers 404 for unknown behaviours and 400 for bad invocation bodies', async () => {
    assert.equal((await invoke(author, 'nothing')).status, 404);
    const bad = await invoke(author, 'greet', { arguments: 'x' });
    assert.equal(bad.status, 400);
    const unknown = await invoke(author, 'greet', { argumentz: {} });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.message, /Unrecognized field "argumentz"/);
  });

  it('refuses behaviour definitions from tenants and duplicate names', async () => {
    const tenant = await author.post(`${cloudapi}/interfaces/${type.interfaceId}/behaviors`, {
      name: 'x',
      execution: { type: 'noop' },
    });
    assert.equal(tenant.status, 403);
    const duplicate = await provider.post<VcdErrorBody>(
      `${cloudapi}/interfaces/${type.interfaceId}/behaviors`,
      {
        name: 'greet',
        execution: { type: 'noop' },
      },
    );
    assert.equal(duplicate.status, 400);
    assert.equal(duplicate.body.minorErrorCode, 'DUPLICATE_NAME');
  });
});
