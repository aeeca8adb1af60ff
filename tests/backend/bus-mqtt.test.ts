import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { BehaviorError } from '../../backend/bus/behavior-envelope.ts';
import type { ExtensionRequest } from '../../backend/bus/envelope.ts';
import { MqttTransport, type MqttTransportOptions } from '../../backend/bus/mqtt.ts';
import { jsonResponse } from '../../backend/bus/responses.ts';
import type { BehaviorHandler, RequestHandler } from '../../backend/bus/transport.ts';
import { capturedLogger, delay, tenantContext } from './bus-fake-vcd.ts';
import { FakeVcdMqtt, extension } from './bus-fake-vcd-mqtt.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(
  handlers: { request?: RequestHandler; behavior?: BehaviorHandler } = {},
  overrides: Partial<MqttTransportOptions> = {},
) {
  const vcd = await FakeVcdMqtt.start();
  const registry = new Registry();
  const { logger, lines } = capturedLogger();
  const seen: ExtensionRequest[] = [];
  const transport = new MqttTransport({
    url: vcd.url,
    extension,
    token: vcd.token,
    qos: 1,
    reconnectMs: 100,
    maxInFlight: 8,
    maxBodyBytes: 4096,
    replyCacheTtlMs: 60_000,
    replyCacheSize: 100,
    logger,
    registry,
    ...overrides,
  });
  cleanups.push(async () => {
    await transport.stop(1000);
    await vcd.close();
  });
  await transport.start({
    request: (request) => {
      seen.push(request);
      return (
        handlers.request ?? (async (r) => jsonResponse(200, { path: r.path, user: r.securityContext.user }))
      )(request);
    },
    behavior: handlers.behavior,
  });
  return { vcd, transport, registry, seen, logs: lines };
}

async function counter(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return ((metric?.values ?? []) as { value: number; labels: Record<string, string | number> }[])
    .filter((v) => Object.entries(labels).every(([k, value]) => String(v.labels[k]) === value))
    .reduce((sum, v) => sum + v.value, 0);
}

