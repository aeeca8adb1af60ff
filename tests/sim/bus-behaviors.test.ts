/**
 * RDE MQTT behaviours over the embedded broker, end to end: the extension (mqtt.js over WebSocket,
 * written from reference §3.7) receives BEHAVIOR_INVOCATION and completes the task with
 * BEHAVIOR_RESPONSE updates.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient } from '../helpers/vcd.ts';
import { cloudapi, createEntity, defineTestType, type TestType } from './rde-fixtures.ts';

interface BusMessage {
  type: string;
  headers: Record<string, unknown>;
  payload: string;
}

describe('RDE behaviours over the embedded MQTT broker', () => {
  const serviceId = 'urn:vcloud:extension-api:vmware:cse:1.0.0';
  const monitor = 'topic/extension/vmware/cse/1.0.0/ext';
  const respond = 'topic/extension/vmware/cse/1.0.0/vcd';
  let sim: RunningSimulator;
  let provider: VcdClient;
  let extension: MqttClient;
  let type: TestType;
  let behaviorId: string;
  const invocations: BusMessage[] = [];

  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
    const registered = await provider.post('/cloudapi/extensions/api', {
      name: 'cse',
      vendor: 'vmware',
      version: '1.0.0',
      priority: 100,
      enabled: true,
      authorizationEnabled: false,
    });
    assert.equal(registered.status, 201, registered.text);
    const token = await provider.post<{ token: string }>(`${cloudapi}/tokens`, {
      name: 'vmware/cse/1.0.0',
      type: 'EXTENSION',
      extensionId: serviceId,
    });
    extension = await mqtt.connectAsync(`${sim.url.replace('http', 'ws')}/messaging/mqtt`, {
      username: 'vmware/cse/1.0.0',
      password: token.body.token,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
    });
    extension.on('message', (_topic, payload) => {
      const message = JSON.parse(payload.toString('utf8')) as BusMessage;
      if (message.type !== 'BEHAVIOR_INVOCATION') return;
      invocations.push(message);
      const { taskId, entityId } = message.headers as { taskId: string; entityId: string };
      const args = (JSON.parse(message.payload) as { arguments: { fail?: boolean } }).arguments;
      const update = (payload: Record<string, unknown>) =>
        extension.publishAsync(
          respond,
          JSON.stringify({
            type: 'BEHAVIOR_RESPONSE',
            headers: { taskId, entityId, contentType: 'application/vnd.vmware.vcloud.task+json' },
            payload: JSON.stringify(payload),
          }),
          { qos: 1 },
        );
      void (async () => {
        await update({ status: 'running', operation: 'working', progress: 50 });
        if (args.fail) {
          await update({
            status: 'error',
            error: { majorErrorCode: 400, minorErrorCode: 'BAD_REQUEST', message: 'cannot do that' },
          });
        } else {
          await update({ status: 'success', result: { resultContent: JSON.stringify({ done: true }) } });
        }
      })();
    });
    await extension.subscribeAsync(monitor, { qos: 1 });
    type = await defineTestType(provider, {
      vendor: 'bustest',
      nss: 'cluster',
      behaviors: [
        {
          name: 'reconcile',
          execution: {
            type: 'MQTT',
            id: 'reconcile',
            execution_properties: { serviceId, invocation_timeout: 30 },
          },
        },
      ],
    });
    behaviorId = `urn:vcloud:behavior-interface:reconcile:${type.vendor}:${type.nss}:${type.version}`;
    const access = await provider.post(`${cloudapi}/entityTypes/${type.typeId}/behaviorAccessControls`, {
      behaviorId,
      accessLevelId: 'urn:vcloud:accessLevel:ReadOnly',
    });
    assert.ok(access.status === 201 || access.status === 200, access.text);
  });
  after(async () => {
    await extension?.endAsync(true);
    await sim?.close();
  });

  async function invoke(entityId: string, args: Record<string, unknown>) {
    const response = await provider.post(
      `${cloudapi}/entities/${entityId}/behaviors/${behaviorId}/invocations`,
      {
        arguments: args,
      },
    );
    assert.equal(response.status, 202, response.text);
    return provider.waitForTask(response.headers.get('location')!);
  }

  test('the invocation reaches the extension and its success completes the task with the result', async () => {
    const entity = await createEntity(provider, type.typeId, { name: 'demo', entity: { spec: { size: 1 } } });
    const task = await invoke(entity.id, { replicas: 3 });
    assert.equal(task.status, 'success', JSON.stringify(task));
    assert.equal(task.result?.resultContent, JSON.stringify({ done: true }));
    const invocation = invocations.at(-1)!;
    assert.equal(invocation.headers['entityId'], entity.id);
    assert.equal(invocation.headers['behaviorId'], behaviorId);
    assert.equal(invocation.headers['taskId'], task.id.split(':').pop());
    const payload = JSON.parse(invocation.payload) as { arguments: unknown; entityId: string };
    assert.deepEqual(payload.arguments, { replicas: 3 });
    assert.equal(payload.entityId, entity.id);
  });

  test('an error update fails the task with the extension error', async () => {
    const entity = await createEntity(provider, type.typeId, {
      name: 'demo2',
      entity: { spec: { size: 1 } },
    });
    const task = await invoke(entity.id, { fail: true });
    assert.equal(task.status, 'error');
    assert.match(task.error?.message ?? '', /cannot do that/);
  });
});
