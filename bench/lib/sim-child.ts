/**
 * Child-process entry: the simulator on a free loopback port, admin endpoints on, routing API extensions to
 * RabbitMQ when given a URL (else its embedded MQTT broker only). Sends `{url}` to the parent once listening.
 * Options come as JSON in `CSE_BENCH_SIM`.
 */
import { startSimulator } from '../../sim/server.ts';
import { serveParent } from './child-process.ts';

export interface SimChildOptions {
  amqpUrl?: string;
  speed: number;
  /** Real ms VCD waits for an extension's reply (the simulator's default is 30 s divided by the speed). */
  extensionTimeoutMs?: number;
}

const options = JSON.parse(process.env['CSE_BENCH_SIM'] ?? '{}') as SimChildOptions;
const sim = await startSimulator({
  host: '127.0.0.1',
  port: 0,
  speed: options.speed,
  seed: 1,
  admin: true,
  amqpUrl: options.amqpUrl,
  extensionTimeoutMs: options.extensionTimeoutMs,
});
serveParent(() => sim.close());
process.send!({ url: sim.url });
