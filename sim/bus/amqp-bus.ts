import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';

/** Names VCD does not document (reference "Not confirmed" 4, 5); the extension learns them from headers. */
export const replyExchangeName = 'vcd.extension.replies';
/** JSON notifications go to `<AmqpPrefix>.notifications20`; the simulator's prefix is `vcd`. */
export const notificationsExchangeName = 'vcd.notifications20';

export interface AmqpRequest {
  exchange: string;
  routingKey: string;
  correlationId: string;
  content: Buffer;
  /** Custom headers besides `replyToExchange` (e.g. `messageType`). */
  headers?: Record<string, string>;
}

export interface AmqpReply {
  correlationId: string;
  content: Buffer;
}

/** Why a request could not be handed to RabbitMQ (the caller answers 502). */
export class AmqpPublishError extends Error {
  override readonly name = 'AmqpPublishError';
}

interface Link {
  connection: ChannelModel;
  /** Unset after RabbitMQ closed it (a publish to a missing exchange); reopened on next use. */
  publisher?: ConfirmChannel;
  replyQueue: string;
}

/** `amqp://user:secret@host` → `amqp://host` for messages a caller sees. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'the configured AMQP URL';
  }
}

/**
 * VCD's side of RabbitMQ: publishes API-extension requests to the extension's exchange and
 * collects the replies, which extensions publish to the exchange named in the `replyToExchange`
 * header with `reply-to` as routing key, on the simulator's own reply queue (one per cell, as
 * VCD has); also publishes task notifications. Connects on first use and again after a loss.
 */
export class AmqpBus {
  #link?: Promise<Link>;
  readonly #waiting = new Map<string, (reply: AmqpReply) => void>();
  /** Why RabbitMQ closed a publisher channel; the publish callback only says "channel closed". */
  readonly #closeReasons = new WeakMap<ConfirmChannel, string>();
  #closed = false;

  constructor(readonly url: string) {}

  #connect(): Promise<Link> {
    if (this.#closed) return Promise.reject(new AmqpPublishError('the simulator is stopping'));
    this.#link ??= (async () => {
      let connection: ChannelModel;
      try {
        connection = await amqp.connect(this.url);
      } catch (error) {
        throw new AmqpPublishError(
          `cannot reach the message broker at ${redactedUrl(this.url)}: ${(error as Error).message}`,
        );
      }
      const forget = () => (this.#link = undefined);
      connection.on('close', forget);
      connection.on('error', forget);
      const consumer: Channel = await connection.createChannel();
      await consumer.assertExchange(replyExchangeName, 'direct', { durable: true, autoDelete: false });
      await consumer.assertExchange(notificationsExchangeName, 'topic', { durable: true, autoDelete: false });
      const { queue } = await consumer.assertQueue(`vcd.cell.${randomUUID()}.replies`, {
        exclusive: true,
        autoDelete: true,
        durable: false,
      });
      await consumer.bindQueue(queue, replyExchangeName, queue);
      await consumer.consume(queue, (message) => this.#onReply(message), { noAck: true });
      const publisher = await this.#publisher(connection);
      return { connection, publisher, replyQueue: queue };
    })();
    this.#link.catch(() => (this.#link = undefined));
    return this.#link;
  }

  async #publisher(connection: ChannelModel): Promise<ConfirmChannel> {
    const channel = await connection.createConfirmChannel();
    // Publishing to a missing exchange closes the channel (404): open a fresh one next time.
    channel.on('error', (error: Error) => this.#closeReasons.set(channel, error.message));
    channel.on('close', () => {
      void this.#link?.then((link) => {
        if (link.publisher === channel) link.publisher = undefined;
      });
    });
    return channel;
  }

  async #ready(): Promise<{ publisher: ConfirmChannel; replyQueue: string }> {
    const link = await this.#connect();
    link.publisher ??= await this.#publisher(link.connection);
    return { publisher: link.publisher, replyQueue: link.replyQueue };
  }

  #onReply(message: ConsumeMessage | null): void {
    if (!message) return;
    const correlationId = message.properties.correlationId as string | undefined;
    if (!correlationId) return;
    const resolve = this.#waiting.get(correlationId);
    if (!resolve) return; // late (after a timeout) or unknown: dropped, as a real cell would
    this.#waiting.delete(correlationId);
    resolve({ correlationId, content: message.content });
  }

  /**
   * Publishes one request and resolves with its reply; `signal` abandons the wait (timeout). Throws
   * `AmqpPublishError` when the broker cannot be reached or refuses the message.
   */
  async request(input: AmqpRequest, signal: AbortSignal): Promise<AmqpReply> {
    const { publisher, replyQueue } = await this.#ready();
    const reply = new Promise<AmqpReply>((resolve, reject) => {
      this.#waiting.set(input.correlationId, resolve);
      signal.addEventListener(
        'abort',
        () => {
          this.#waiting.delete(input.correlationId);
          reject(signal.reason);
        },
        { once: true },
      );
    });
    reply.catch(() => undefined);
    try {
      await new Promise<void>((resolve, reject) => {
        publisher.publish(
          input.exchange,
          input.routingKey,
          input.content,
          {
            correlationId: input.correlationId,
            replyTo: replyQueue,
            contentType: 'application/json',
            headers: { ...input.headers, replyToExchange: replyExchangeName },
          },
          (error: unknown) => (error ? reject(error) : resolve()),
        );
      });
    } catch (error) {
      this.#waiting.delete(input.correlationId);
      await new Promise((resolve) => setImmediate(resolve)); // let the channel's error event arrive
      const reason = this.#closeReasons.get(publisher) ?? (error as Error)?.message ?? String(error);
      throw new AmqpPublishError(
        /NOT_FOUND|404/.test(reason)
          ? `the extension's exchange "${input.exchange}" does not exist on the message broker`
          : `the message broker refused the request: ${reason}`,
      );
    }
    return reply;
  }

  /** Publishes a notification on the topic exchange; failures are only reported to the caller. */
  async notify(routingKey: string, headers: Record<string, string>, body: unknown): Promise<void> {
    const { publisher } = await this.#ready();
    await new Promise<void>((resolve, reject) =>
      publisher.publish(
        notificationsExchangeName,
        routingKey,
        Buffer.from(JSON.stringify(body), 'utf8'),
        { contentType: 'application/json', headers },
        (error: unknown) => (error ? reject(error) : resolve()),
      ),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    const link = await this.#link?.catch(() => undefined);
    this.#link = undefined;
    await link?.connection.close().catch(() => undefined);
  }
}
