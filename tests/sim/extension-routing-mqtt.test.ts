/**
 * API-extension routing over the simulator's embedded MQTT broker (WebSocket at /messaging/mqtt):
 * a test extension written from the reference formats (vcd-message-bus.md §2.4–2.5, §3.8).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdErrorBody, type VcdResponse } from '../helpers/vcd.ts';

interface ApiRequestMessage {
  type: string;
  headers: { requestId: string; context: Record<string, unknown> };
  httpRequest: string;
  linkApiBaseUrl: string;
}

type Responder = (request: ApiRequestMessage) => unknown;

describe('API extensions over the embedded MQTT broker', () => {
  const identity = { vendor: 'VMWare', name: 'cse', version: '1.0.0' };
  const username = `${identity.vendor}/${identity.name}/${identity.version}`;
  const extensionId = `urn:vcloud:extension-api:${identity.vendor}:${identity.name}:${identity.version}`;
  const monitor = `topic/extension/${username}/ext`;
  const respond = `topic/extension/${username}/vcd`;
  let sim: RunningSimulator;
  let provider: VcdClient;
  let acme: VcdClient;
  let brokerUrl: string;
  let token: string;
  let extension: MqttClient;
  let responder: Responder = () => undefined;
  const requests: ApiRequestMessage[] = [];

  const connect = (user: string, password: string) =>
    mqtt.connectAsync(brokerUrl, {
      username: user,
      password,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
  const apiResponse = (
    requestId: string,
    statusCode: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => ({
    type: 'API_RESPONSE',
    headers: { requestId },
    httpResponse: {
      statusCode,
      headers: { 'Content-Type': 'application/json', ...headers },
      body: Buffer.from(JSON.stringify(body)).toString('base64'),
    },
  });

  before(async () => {
    sim = await startTestSimulator({ extensionTimeoutMs: 1500 });
    brokerUrl = `${sim.url.replace('http://', 'ws://')}/messaging/mqtt`;
    provider = await VcdClient.provider(sim.url);
    acme = await VcdClient.login(sim.url, 'acme-author', 'acme');
  });
  after(async () => {
    await extension?.endAsync(true);
    await sim?.close();
  });

  test('cloudapi registration answers the MQTT topics and the legacy uuid in a Link header', async () => {
    const created = await provider.post<Record<string, unknown>>('/cloudapi/extensions/api', {
      ...identity,
      priority: 100,
      enabled: 'true',
      authorizationEnabled: 'false',
      description: 'Container Service Extension',
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body['id'], extensionId);
    assert.deepEqual(created.body['mqttTopics'], { monitor, respond });
    assert.equal(created.body['enabled'], true);
    assert.equal(created.body['authorizationEnabled'], false);
    const link = created.headers.get('link') ?? '';
    const uuid = /\/api\/admin\/extension\/service\/([0-9a-f-]{36})>/.exec(link)?.[1];
    assert.ok(uuid, `Link: ${link}`);
    // CSE adds its filters through the legacy API, with the uuid from that header.
    for (const urlPattern of ['/api/mqttEndpoint/cse', '/api/cse/.*']) {
      const legacy: VcdResponse = await provider.post(`/api/admin/extension/service/${uuid}/apifilters`, {
        urlPattern,
      });
      assert.equal(legacy.status, 201, legacy.text);
    }
    const cloudapiFilter = await provider.post('/cloudapi/1.0.0/apiFilters', {
      externalSystem: { id: extensionId, name: 'cse' },
      urlMatcher: { urlPattern: '/api/cse', urlScope: 'API' },
    });
    assert.equal(cloudapiFilter.status, 201, cloudapiFilter.text);
  });

  test('the extension logs in with its EXTENSION token and may subscribe only to its monitor topic', async () => {
    const created = await provider.post<{ token: string }>('/cloudapi/1.0.0/tokens', {
      name: username,
      type: 'EXTENSION',
      extensionId,
    });
    assert.equal(created.status, 200, created.text);
    token = created.body.token;
    extension = await connect(username, token);
    extension.on('message', (topic, payload) => {
      if (topic !== monitor) return;
      const message = JSON.parse(payload.toString('utf8')) as ApiRequestMessage;
      if (message.type !== 'API_REQUEST') return;
      requests.push(message);
      const answer = responder(message);
      if (answer !== undefined) void extension.publishAsync(respond, JSON.stringify(answer), { qos: 1 });
    });
    const granted = await extension.subscribeAsync(monitor, { qos: 1 });
    assert.equal(granted[0]!.qos, 1);
    // A refused subscription is granted QoS 128, which mqtt.js reports as an error.
    await assert.rejects(
      extension.subscribeAsync('topic/extension/other/x/1.0.0/ext', { qos: 1 }),
      /Subscribe error/,
    );
  });

  test('bad credentials are refused by the broker', async () => {
    await assert.rejects(connect(username, 'not-the-token'), /Bad user ?name or password/i);
    await assert.rejects(connect('VMWare/other/1.0.0', token), /Bad user ?name or password/i);
    await assert.rejects(connect('acme-author@acme', 'not-a-session'), /Bad user ?name or password/i);
    // VCD's notification clients log in as user@org with their session token.
    const user = await connect('acme-author@acme', acme.token!);
    await user.endAsync(true);
  });

  test('a matching request arrives as API_REQUEST and the API_RESPONSE becomes the HTTP response', async () => {
    responder = (request) =>
      apiResponse(request.headers.requestId, 202, { accepted: true }, { Location: '/api/task/abc' });
    requests.length = 0;
    const body = '{"name":"demo"}';
    const response = await acme.request('POST', '/api/cse/v1/clusters?dryRun=true', {
      rawBody: body,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.status, 202, response.text);
    assert.deepEqual(response.body, { accepted: true });
    assert.equal(response.headers.get('location'), '/api/task/abc');

    assert.equal(requests.length, 1);
    const request = requests[0]!;
    assert.match(request.headers.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(request.linkApiBaseUrl, `${sim.url}/api`);
    const context = request.headers.context;
    assert.equal(context['apiAccessToken'], acme.token);
    assert.match(String(context['user']), /^urn:vcloud:user:/);
    assert.match(String(context['org']), /^urn:vcloud:org:/);
    assert.ok(Array.isArray(context['rights']));

    const decoded = JSON.parse(Buffer.from(request.httpRequest, 'base64').toString('utf8')) as {
      message: Record<string, unknown>;
      securityContext: Record<string, unknown>;
      context: unknown;
    };
    assert.deepEqual(decoded.securityContext, context);
    assert.deepEqual(decoded.context, {});
    const message = decoded.message;
    assert.equal(message['request'], true, 'Jackson names the isRequest()/setRequest() property "request"');
    assert.equal(message['isRequest'], undefined);
    assert.equal(message['id'], request.headers.requestId);
    assert.equal(message['method'], 'POST');
    assert.equal(message['requestUri'], '/api/cse/v1/clusters');
    assert.equal(message['queryString'], 'dryRun=true');
    assert.equal(Buffer.from(String(message['body']), 'base64').toString('utf8'), body);
    const headers = message['headers'] as Record<string, string>;
    assert.equal(headers['Authorization'], `Bearer ${acme.token}`);
    assert.equal(headers['Accept'], 'application/*+json;version=37.2');
  });

  test('answers go to the request they name, even when they come in another order', async () => {
    const held: ApiRequestMessage[] = [];
    responder = (request) => {
      held.push(request);
      if (held.length === 2) {
        for (const entry of [...held].reverse()) {
          const n = JSON.parse(Buffer.from(entry.httpRequest, 'base64').toString('utf8')).message.queryString;
          void extension.publishAsync(
            respond,
            JSON.stringify(apiResponse(entry.headers.requestId, 200, { n })),
            { qos: 1 },
          );
        }
      }
      return undefined;
    };
    const [first, second] = await Promise.all([
      acme.get<{ n: string }>('/api/cse?a'),
      acme.get<{ n: string }>('/api/cse?b'),
    ]);
    assert.equal(first!.body.n, 'a');
    assert.equal(second!.body.n, 'b');
  });

  test('no API_RESPONSE within the timeout gives 504; other message types are ignored', async () => {
    responder = (request) => ({
      type: 'SOMETHING_ELSE',
      headers: { requestId: request.headers.requestId },
      payload: '',
    });
    const response = await acme.get<VcdErrorBody>('/api/mqttEndpoint/cse');
    assert.equal(response.status, 504);
    assert.equal(response.body.minorErrorCode, 'GATEWAY_TIMEOUT');
  });

  test('malformed API_RESPONSEs give 502 with a clear message', async () => {
    const cases: [(id: string) => unknown, RegExp][] = [
      [(id) => ({ type: 'API_RESPONSE', headers: { requestId: id } }), /httpResponse/],
      [
        (id) => ({
          type: 'API_RESPONSE',
          headers: { requestId: id },
          httpResponse: { statusCode: 99, body: '' },
        }),
        /statusCode/,
      ],
      [
        (id) => ({
          type: 'API_RESPONSE',
          headers: { requestId: id },
          httpResponse: { statusCode: 200, body: 42 },
        }),
        /body/,
      ],
    ];
    for (const [build, pattern] of cases) {
      responder = (request) => build(request.headers.requestId);
      const response = await acme.get<VcdErrorBody>('/api/cse/broken');
      assert.equal(response.status, 502, response.text);
      assert.equal(response.body.minorErrorCode, 'BAD_GATEWAY');
      assert.match(response.body.message, pattern);
    }
  });

  test('disabling the extension stops the routing; deleting needs it disabled first', async () => {
    const current = await provider.get<Record<string, unknown>>(`/cloudapi/extensions/api/${extensionId}`);
    const refused = await provider.delete<VcdErrorBody>(`/cloudapi/extensions/api/${extensionId}`);
    assert.equal(refused.status, 400);
    const disabled = await provider.put<Record<string, unknown>>(`/cloudapi/extensions/api/${extensionId}`, {
      ...current.body,
      enabled: false,
    });
    assert.equal(disabled.status, 200, disabled.text);
    requests.length = 0;
    assert.equal((await acme.get('/api/cse/v1/clusters')).status, 404);
    assert.equal(requests.length, 0);
    assert.equal((await provider.delete(`/cloudapi/extensions/api/${extensionId}`)).status, 204);
    assert.equal((await provider.get(`/cloudapi/extensions/api/${extensionId}`)).status, 404);
  });
});
