/**
 * The two reference consumers the worker is measured against. Both keep the delivery guarantees the worker must
 * give (a durable quorum queue, bounded prefetch, the reply published on a confirm channel and the request acked
 * only once the broker confirmed it), because those are part of the path, not overhead:
 *
 * - `baseline`: the unavoidable work of `GET /api/cse/v1/clusters/{id}`: decode VCD's `[request, securityContext]`,
 *   one read of the entity from VCD with the caller's bearer, reply with what VCD answered.
 * - `echo`: decode and reply, no VCD read: the bus alone.
 */
import amqp, { type ConfirmChannel, type ConsumeMessage } from 'amqplib';

export interface BareConsumerOptions {
  amqpUrl: string;
  exchange: string;
  routingKey: string;
  queue: string;
  prefetch: number;
  /** VCD's base URL; `baseline` reads from it. */
  vcdUrl: string;
  /** The API version to read with (the worker negotiates the same one). */
  apiVersion: string;
}

export interface BareConsumer {
  stop(): Promise<void>;
}

interface ForwardedRequest {
  id: string;
  requestUri: string;
  headers: Record<string, string>;
}

const clusterPath = '/api/cse/v1/clusters/';

type Answer = (request: ForwardedRequest) => Promise<{ statusCode: number; body: Buffer }>;

const echoBody = Buffer.from('{"ok":true}');

export function echoAnswer(): Answer {
  return async () => ({ statusCode: 200, body: echoBody });
}

export function baselineAnswer(options: BareConsumerOptions): Answer {
  const accept = `application/json;version=${options.apiVersion}`;
  return async (request) => {
    const id = request.requestUri.slice(clusterPath.length);
    const response = await fetch(`${options.vcdUrl}/cloudapi/1.0.0/entities/${encodeURIComponent(id)}`, {
      headers: { accept, authorization: request.headers['Authorization'] ?? '' },
    });
    return { statusCode: response.status, body: Buffer.from(await response.arrayBuffer()) };
  };
}

export async function startBareConsumer(options: BareConsumerOptions, answer: Answer): Promise<BareConsumer> {
  // TCP_NODELAY, as the worker sets it: the physical limit must not wait on Nagle's algorithm.
  const connection = await amqp.connect(options.amqpUrl, { noDelay: true });
  const consumer = await connection.createChannel();
  const publisher: ConfirmChannel = await connection.createConfirmChannel();
  await consumer.assertExchange(options.exchange, 'direct', { durable: true, autoDelete: false });
  await consumer.assertQueue(options.queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await consumer.bindQueue(options.queue, options.exchange, options.routingKey);
  await consumer.prefetch(options.prefetch);

  const handle = async (message: ConsumeMessage) => {
    const [request] = JSON.parse(message.content.toString('utf8')) as [ForwardedRequest, unknown];
    const { statusCode, body } = await answer(request);
    const reply = JSON.stringify({
      id: request.id,
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(body.length) },
      statusCode,
      body: body.toString('base64'),
      request: false,
    });
    const headers = message.properties.headers as Record<string, unknown>;
    publisher.publish(
      String(headers['replyToExchange']),
      String(message.properties.replyTo),
      Buffer.from(reply),
      { correlationId: message.properties.correlationId },
      (error: unknown) => (error ? consumer.nack(message, false, true) : consumer.ack(message)),
    );
  };
  const { consumerTag } = await consumer.consume(
    options.queue,
    (message) => {
      if (message)
        handle(message).catch((error: unknown) => {
          console.error('bare consumer failed a delivery:', error);
          consumer.nack(message, false, false);
        });
    },
    { noAck: false },
  );
  return {
    async stop() {
      await consumer.cancel(consumerTag);
      await publisher.waitForConfirms().catch(() => undefined);
      await consumer.close();
      await publisher.close();
      await connection.close();
    },
  };
}