describe('MQTT transport', () => {
  it('logs in with the extension token and answers API_REQUEST with API_RESPONSE on the respond topic', async () => {
    const { vcd, transport, seen } = await setUp();
    assert.equal(transport.status().ready, true);
    const requestId = await vcd.request({ requestUri: '/api/cse/v1/clusters', queryString: 'pageSize=5' });
    const response = await vcd.response(requestId);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json, { path: '/api/cse/v1/clusters', user: tenantContext.user });
    assert.equal(response.headers['Content-Type'], 'application/json');
    assert.equal(seen[0]!.transport, 'mqtt');
    assert.equal(seen[0]!.query.get('pageSize'), '5');
    assert.equal(seen[0]!.headers['authorization'], 'Bearer caller-jwt');
  });

  it('is not ready, and says why, when the broker refuses the token', async () => {
    const vcd = await FakeVcdMqtt.start();
    const { logger, lines } = capturedLogger();
    const transport = new MqttTransport({
      url: vcd.url,
      extension,
      token: 'wrong-token',
      qos: 1,
      reconnectMs: 100,
      maxInFlight: 8,
      maxBodyBytes: 4096,
      replyCacheTtlMs: 1000,
      replyCacheSize: 10,
      logger,
      registry: new Registry(),
    });
    cleanups.push(async () => {
      await transport.stop(500);
      await vcd.close();
    });
    await transport.start({ request: async () => jsonResponse(200, {}) });
    const status = transport.status();
    assert.equal(status.ready, false);
    assert.match(status.detail ?? '', /refused the extension token \(bus\.mqtt\.token\)/);
    assert.doesNotMatch(lines().join('\n'), /wrong-token/);
  });

  it('answers what it can of bad input, drops the rest with a reason, ignores other types, and keeps serving', async () => {
    const { vcd, registry, logs } = await setUp();
    await vcd.publishRaw('not json at all, Bearer secret-user-token');
    await vcd.publishRaw(JSON.stringify({ type: 'EVENT', headers: {}, payload: '{}' }));
    await vcd.publishRaw(JSON.stringify({ type: 'API_REQUEST', headers: {} }));
    await vcd.publishRaw(
      JSON.stringify({ type: 'API_REQUEST', headers: { requestId: 'bad-b64' }, httpRequest: '***' }),
    );
    const oversize = await vcd.request({ method: 'POST', body: Buffer.alloc(5000, 1) });
    const good = await vcd.request();

    assert.equal((await vcd.response(good)).statusCode, 200);
    const badBase64 = await vcd.response('bad-b64');
    assert.equal(badBase64.statusCode, 400);
    assert.deepEqual(Object.keys(badBase64.json as object).sort(), ['message', 'minorErrorCode']);
    assert.equal((await vcd.response(oversize)).statusCode, 413);
    assert.equal(await counter(registry, 'cse_bus_dropped_messages_total', { reason: 'NOT_JSON' }), 1);
    assert.equal(await counter(registry, 'cse_bus_dropped_messages_total', { reason: 'MISSING_ID' }), 1);
    assert.equal(vcd.received.length, 3);
    assert.doesNotMatch(logs().join('\n'), /secret-user-token/);
  });

  it('runs a behaviour invocation with running updates, then success with the result', async () => {
    let runs = 0;
    const { vcd, registry } = await setUp({
      behavior: async (invocation, report) => {
        runs += 1;
        if (invocation.arguments['fail'])
          throw new BehaviorError('Cluster is not ready', 'CLUSTER_NOT_READY', 409);
        await report({ operation: 'Reading kubeconfig', progress: 30 });
        await report({ operation: 'Signing', progress: 60 });
        return { kubeconfig: 'apiVersion: v1', entity: invocation.entityId, org: invocation.context.org };
      },
    });
    const taskId = await vcd.invoke('urn:vcloud:behavior-interface:getKubeconfig:vmware:cse:1.0.0');
    await vcd.until(
      () => vcd.taskUpdates(taskId).some((u) => u['status'] === 'success'),
      5000,
      'task success',
    );
    const updates = vcd.taskUpdates(taskId);
    assert.deepEqual(
      updates.map((u) => [u['status'], u['progress']]),
      [
        ['running', 30],
        ['running', 60],
        ['success', 100],
      ],
    );
    assert.equal(updates[0]!['operation'], 'Reading kubeconfig');
    const result = JSON.parse((updates[2]!['result'] as { resultContent: string }).resultContent) as Record<
      string,
      string
    >;
    assert.equal(result['kubeconfig'], 'apiVersion: v1');
    assert.equal(result['org'], tenantContext.org);
    const response = vcd.received.find((m) => m.type === 'BEHAVIOR_RESPONSE')!;
    assert.equal(response.headers['contentType'], 'application/vnd.vmware.vcloud.task+json');

    const failing = await vcd.invoke('urn:vcloud:behavior-interface:getKubeconfig:vmware:cse:1.0.0', {
      fail: true,
    });
    await vcd.until(() => vcd.taskUpdates(failing).length > 0, 5000, 'task error');
    assert.deepEqual(vcd.taskUpdates(failing), [
      {
        status: 'error',
        error: { majorErrorCode: 409, minorErrorCode: 'CLUSTER_NOT_READY', message: 'Cluster is not ready' },
      },
    ]);

    // VCD delivering the same task again does not run it again.
    await vcd.invoke('urn:vcloud:behavior-interface:getKubeconfig:vmware:cse:1.0.0', {}, taskId);
    await delay(200);
    assert.equal(runs, 2);
    assert.equal(await counter(registry, 'cse_bus_behavior_invocations_total', { status: 'success' }), 1);
    assert.equal(await counter(registry, 'cse_bus_behavior_invocations_total', { status: 'error' }), 1);
  });

  it('fails an invocation on its task when no behaviour handler is installed', async () => {
    const { vcd } = await setUp();
    const taskId = await vcd.invoke('urn:vcloud:behavior-interface:unknown:vmware:cse:1.0.0');
    await vcd.until(() => vcd.taskUpdates(taskId).length > 0, 5000, 'task error');
    const [update] = vcd.taskUpdates(taskId);
    assert.equal(update!['status'], 'error');
    assert.match(
      (update!['error'] as { message: string }).message,
      /No handler for behaviour urn:vcloud:behavior-interface:unknown/,
    );
  });

  it('answers 429 beyond maxInFlight and answers a repeated request id from the cache', async () => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { vcd } = await setUp(
      {
        request: async () => {
          runs += 1;
          await gate;
          return jsonResponse(200, { run: runs });
        },
      },
      { maxInFlight: 1 },
    );
    const first = await vcd.request({ id: 'slow-1' });
    await delay(50);
    const second = await vcd.request({ id: 'slow-2' });
    assert.equal((await vcd.response(second)).statusCode, 429);
    release();
    assert.equal((await vcd.response(first)).statusCode, 200);
    await vcd.request({ id: 'slow-1' });
    await vcd.until(() => vcd.responsesTo('slow-1').length === 2, 5000, 'the repeated answer');
    assert.equal(runs, 1);
  });

  it('reconnects by itself after the broker drops its connection', async () => {
    const { vcd, transport, registry } = await setUp();
    assert.equal((await vcd.response(await vcd.request())).statusCode, 200);
    assert.ok(vcd.dropAllConnections() >= 2);
    await vcd.until(() => !transport.status().ready, 2000, 'the transport to notice');
    await vcd.until(() => transport.status().ready && vcd.vcdConnected, 5000, 'both sides back');
    await delay(100); // VCD's own client resubscribes after its reconnect
    assert.equal((await vcd.response(await vcd.request())).statusCode, 200);
    assert.ok((await counter(registry, 'cse_bus_reconnects_total')) >= 1);
  });
});
