import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import amqp from 'amqplib';
import { Registry } from 'prom-client';
import { AmqpTransport, deadLetterReasonHeader, type AmqpTransportOptions } from '../../backend/bus/amqp.ts';
import type { ExtensionRequest } from '../../backend/bus/envelope.ts';
import { jsonResponse } from '../../backend/bus/responses.ts';
import type { RequestHandler } from '../../backend/bus/transport.ts';
import {
  FakeVcd,
  amqpUrl,
  capturedLogger,
  delay,
  tenantContext,
  uniqueName,
  vcdRequestArray,
} from './bus-fake-vcd.ts';

interface Setup {
  vcd: FakeVcd;
  transport: AmqpTransport;
  registry: Registry;
  logs: () => string[];
  seen: ExtensionRequest[];
  options: AmqpTransportOptions;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const echo: RequestHandler = async (request) =>
  jsonResponse(200, { path: request.path, method: request.method, org: request.securityContext.org });

async function setUp(
  handler: RequestHandler = echo,
  overrides: Partial<AmqpTransportOptions> = {},
  { start = true }: { start?: boolean } = {},
): Promise<Setup> {
  const exchange = uniqueName('ext');
  const routingKey = uniqueName('rk');
  const vcd = await FakeVcd.start(exchange, routingKey);
  const { logger, lines } = capturedLogger();
  const registry = new Registry();
  const seen: ExtensionRequest[] = [];
  const options: AmqpTransportOptions = {
    url: amqpUrl,
    exchange,
    routingKey,
    queue: routingKey,
    declare: true,
    queueType: 'quorum',
    prefetch: 16,
    reconnectInitialMs: 50,
    reconnectMaxMs: 400,
    replyAttempts: 3,
    maxInFlight: 16,
    maxBodyBytes: 4096,
    replyCacheTtlMs: 60_000,
    replyCacheSize: 1000,
    logger,
    registry,
    ...overrides,
  };
  const transport = new AmqpTransport(options);
  cleanups.push(async () => {
    await transport.stop(2000);
    await vcd.close(options.queue);
  });
  if (start) {
    await transport.start({
      request: (request) => {
        seen.push(request);
        return handler(request);
      },
    });
  }
  return { vcd, transport, registry, logs: lines, seen, options };
}

async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { value: number; labels: Record<string, string | number> }[];
  return values
    .filter((v) => Object.entries(labels).every(([key, value]) => String(v.labels[key]) === value))
    .reduce((sum, v) => sum + v.value, 0);
}

