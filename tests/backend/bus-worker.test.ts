import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { workerConfigSchema } from '../../backend/config/schema.ts';
import { jsonResponse } from '../../backend/bus/responses.ts';
import { startWorker, type RunningWorker } from '../../backend/main.ts';
import { productVersion } from '../../backend/version.ts';
import { FakeVcd, amqpUrl, capturedLogger, delay, uniqueName } from './bus-fake-vcd.ts';
import { FakeVcdMqtt } from './bus-fake-vcd-mqtt.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function amqpConfig(exchange: string, routingKey: string, url = amqpUrl) {
  return workerConfigSchema.parse({
    http: { port: 0 },
    shutdownTimeoutMs: 5000,
    bus: {
      transport: 'amqp',
      amqpUrl: url,
      amqp: { exchange, routingKey, reconnectInitialMs: 50, reconnectMaxMs: 200 },
    },
  });
}

async function readiness(
  worker: RunningWorker,
): Promise<{ status: number; body: { checks: { name: string; ready: boolean; detail?: string }[] } }> {
  const response = await fetch(`${worker.healthUrl}/readyz`);
  return {
    status: response.status,
    body: (await response.json()) as { checks: { name: string; ready: boolean; detail?: string }[] },
  };
}

describe('worker on the bus', () => {
  it('answers /api/cse/v1/about and a VCD-style 404 elsewhere over AMQP, and reports bus readiness and metrics', async () => {
    const exchange = uniqueName('ext');
    const routingKey = uniqueName('rk');
    const vcd = await FakeVcd.start(exchange, routingKey);
    const { logger } = capturedLogger();
    const worker = await startWorker(amqpConfig(exchange, routingKey), logger);
    cleanups.push(async () => {
      await worker.stop('test over');
      await vcd.close(routingKey);
    });

    const ready = await readiness(worker);
    assert.equal(ready.status, 200);
    assert.deepEqual(
      ready.body.checks.find((c) => c.name === 'bus (amqp)'),
      { name: 'bus (amqp)', ready: true },
    );

    const about = await vcd.reply(vcd.send({ requestUri: '/api/cse/v1/about' }));
    assert.equal(about.reply.statusCode, 200);
    assert.deepEqual(about.json, { name: 'cse', version: productVersion, transports: ['amqp'] });

    const missing = await vcd.reply(vcd.send({ method: 'DELETE', requestUri: '/api/cse/v1/nothing/here' }));
    assert.equal(missing.reply.statusCode, 404);
    assert.deepEqual(missing.json, {
      minorErrorCode: 'NOT_FOUND',
      message: 'No resource at DELETE /api/cse/v1/nothing/here',
    });

    // The latency is observed when the broker's confirm arrives, which can be just after VCD got the reply.
    let metrics = '';
    for (let i = 0; i < 20 && !/cse_bus_reply_latency_seconds_count\{[^}]*\} 2/.test(metrics); i += 1) {
      metrics = await (await fetch(`${worker.healthUrl}/metrics`)).text();
      await delay(25);
    }
    assert.match(metrics, /cse_bus_requests_total\{[^}]*status="200"[^}]*\} 1/);
    assert.match(metrics, /cse_bus_requests_total\{[^}]*status="404"[^}]*\} 1/);
    assert.match(metrics, /cse_bus_reply_latency_seconds_count\{[^}]*transport="amqp"[^}]*\} 2/);
  });

  it('on stop, stops consuming, lets the request in flight reply, then closes', async () => {
    const exchange = uniqueName('ext');
    const routingKey = uniqueName('rk');
    const vcd = await FakeVcd.start(exchange, routingKey);
    const { logger, lines } = capturedLogger();
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let runs = 0;
    const worker = await startWorker(amqpConfig(exchange, routingKey), logger, {
      request: async () => {
        runs += 1;
        entered();
        await delay(300);
        return jsonResponse(200, { finished: true });
      },
    });
    cleanups.push(() => vcd.close(routingKey));

    const inFlight = vcd.send({ id: 'in-flight' });
    await inHandler;
    const stopping = worker.stop('SIGTERM');
    await delay(50);
    const afterStop = vcd.send({ id: 'after-stop' }); // stays queued for another replica
    await stopping;

    assert.deepEqual((await vcd.reply(inFlight, 1000)).json, { finished: true });
    assert.equal(vcd.repliesTo(afterStop).length, 0);
    assert.equal(runs, 1);
    assert.equal(
      await vcd.messageCount(routingKey),
      1,
      'the in-flight request was acked; the later one waits',
    );
    const messages = lines().map((line) => (JSON.parse(line) as { msg: string }).msg);
    assert.ok(messages.indexOf('amqp transport stopped') < messages.indexOf('worker stopped'));
    await assert.rejects(fetch(`${worker.healthUrl}/readyz`));
  });

  it('starts and reports not ready, with the reason, while the broker is unreachable', async () => {
    const { logger } = capturedLogger();
    const started = Date.now();
    const worker = await startWorker(
      amqpConfig(uniqueName('ext'), uniqueName('rk'), 'amqp://guest:guest@127.0.0.1:1'),
      logger,
    );
    cleanups.push(() => worker.stop('test over'));
    assert.ok(Date.now() - started < 3000);
    const ready = await readiness(worker);
    assert.equal(ready.status, 503);
    const bus = ready.body.checks.find((c) => c.name === 'bus (amqp)');
    assert.equal(bus?.ready, false);
    assert.match(bus?.detail ?? '', /cannot reach the AMQP broker at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1/);
  });

  it('serves the same handler over MQTT with the extension token', async () => {
    const vcd = await FakeVcdMqtt.start();
    const { logger } = capturedLogger();
    const worker = await startWorker(
      workerConfigSchema.parse({
        http: { port: 0 },
        bus: { transport: 'mqtt', mqtt: { url: vcd.url, token: vcd.token } },
      }),
      logger,
    );
    cleanups.push(async () => {
      await worker.stop('test over');
      await vcd.close();
    });
    assert.equal((await readiness(worker)).status, 200);
    const about = await vcd.response(await vcd.request({ requestUri: '/api/cse/v1/about' }));
    assert.deepEqual(about.json, { name: 'cse', version: productVersion, transports: ['mqtt'] });
  });
});
