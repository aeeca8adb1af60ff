/**
 * Plays Cloud Director's side of the legacy API extension as load: publishes forwarded requests to the extension's
 * exchange with VCD's properties (`correlation_id`, `reply_to`, headers `replyToExchange` and
 * `messageType: ProcessHttpRequest`), keeps a fixed number in flight, and times each one until its reply arrives on
 * its own reply exchange and queue.
 */
import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel } from 'amqplib';

export interface OutgoingRequest {
  id: string;
  content: Buffer;
}

export interface LoadResult {
  /** Latency of each answered request, ms. */
  latenciesMs: number[];
  /** Wall time from the first publish to the last reply, ms. */
  elapsedMs: number;
  /** Replies whose status was not 200, by status. */
  failures: Map<number, number>;
  /** Requests without a reply when the run gave up. */
  unanswered: number;
}

interface Pending {
  startedAt: number;
  resolve: (reply: { statusCode: number; id: string } | undefined) => void;
}

export class VcdPublisher {
  private readonly pending = new Map<string, Pending>();

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
    readonly replyExchange: string,
    private readonly replyRoutingKey: string,
  ) {}

  static async open(amqpUrl: string, namePrefix: string): Promise<VcdPublisher> {
    const connection = await amqp.connect(amqpUrl);
    const channel = await connection.createChannel();
    const replyExchange = `${namePrefix}-vcd-replies`;
    const replyRoutingKey = 'cell-1';
    await channel.assertExchange(replyExchange, 'direct', { durable: false, autoDelete: false });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, replyExchange, replyRoutingKey);
    const publisher = new VcdPublisher(connection, channel, replyExchange, replyRoutingKey);
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        const waiting = publisher.pending.get(String(message.properties.correlationId));
        if (!waiting) return;
        publisher.pending.delete(String(message.properties.correlationId));
        const reply = JSON.parse(message.content.toString('utf8')) as { statusCode: number; id: string };
        waiting.resolve(reply);
      },
      { noAck: true },
    );
    return publisher;
  }

  /**
   * Sends `requests` to the extension with `concurrency` in flight; each request's latency runs from its publish
   * to its reply. Gives up on a request after `requestTimeoutMs`.
   */
  async run(
    target: { exchange: string; routingKey: string },
    requests: OutgoingRequest[],
    concurrency: number,
    requestTimeoutMs: number,
  ): Promise<LoadResult> {
    const latenciesMs: number[] = [];
    const failures = new Map<number, number>();
    let unanswered = 0;
    let next = 0;
    const started = performance.now();
    const lane = async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        const correlationId = randomUUID();
        const sentAt = performance.now();
        const reply = await new Promise<{ statusCode: number; id: string } | undefined>((resolve) => {
          const timer = setTimeout(() => {
            this.pending.delete(correlationId);
            resolve(undefined);
          }, requestTimeoutMs);
          this.pending.set(correlationId, {
            startedAt: sentAt,
            resolve: (value) => {
              clearTimeout(timer);
              resolve(value);
            },
          });
          this.channel.publish(target.exchange, target.routingKey, request.content, {
            correlationId,
            replyTo: this.replyRoutingKey,
            headers: { replyToExchange: this.replyExchange, messageType: 'ProcessHttpRequest' },
          });
        });
        if (!reply) {
          unanswered += 1;
          continue;
        }
        latenciesMs.push(performance.now() - sentAt);
        if (reply.statusCode !== 200 || reply.id !== request.id) {
          const key = reply.id !== request.id ? -1 : reply.statusCode;
          failures.set(key, (failures.get(key) ?? 0) + 1);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    return { latenciesMs, elapsedMs: performance.now() - started, failures, unanswered };
  }

  /** Deletes the reply exchange (its queue goes with the connection). */
  async close(): Promise<void> {
    await this.channel.deleteExchange(this.replyExchange).catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

/** Deletes exchanges and queues the benchmark created (missing ones are fine). */
export async function deleteBusObjects(
  amqpUrl: string,
  objects: { exchanges: string[]; queues: string[] },
): Promise<void> {
  const connection = await amqp.connect(amqpUrl);
  try {
    for (const queue of objects.queues) {
      // A failed call closes its channel: one channel per call.
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
    for (const exchange of objects.exchanges) {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await channel.deleteExchange(exchange).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
}
