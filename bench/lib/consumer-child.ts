/**
 * Child-process entry for one benchmark variant: the real worker (`startWorker`, its default handlers: the
 * `/api/cse` router and the cluster lifecycle), or a bare reference consumer. Options come as JSON in
 * `CSE_BENCH_CONSUMER`; the parent gets `{ready: true}` once the variant consumes.
 */
import { workerConfigSchema } from '../../backend/config/schema.ts';
import { startWorker } from '../../backend/main.ts';
import { baselineAnswer, echoAnswer, startBareConsumer, type BareConsumerOptions } from './bare-consumers.ts';
import { serveParent } from './child-process.ts';

export type Variant = 'worker' | 'baseline' | 'echo';

export interface ConsumerChildOptions extends BareConsumerOptions {
  variant: Variant;
  /** The worker's service-account API token (from `cse install`). */
  apiToken: string;
}

const options = JSON.parse(process.env['CSE_BENCH_CONSUMER'] ?? '{}') as ConsumerChildOptions;

async function startVariant(): Promise<() => Promise<void>> {
  if (options.variant !== 'worker') {
    const answer = options.variant === 'baseline' ? baselineAnswer(options) : echoAnswer();
    const consumer = await startBareConsumer(options, answer);
    return () => consumer.stop();
  }
  // The configuration an operator would run with: defaults, except where the bench names its own queue.
  const config = workerConfigSchema.parse({
    http: { port: 0 },
    vcd: { url: options.vcdUrl, org: 'System', apiToken: options.apiToken },
    bus: {
      transport: 'amqp',
      amqpUrl: options.amqpUrl,
      amqp: {
        exchange: options.exchange,
        routingKey: options.routingKey,
        queue: options.queue,
        prefetch: options.prefetch,
      },
    },
  });
  const worker = await startWorker(config);
  for (let i = 0; !worker.transport?.status().ready; i++) {
    if (i > 400) throw new Error(`the worker did not start consuming: ${worker.transport?.status().detail}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return () => worker.stop('benchmark variant over');
}

const stop = await startVariant();
serveParent(stop);
process.send!({ ready: true });
