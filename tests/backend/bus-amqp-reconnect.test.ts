import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { AmqpTransport } from '../../backend/bus/amqp.ts';
import { jsonResponse } from '../../backend/bus/responses.ts';
import type { RequestHandler } from '../../backend/bus/transport.ts';
import {
  FakeVcd,
  amqpUrl,
  capturedLogger,
  closeConnectionFromBroker,
  delay,
  uniqueName,
} from './bus-fake-vcd.ts';

// The broker closes the worker's connection with `rabbitmqctl close_connection`, picked by its
// connection name, so other suites using the same broker are not disturbed.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(handler: RequestHandler) {
  const exchange = uniqueName('ext');
  const routingKey = uniqueName('rk');
  const connectionName = uniqueName('worker-conn');
  const vcd = await FakeVcd.start(exchange, routingKey);
  const registry = new Registry();
  const { logger } = capturedLogger();
  const transport = new AmqpTransport({
    url: amqpUrl,
    exchange,
    routingKey,
    queue: routingKey,
    declare: true,
    queueType: 'quorum',
    prefetch: 8,
    reconnectInitialMs: 50,
    reconnectMaxMs: 500,
    replyAttempts: 3,
    maxInFlight: 32,
    maxBodyBytes: 64 * 1024,
    replyCacheTtlMs: 60_000,
    replyCacheSize: 1000,
    logger,
    registry,
    connectionName,
  });
  cleanups.push(async () => {
    await transport.stop(2000);
    await vcd.close(routingKey);
  });
  await transport.start({ request: handler });
  return { vcd, transport, registry, connectionName };
}

async function counter(registry: Registry, name: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return ((metric?.values ?? []) as { value: number }[]).reduce((sum, v) => sum + v.value, 0);
}

describe('AMQP transport when the broker drops the connection', () => {
  it('answers every request of a stream once per run, reconnecting by itself', async (t) => {
    const runs = new Map<string, number>();
    const { vcd, transport, registry, connectionName } = await setUp(async (request) => {
      runs.set(request.id, (runs.get(request.id) ?? 0) + 1);
      await delay(15);
      return jsonResponse(200, { id: request.id });
    });
    const total = 60;
    const sent: string[] = [];
    const sending = (async () => {
      for (let i = 0; i < total; i += 1) {
        sent.push(vcd.send({ id: `stream-${i}` }));
        await delay(8);
      }
    })();
    await vcd.until(() => vcd.replies.length >= 10, 5000, 'the stream to get going');
    await closeConnectionFromBroker(connectionName);
    await sending;
    await vcd.until(() => sent.every((c) => vcd.repliesTo(c).length > 0), 15_000, 'every request answered');

    for (const [index, correlationId] of sent.entries()) {
      const replies = vcd.repliesTo(correlationId);
      // A reply the broker took but whose confirm died with the connection is sent again: identical.
      assert.ok(replies.every((r) => JSON.stringify(r.reply) === JSON.stringify(replies[0]!.reply)));
      assert.equal(replies[0]!.reply.id, `stream-${index}`);
      assert.equal(replies[0]!.reply.statusCode, 200);
    }
    assert.ok(
      [...runs.values()].every((count) => count === 1),
      'no request ran twice',
    );
    assert.equal(runs.size, total);
    assert.ok((await counter(registry, 'cse_bus_reconnects_total')) >= 1);
    await vcd.until(() => transport.status().ready, 5000, 'ready again');
    const duplicates = sent.reduce((sum, c) => sum + vcd.repliesTo(c).length - 1, 0);
    t.diagnostic(`repeated replies after the kill: ${duplicates}`);
    assert.ok(duplicates <= 8, `at most one prefetch window of repeated replies, got ${duplicates}`);
  });

  it('answers a request whose connection vanished mid-flight exactly once, from the reply cache', async () => {
    let runs = 0;
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { vcd, transport, registry, connectionName } = await setUp(async () => {
      runs += 1;
      entered();
      await gate;
      return jsonResponse(202, { accepted: true });
    });
    const correlationId = vcd.send({ id: 'mid-flight', method: 'POST', body: '{}' });
    await inHandler;
    await closeConnectionFromBroker(connectionName);
    await vcd.until(() => transport.status().ready, 5000, 'reconnected');
    release();
    const reply = await vcd.reply(correlationId, 5000);
    assert.equal(reply.reply.statusCode, 202);
    await delay(300);
    assert.equal(vcd.repliesTo(correlationId).length, 1);
    assert.equal(runs, 1);
    assert.equal(await counter(registry, 'cse_bus_redeliveries_answered_from_cache_total'), 1);
    assert.equal(await vcd.messageCount(vcd.routingKey), 0);
  });
});