describe('AMQP transport', () => {
  it('answers a request on the reply exchange VCD named, with reply-to as routing key and the same correlation id', async () => {
    const { vcd, transport, seen, options } = await setUp();
    assert.equal(transport.status().ready, true);
    const correlationId = vcd.send({
      id: 'req-about',
      requestUri: '/api/cse/v1/clusters',
      queryString: 'page=1',
      headers: { Accept: 'application/json;version=37.2' },
    });
    const { reply, json, routingKey, exchange } = await vcd.reply(correlationId);
    assert.equal(exchange, vcd.replyExchange);
    assert.equal(routingKey, vcd.replyRoutingKey);
    assert.equal(reply.id, 'req-about');
    assert.equal(reply.statusCode, 200);
    assert.equal(reply.request, false);
    assert.equal(reply.headers['Content-Type'], 'application/json');
    assert.equal(reply.headers['Content-Length'], Buffer.from(JSON.stringify(json)).length);
    assert.deepEqual(json, { path: '/api/cse/v1/clusters', method: 'GET', org: tenantContext.org });
    assert.equal(seen[0]!.query.get('page'), '1');
    assert.equal(seen[0]!.headers['accept'], 'application/json;version=37.2');

    // Acked: nothing is left to redeliver once the transport has gone.
    await transport.stop(1000);
    assert.equal(await vcd.messageCount(options.queue), 0);
  });

  it('declares a durable quorum queue by default and a classic one when configured', async () => {
    const quorum = await setUp();
    const classic = await setUp(echo, { queueType: 'classic' });
    const connection = await amqp.connect(amqpUrl);
    try {
      for (const [setup, type, other] of [
        [quorum, 'quorum', 'classic'],
        [classic, 'classic', 'quorum'],
      ] as const) {
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        const args = {
          'x-queue-type': type,
          'x-dead-letter-exchange': `${setup.options.exchange}.dead-letter`,
        };
        await channel.assertQueue(setup.options.queue, { durable: true, arguments: args });
        await assert.rejects(
          channel.assertQueue(setup.options.queue, {
            durable: true,
            arguments: { ...args, 'x-queue-type': other },
          }),
          /PRECONDITION_FAILED/,
        );
      }
    } finally {
      await connection.close();
    }
  });

  it('with declare off, waits for the operator to create exchange and queue, saying which is missing', async () => {
    const setup = await setUp(echo, { declare: false });
    const status = setup.transport.status();
    assert.equal(status.ready, false);
    assert.match(
      status.detail ?? '',
      new RegExp(
        `exchange ${setup.options.exchange} or queue .* does not exist and bus.amqp.declare is false`,
      ),
    );

    const connection = await amqp.connect(amqpUrl);
    const channel = await connection.createChannel();
    await channel.assertExchange(setup.options.exchange, 'direct', { durable: true });
    await channel.assertQueue(setup.options.queue, { durable: true });
    await channel.bindQueue(setup.options.queue, setup.options.exchange, setup.options.routingKey);
    await connection.close();

    await setup.vcd.until(() => setup.transport.status().ready, 5000, 'the transport to find the queue');
    const reply = await setup.vcd.reply(setup.vcd.send());
    assert.equal(reply.reply.statusCode, 200);
  });

  it('dead-letters what it cannot decode, naming why, answers what it can, and keeps serving', async () => {
    const { vcd, options, registry, logs } = await setUp();
    const deadLetterQueue = `${options.queue}.dead-letter`;
    const [validRequest, context] = vcdRequestArray({ id: 'no-id' });
    delete (validRequest as Record<string, unknown>)['id'];
    const badBase64 = vcdRequestArray({ id: 'bad-b64' });
    (badBase64[0] as Record<string, unknown>)['body'] = '***not base64***';

    vcd.sendRaw(Buffer.from('Authorization: Bearer secret-user-token'));
    vcd.sendRaw(Buffer.from(JSON.stringify({ id: 'object-not-array' })));
    vcd.sendRaw(Buffer.from(JSON.stringify([validRequest, context])));
    vcd.sendRaw(Buffer.alloc(100_000, 0x20));
    vcd.send({ id: 'no-reply-exchange' }, { replyToExchange: null });
    vcd.sendRaw(Buffer.from(JSON.stringify(vcdRequestArray())), { replyTo: null });
    const base64Correlation = vcd.sendRaw(Buffer.from(JSON.stringify(badBase64)));
    const oversize = vcd.send({ id: 'too-big', method: 'POST', body: Buffer.alloc(5000, 7) });
    const good = vcd.send({ id: 'after-the-bad-ones' });

    assert.equal((await vcd.reply(good)).reply.statusCode, 200);
    const badBody = await vcd.reply(base64Correlation);
    assert.equal(badBody.reply.statusCode, 400);
    assert.equal(badBody.reply.id, 'bad-b64');
    assert.deepEqual(Object.keys(badBody.json as object).sort(), ['message', 'minorErrorCode']);
    assert.match((badBody.json as { message: string }).message, /not valid base64/);
    const tooBig = await vcd.reply(oversize);
    assert.equal(tooBig.reply.statusCode, 413);
    assert.match((tooBig.json as { message: string }).message, /5000 bytes, over the limit of 4096/);

    const expectedReasons = [
      'MESSAGE_TOO_LARGE',
      'MISSING_ID',
      'NOT_JSON',
      'NOT_REQUEST_ARRAY',
      'NO_REPLY_EXCHANGE',
      'NO_REPLY_TO',
    ];
    const deadLetters = await vcd.collect(deadLetterQueue, expectedReasons.length);
    const reasons = deadLetters.map((m) => String(m.properties.headers?.[deadLetterReasonHeader])).sort();
    assert.deepEqual(reasons, expectedReasons);
    assert.equal(await metricValue(registry, 'cse_bus_dead_lettered_total'), expectedReasons.length);
    assert.equal(vcd.replies.length, 3, 'only answerable requests are answered, each once');
    assert.equal(await vcd.messageCount(options.queue), 0);

    const logText = logs().join('\n');
    for (const reason of [
      'NOT_JSON',
      'NOT_REQUEST_ARRAY',
      'MISSING_ID',
      'MESSAGE_TOO_LARGE',
      'NO_REPLY_TO',
      'BODY_NOT_BASE64',
      'BODY_TOO_LARGE',
    ]) {
      assert.match(logText, new RegExp(`"reason":"${reason}"`));
    }
    assert.doesNotMatch(logText, /secret-user-token/);
  });

  it('answers a repeated request from the reply cache without running it twice', async () => {
    let runs = 0;
    const { vcd, registry } = await setUp(async (request) => {
      runs += 1;
      await delay(50);
      return jsonResponse(201, { run: runs, path: request.path });
    });
    const first = vcd.send({ id: 'dup-1', method: 'POST', body: '{}' });
    const second = vcd.send({ id: 'dup-1', method: 'POST', body: '{}' }); // arrives while the first still runs
    const [a, b] = await Promise.all([vcd.reply(first), vcd.reply(second)]);
    const third = await vcd.reply(vcd.send({ id: 'dup-1', method: 'POST', body: '{}' }));
    assert.equal(runs, 1);
    for (const reply of [a, b, third]) {
      assert.equal(reply.reply.statusCode, 201);
      assert.deepEqual(reply.json, { run: 1, path: '/api/cse/v1/about' });
    }
    assert.equal(await metricValue(registry, 'cse_bus_redeliveries_answered_from_cache_total'), 2);
  });

  it('answers 429 with a VCD error beyond maxInFlight instead of queueing', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { vcd, registry } = await setUp(
      async () => {
        await gate;
        return jsonResponse(200, { ok: true });
      },
      { maxInFlight: 2, prefetch: 10 },
    );
    const ids = Array.from({ length: 5 }, (_, i) => vcd.send({ id: `busy-${i}` }));
    await vcd.until(() => vcd.replies.length === 3, 3000, 'three 429 replies');
    for (const reply of vcd.replies) {
      assert.equal(reply.reply.statusCode, 429);
      assert.equal((reply.json as { minorErrorCode: string }).minorErrorCode, 'TOO_MANY_REQUESTS');
    }
    release();
    await vcd.until(() => vcd.replies.length === 5, 3000, 'all replies');
    assert.deepEqual(
      ids.map((id) => vcd.repliesTo(id).length),
      [1, 1, 1, 1, 1],
    );
    assert.equal(await metricValue(registry, 'cse_bus_requests_total', { status: '429' }), 3);
    assert.equal(await metricValue(registry, 'cse_bus_requests_total', { status: '200' }), 2);
  });

  it('answers later when the reply exchange appears, and dead-letters when it never does', async () => {
    let runs = 0;
    const { vcd, transport, options, logs } = await setUp(
      async () => {
        runs += 1;
        return jsonResponse(200, { ok: true });
      },
      { replyAttempts: 4, reconnectInitialMs: 100 },
    );
    const lateExchange = uniqueName('late-reply');
    const neverExchange = uniqueName('never-reply');
    const late = vcd.send({ id: 'late' }, { replyToExchange: lateExchange });
    const never = vcd.send({ id: 'never' }, { replyToExchange: neverExchange });
    await delay(150);
    // Meanwhile the worker stays up and answers others.
    assert.equal((await vcd.reply(vcd.send({ id: 'meanwhile' }))).reply.statusCode, 200);
    assert.equal(transport.status().ready, true);
    await vcd.createReplyExchange(lateExchange);

    const answered = await vcd.reply(late, 5000);
    assert.equal(answered.reply.id, 'late');
    assert.equal(answered.exchange, lateExchange);

    const deadLetterQueue = `${options.queue}.dead-letter`;
    await vcd.until(
      () => logs().some((line) => line.includes('"reason":"REPLY_EXCHANGE_MISSING"')),
      8000,
      'the never-answerable request to be dead-lettered',
    );
    const deadLetters = await vcd.collect(deadLetterQueue, 1);
    await delay(100);
    assert.equal((await vcd.drain(deadLetterQueue)).length, 0);
    assert.equal(deadLetters[0]!.properties.correlationId, never);
    assert.equal(
      String(deadLetters[0]!.properties.headers?.[deadLetterReasonHeader]),
      'REPLY_EXCHANGE_MISSING',
    );
    assert.equal(vcd.repliesTo(late).length, 1);
    assert.equal(vcd.repliesTo(never).length, 0);
    assert.equal(runs, 3, 'each request ran once, however often it was delivered');
  });
});
