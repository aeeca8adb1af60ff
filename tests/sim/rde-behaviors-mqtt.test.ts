/**
 * MQTT behaviours end to end on the simulator's embedded broker: a test extension written from
 * reference `vcd-message-bus.md` §3.7 (mqtt.js over WebSocket) checks the BEHAVIOR_INVOCATION
 * format and drives the task with BEHAVIOR_RESPONSE updates.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import type { RunningSimulator } from '../../sim/server.ts';
import { orgIdByName, SimAdmin, startTestSimulator, VcdClient, type VcdTask } from '../helpers/vcd.ts';
import {
  addRightsToRole,
  cloudapi,
  createEntity,
  defineTestType,
  publishTypeBundle,
  type EntityJson,
  type TestType,
} from './rde-fixtures.ts';

interface BusMessage {
  type: string;
  headers: {
    taskId: string;
    entityId: string;
    behaviorId: string;
    context: { userId: string; orgId: string };
  };
  payload: string;
}

interface InvocationPayload {
  entityId: string;
  typeId: string;
  arguments: Record<string, unknown>;
  entity: Record<string, unknown>;
  _execution_properties: Record<string, unknown>;
  _metadata: Record<string, unknown>;
}

const serviceId = 'urn:vcloud:extension-api:acmetest:rdeworker:1.0.0';
const monitor = 'topic/extension/acmetest/rdeworker/1.0.0/ext';
const respond = 'topic/extension/acmetest/rdeworker/1.0.0/vcd';
const mqttExecution = (id: string, timeout: number, extra: Record<string, unknown> = {}) => ({
  type: 'MQTT',
  id,
  execution_properties: { serviceId, invocation_timeout: timeout, ...extra },
});
const behaviorUrn = (name: string) => `urn:vcloud:behavior-interface:${name}:acmetest:courier:1.0.0`;

describe('RDE behaviours over MQTT (BEHAVIOR_INVOCATION / BEHAVIOR_RESPONSE)', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let author: VcdClient;
  let extension: MqttClient;
  let type: TestType;
  let entityId: string;
  let authorId: string;
  /** What the test extension does with the next invocation of each behaviour. */
  const handlers = new Map<string, (message: BusMessage) => Promise<unknown>>();
  const seen: BusMessage[] = [];

  const reply = (message: BusMessage, contentType: string, payload: string) =>
    extension.publishAsync(
      respond,
      JSON.stringify({
        type: 'BEHAVIOR_RESPONSE',
        headers: { taskId: message.headers.taskId, entityId: message.headers.entityId, contentType },
        payload,
      }),
      { qos: 1 },
    );
  const taskUpdate = (message: BusMessage, update: Record<string, unknown>) =>
    reply(message, 'application/vnd.vmware.vcloud.task+json', JSON.stringify(update));

  before(async () => {
    sim = await startTestSimulator();
    const admin = new SimAdmin(sim.url);
    provider = await VcdClient.provider(sim.url);
    const registered = await provider.post('/cloudapi/extensions/api', {
      name: 'rdeworker',
      vendor: 'acmetest',
      version: '1.0.0',
      priority: 100,
      enabled: true,
      authorizationEnabled: false,
    });
    assert.equal(registered.status, 201, registered.text);
    const token = await provider.post<{ token: string }>(`${cloudapi}/tokens`, {
      name: 'acmetest/rdeworker/1.0.0',
      type: 'EXTENSION',
      extensionId: serviceId,
    });
    assert.ok(token.body.token, token.text);
    extension = await mqtt.connectAsync(`${sim.url.replace('http', 'ws')}/messaging/mqtt`, {
      username: 'acmetest/rdeworker/1.0.0',
      password: token.body.token,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
    });
    extension.on('message', (_topic, payload) => {
      const message = JSON.parse(payload.toString('utf8')) as BusMessage;
      if (message.type !== 'BEHAVIOR_INVOCATION') return;
      seen.push(message);
      const name = message.headers.behaviorId.split(':')[3]!;
      void handlers.get(name)?.(message);
    });
    await extension.subscribeAsync(monitor, { qos: 1 });

    type = await defineTestType(provider, {
      nss: 'courier',
      behaviors: [
        {
          name: 'getSecret',
          execution: mqttExecution('cse-getSecret', 30, { actAsToken: true, _secure_key: 's3' }),
        },
        { name: 'plainText', execution: mqttExecution('cse-plain', 30) },
        { name: 'fails', execution: mqttExecution('cse-fails', 30) },
        { name: 'silent', execution: mqttExecution('cse-silent', 1) },
        {
          name: 'docForms',
          execution: { ...mqttExecution('cse-docForms', 30, { actAsToken: 'true' }), _secure_top: 'hidden' },
        },
        { name: 'onCreate', execution: mqttExecution('cse-onCreate', 30) },
      ],
      hooks: { PostCreate: behaviorUrn('onCreate') },
    });
    await publishTypeBundle(provider, type);
    const state = await admin.state();
    await addRightsToRole(provider, orgIdByName(state, 'acme'), 'Kubernetes Cluster Author', [
      type.rights.fullControl,
    ]);
    for (const name of ['getSecret', 'plainText', 'fails', 'silent', 'docForms']) {
      await provider.post(`${cloudapi}/entityTypes/${type.typeId}/behaviorAccessControls`, {
        behaviorId: behaviorUrn(name),
        accessLevelId: 'urn:vcloud:accessLevel:FullControl',
      });
    }
    author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    authorId = Object.values(state.users).find((user) => user.username === 'acme-author')!.id;
    handlers.set('onCreate', (message) =>
      taskUpdate(message, { status: 'success', result: { resultContent: 'ok' } }),
    );
    const created = await createEntity(author, type.typeId, {
      name: 'parcel',
      entity: { spec: { name: 'parcel' }, private: { token: 'the-refresh-token' } },
    });
    entityId = created.id;
  });
  after(async () => {
    await extension?.endAsync();
    await sim.close();
  });

  const invoke = async (
    name: string,
    body: unknown = { arguments: { wanted: 'kubeconfig' }, metadata: { trace: 't-1' } },
  ) => {
    const response = await author.post(
      `${cloudapi}/entities/${entityId}/behaviors/${behaviorUrn(name)}/invocations`,
      body,
    );
    assert.equal(response.status, 202, response.text);
    return response.headers.get('location')!;
  };

  it('runs the PostCreate hook over MQTT and resolves the entity when it succeeds', async () => {
    const hookMessage = seen.find((message) => message.headers.behaviorId === behaviorUrn('onCreate'));
    assert.ok(hookMessage, 'PostCreate invocation delivered');
    assert.equal(hookMessage.headers.entityId, entityId);
    assert.equal(
      (await author.get<EntityJson>(`${cloudapi}/entities/${entityId}`)).body.entityState,
      'RESOLVED',
    );
  });

  it('delivers BEHAVIOR_INVOCATION in VCD’s format, shows running progress, then the result', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let received!: BusMessage;
    handlers.set('getSecret', async (message) => {
      received = message;
      await taskUpdate(message, { status: 'running', operation: 'Reading the kubeconfig', progress: 40 });
      await released;
      const payload = JSON.parse(message.payload) as InvocationPayload;
      await taskUpdate(message, {
        status: 'success',
        progress: 100,
        result: {
          resultContent: JSON.stringify({ token: (payload.entity['private'] as { token: string }).token }),
        },
      });
    });
    const location = await invoke('getSecret');
    let running: VcdTask | undefined;
    for (let i = 0; i < 200 && running?.progress !== 40; i++) {
      running = (await author.get<VcdTask>(location)).body;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(running?.status, 'running');
    assert.equal(running?.progress, 40);
    assert.equal(running?.operation, 'Reading the kubeconfig');
    release();
    const task = await author.waitForTask(location);
    assert.equal(task.status, 'success');
    assert.equal(task.operationName, 'executeBehavior');
    assert.equal(task.owner.id, entityId);
    assert.equal(task.result?.resultContent, JSON.stringify({ token: 'the-refresh-token' }));

    assert.equal(received.type, 'BEHAVIOR_INVOCATION');
    assert.match(received.headers.taskId, /^[0-9a-f-]{36}$/, 'bare task UUID');
    assert.ok(task.id.endsWith(received.headers.taskId));
    assert.equal(received.headers.behaviorId, behaviorUrn('getSecret'));
    assert.equal(received.headers.context.userId, authorId);
    assert.equal(typeof received.payload, 'string', 'payload is a JSON string at the top level');
    const payload = JSON.parse(received.payload) as InvocationPayload;
    assert.equal(payload.entityId, entityId);
    assert.equal(payload.typeId, type.typeId);
    assert.deepEqual(payload.arguments, { wanted: 'kubeconfig' });
    assert.deepEqual(payload.entity['spec'], { name: 'parcel' });
    assert.equal(payload._execution_properties['serviceId'], serviceId);
    assert.equal(payload._execution_properties['_secure_key'], 's3', '_secure_* goes to the executor');
    assert.equal(payload._metadata['executionType'], 'MQTT');
    assert.equal(payload._metadata['executionId'], 'cse-getSecret');
    assert.deepEqual(payload._metadata['invocation'], { trace: 't-1' });
    const actAs = payload._metadata['actAsToken'] as string;
    assert.ok(actAs, 'actAsToken is sent when the behaviour asks for it');
    const afterTask = await new VcdClient(sim.url, actAs).get(`${cloudapi}/entities/${entityId}`);
    assert.equal(afterTask.status, 401, 'the act-as token ends with the task');
  });

  it('completes the task with a plain-text response as the result', async () => {
    handlers.set('plainText', (message) => reply(message, 'plain/text', 'hello from the extension'));
    const task = await author.waitForTask(await invoke('plainText'));
    assert.equal(task.status, 'success');
    assert.equal(task.result?.resultContent, 'hello from the extension');
  });

  it('fails the task with the error the extension reports, and ignores updates after completion', async () => {
    handlers.set('fails', async (message) => {
      await taskUpdate(message, {
        status: 'error',
        error: { majorErrorCode: 409, minorErrorCode: 'CONFLICT', message: 'cluster is not Ready' },
      });
      await taskUpdate(message, { status: 'success', result: { resultContent: 'too late' } });
    });
    const task = await author.waitForTask(await invoke('fails'));
    assert.equal(task.status, 'error');
    assert.equal(task.error?.minorErrorCode, 'CONFLICT');
    assert.equal(task.error?.message, 'cluster is not Ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await author.get<VcdTask>(task.href)).body.status, 'error');
  });

  // The SL docs (behaviors-general-concepts.md, mqtt-behaviors.md) write some fields two ways: actAsToken as true
  // and "true", the task-update header as `contentType` (Java class) and `Content-Type` (prose), majorErrorCode as a
  // number (example) and a String (Java TaskType.ErrorType); `_secure_*` may sit at the top of `execution`.
  it('accepts the documented variants: actAsToken "true", a Content-Type header, a string majorErrorCode', async () => {
    const definition = await provider.get<{ execution: Record<string, unknown> }>(
      `${cloudapi}/interfaces/urn:vcloud:interface:acmetest:courier:1.0.0/behaviors/${behaviorUrn('docForms')}`,
    );
    assert.equal(definition.status, 200, definition.text);
    assert.equal(definition.body.execution['_secure_top'], undefined, 'top-level _secure_* is write-only');
    let actAs: unknown;
    handlers.set('docForms', async (message) => {
      actAs = (JSON.parse(message.payload) as InvocationPayload)._metadata['actAsToken'];
      await extension.publishAsync(
        respond,
        JSON.stringify({
          type: 'BEHAVIOR_RESPONSE',
          headers: {
            taskId: message.headers.taskId,
            entityId: message.headers.entityId,
            'Content-Type': 'application/vnd.vmware.vcloud.task+json',
          },
          payload: JSON.stringify({
            status: 'error',
            error: { majorErrorCode: '409', minorErrorCode: 'CONFLICT', message: 'busy' },
          }),
        }),
        { qos: 1 },
      );
    });
    const task = await author.waitForTask(await invoke('docForms'));
    assert.equal(typeof actAs, 'string', 'actAsToken "true" asks for a token too');
    assert.equal(task.status, 'error');
    assert.equal(task.error?.minorErrorCode, 'CONFLICT');
    assert.equal(task.error?.majorErrorCode, 409);
  });

  it('fails the task when no response arrives within invocation_timeout', async () => {
    handlers.delete('silent');
    const location = await invoke('silent', {});
    const task = await author.waitForTask(location, 10_000);
    assert.equal(task.status, 'error');
    assert.match(task.error!.message, /did not complete within 1 s/);
  });
});
