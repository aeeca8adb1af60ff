/**
 * API-extension routing over real RabbitMQ: a test consumer written from the reference formats
 * (vcd-message-bus.md §1) plays the extension on a unique exchange.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import type { RunningSimulator } from '../../sim/server.ts';
import { SimAdmin, startTestSimulator, VcdClient, type VcdErrorBody } from '../helpers/vcd.ts';

const amqpUrl = 'amqp://guest:guest@127.0.0.1:5672';

type Replier = (message: ConsumeMessage, request: Record<string, unknown>) => Buffer | null | undefined;

describe('API extensions over AMQP', () => {
  const exchange = `test-ext-${randomUUID()}`;
  const routingKey = `cse-${randomUUID()}`;
  let sim: RunningSimulator;
  let connection: ChannelModel;
  let channel: Channel;
  let provider: VcdClient;
  let acme: VcdClient;
  let serviceHref: string;
  let replier: Replier = () => null;
  const received: { message: ConsumeMessage; payload: unknown[] }[] = [];

  function reply(message: ConsumeMessage, content: Buffer): void {
    channel.publish(
      message.properties.headers!['replyToExchange'] as string,
      message.properties.replyTo as string,
      content,
      {
        correlationId: message.properties.correlationId as string,
      },
    );
  }
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const okReply = (id: unknown, statusCode: number, body: unknown, headers: Record<string, unknown> = {}) =>
    json({
      id,
      headers: { 'Content-Type': 'application/json', ...headers },
      statusCode,
      body: Buffer.from(JSON.stringify(body)).toString('base64'),
      request: false,
    });

  before(async () => {
    sim = await startTestSimulator({ amqpUrl, extensionTimeoutMs: 1500 });
    provider = await VcdClient.provider(sim.url);
    acme = await VcdClient.login(sim.url, 'acme-admin', 'acme');
    connection = await amqp.connect(amqpUrl);
    channel = await connection.createChannel();
    await channel.assertExchange(exchange, 'direct', { durable: false, autoDelete: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, exchange, routingKey);
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        const payload = JSON.parse(message.content.toString('utf8')) as unknown[];
        received.push({ message, payload });
        const answer = replier(message, payload[0] as Record<string, unknown>);
        if (answer) reply(message, answer);
      },
      { noAck: true },
    );
    const created = await provider.post<{ href: string; id: string }>(
      '/api/admin/extension/service',
      {
        name: 'cse',
        namespace: 'cse',
        routingKey,
        exchange,
        enabled: true,
        apiFilters: { apiFilter: [{ urlPattern: '/api/cse' }, { urlPattern: '/api/cse/.*' }] },
      },
      { headers: { 'content-type': 'application/vnd.vmware.admin.service+json' } },
    );
    assert.equal(created.status, 201, created.text);
    serviceHref = created.body.href;
  });

  after(async () => {
    await connection?.close();
    await sim?.close();
  });

  test('a matching request reaches the exchange as [request, securityContext] and the reply becomes the response', async () => {
    replier = (_message, request) =>
      okReply(request['id'], 201, { created: true }, { Location: '/api/task/123', 'X-Extension': 'cse' });
    received.length = 0;
    const body = JSON.stringify({ name: 'demo', workers: 2 });
    const response = await acme.request('POST', '/api/cse/v1/clusters?page=2&x=a%20b', {
      rawBody: body,
      headers: { 'content-type': 'application/json', 'user-agent': 'cse-test/1.0' },
    });
    assert.equal(response.status, 201, response.text);
    assert.deepEqual(response.body, { created: true });
    assert.equal(response.headers.get('location'), '/api/task/123');
    assert.equal(response.headers.get('x-extension'), 'cse');

    assert.equal(received.length, 1);
    const { message, payload } = received[0]!;
    assert.equal(payload.length, 2);
    const [request, securityContext] = payload as [Record<string, unknown>, Record<string, unknown>];
    assert.equal(message.fields.exchange, exchange);
    assert.equal(message.fields.routingKey, routingKey);
    assert.equal(message.properties.correlationId, request['id']);
    assert.ok(message.properties.replyTo, 'reply_to is set');
    assert.equal(typeof message.properties.headers!['replyToExchange'], 'string');
    assert.equal(message.properties.headers!['messageType'], 'ProcessHttpRequest');

    assert.match(String(request['id']), /^[0-9a-f-]{36}$/);
    assert.equal(request['method'], 'POST');
    assert.equal(request['requestUri'], '/api/cse/v1/clusters');
    assert.equal(request['queryString'], 'page=2&x=a%20b');
    assert.equal(request['request'], true);
    assert.equal(request['scheme'], 'http');
    assert.equal(request['protocol'], 'HTTP/1.1');
    assert.equal(request['localAddr'], '127.0.0.1');
    assert.equal(typeof request['localPort'], 'number');
    assert.equal(typeof request['remotePort'], 'number');
    assert.equal(Buffer.from(String(request['body']), 'base64').toString('utf8'), body);
    const headers = request['headers'] as Record<string, string>;
    assert.equal(headers['Authorization'], `Bearer ${acme.token}`);
    assert.equal(headers['Accept'], 'application/*+json;version=37.2');
    assert.equal(headers['Content-Type'], 'application/json');
    assert.equal(headers['User-Agent'], 'cse-test/1.0');

    const state = await new SimAdmin(sim.url).state<{
      orgs: Record<string, { id: string; name: string }>;
      users: Record<string, { id: string; username: string }>;
    }>();
    const acmeOrg = Object.values(state.orgs).find((org) => org.name === 'acme')!;
    const acmeAdmin = Object.values(state.users).find((user) => user.username === 'acme-admin')!;
    assert.equal(securityContext['user'], acmeAdmin.id);
    assert.equal(securityContext['org'], acmeOrg.id);
    const rights = securityContext['rights'] as string[];
    assert.ok(rights.length > 0);
    assert.ok(rights.every((right) => /^urn:vcloud:right:[0-9a-f-]{36}$/.test(right)));
  });

  test('a GET has an empty body and a null query string', async () => {
    replier = (_message, request) => okReply(request['id'], 200, { version: '1.0.0' });
    received.length = 0;
    const response = await acme.get<{ version: string }>('/api/cse');
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body, { version: '1.0.0' });
    const request = received[0]!.payload[0] as Record<string, unknown>;
    assert.equal(request['body'], '');
    assert.equal(request['queryString'], null);
  });

  test('concurrent requests are matched to their replies by correlation id', async () => {
    const held: { message: ConsumeMessage; id: unknown; n: number }[] = [];
    replier = (message, request) => {
      const n = Number(new URLSearchParams(String(request['queryString'])).get('n'));
      held.push({ message, id: request['id'], n });
      if (held.length === 3) {
        for (const entry of [...held].reverse()) reply(entry.message, okReply(entry.id, 200, { n: entry.n }));
      }
      return null;
    };
    const responses = await Promise.all(
      [1, 2, 3].map((n) => acme.get<{ n: number }>(`/api/cse/echo?n=${n}`)),
    );
    assert.deepEqual(
      responses.map((response) => response.body.n),
      [1, 2, 3],
    );
  });

  test('no reply within the timeout gives 504 with VCD error body', async () => {
    replier = () => null;
    const started = Date.now();
    const response = await acme.get<VcdErrorBody>('/api/cse/slow');
    assert.equal(response.status, 504);
    assert.equal(response.body.minorErrorCode, 'GATEWAY_TIMEOUT');
    assert.equal(response.body.majorErrorCode, 504);
    assert.match(response.body.message, /did not reply/);
    assert.ok(Date.now() - started >= 1400);
  });

  test('malformed replies give 502 with a clear message, and the simulator keeps serving', async () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('not json'), /not JSON/],
      [json([1, 2]), /JSON object/],
      [json({ id: 'x', statusCode: 'lots', body: '' }), /statusCode/],
      [json({ id: 'x', statusCode: 200, body: '***' }), /base64/],
      [json({ id: 'x', statusCode: 200, headers: 'nope', body: '' }), /headers/],
    ];
    for (const [content, message] of cases) {
      replier = () => content;
      const response = await acme.get<VcdErrorBody>('/api/cse/broken');
      assert.equal(response.status, 502, response.text);
      assert.equal(response.body.minorErrorCode, 'BAD_GATEWAY');
      assert.match(response.body.message, message);
    }
    const alive = await acme.get('/cloudapi/1.0.0/sessions/current');
    assert.equal(alive.status, 200);
  });

  test('without a bearer the call is 401 and never reaches the extension', async () => {
    received.length = 0;
    const response = await new VcdClient(sim.url).get<VcdErrorBody>('/api/cse/v1/clusters');
    assert.equal(response.status, 401);
    assert.equal(received.length, 0);
  });

  test('paths no filter matches are 404; a disabled service routes nothing', async () => {
    replier = (_message, request) => okReply(request['id'], 200, {});
    assert.equal((await acme.get('/api/cse-other/x')).status, 404);
    assert.equal((await acme.get('/api/csev1')).status, 404);
    const current = await provider.get<Record<string, unknown>>(serviceHref);
    const disabled = await provider.put(serviceHref, { ...current.body, enabled: false });
    assert.equal(disabled.status, 200, disabled.text);
    received.length = 0;
    const response = await acme.get<VcdErrorBody>('/api/cse/v1/clusters');
    assert.equal(response.status, 404);
    assert.equal(received.length, 0);
    await provider.put(serviceHref, { ...current.body, enabled: true });
    assert.equal((await acme.get('/api/cse/v1/clusters')).status, 200);
  });

  test('a service whose exchange does not exist answers 502', async () => {
    const created = await provider.post<{ href: string }>('/api/admin/extension/service', {
      name: 'ghost',
      namespace: 'ghost',
      routingKey: 'ghost',
      exchange: `missing-${randomUUID()}`,
      enabled: true,
      apiFilters: { apiFilter: [{ urlPattern: '/api/ghost/.*' }] },
    });
    assert.equal(created.status, 201, created.text);
    const response = await acme.get<VcdErrorBody>('/api/ghost/x');
    assert.equal(response.status, 502);
    assert.match(response.body.message, /does not exist/);
    replier = (_message, request) => okReply(request['id'], 200, { after: true });
    assert.equal((await acme.get('/api/cse/after')).status, 200);
  });

  test('a finished task is published on the notifications topic exchange', async () => {
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, 'vcd.notifications20', 'true.#.com.vmware.vcloud.event.task.complete.#');
    const notifications: ConsumeMessage[] = [];
    await channel.consume(queue, (message) => message && notifications.push(message), { noAck: true });
    const started = await fetch(`${sim.url}/sim/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ org: 'acme', operationName: 'notifyTest', outcome: 'success' }),
    });
    assert.equal(started.status, 202);
    const task = await provider.waitForTask(started.headers.get('location')!);
    const taskUuid = task.id.split(':').pop()!;
    const deadline = Date.now() + 5000;
    let mine: ConsumeMessage | undefined;
    while (!mine && Date.now() < deadline) {
      mine = notifications.find((message) => message.fields.routingKey.startsWith(`true.${taskUuid}.`));
      if (!mine) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(mine, 'notification received');
    const orgUuid = task.organization.id.split(':').pop()!;
    const userUuid = task.user.id.split(':').pop()!;
    assert.equal(
      mine.fields.routingKey,
      `true.${taskUuid}.${orgUuid}.${userUuid}.com.vmware.vcloud.event.task.complete.notifyTest`,
    );
    const headers = mine.properties.headers!;
    assert.equal(headers['notification.type'], 'com/vmware/vcloud/event/task/complete');
    assert.equal(headers['notification.entityUUID'], taskUuid);
    assert.equal(headers['notification.orgUUID'], orgUuid);
    assert.equal(headers['notification.userUUID'], userUuid);
    assert.equal(headers['notification.operationSuccess'], 'true');
    assert.equal(headers['notification.taskUUID'], taskUuid);
    const body = JSON.parse(mine.content.toString('utf8')) as Record<string, unknown>;
    assert.equal(body['type'], 'com/vmware/vcloud/event/task/complete');
    assert.equal(body['entity'], task.id);
    assert.equal(body['operationSuccess'], true);
  });
});
