/**
 * The AMQP transport: VCD's legacy API extension over RabbitMQ. Consumes requests from a queue bound to
 * our exchange, replies to the exchange VCD names in `replyToExchange`, and acknowledges a request only
 * once the broker has confirmed its reply, so a lost connection means a redelivery, never a lost request.
 */
import { hostname } from 'node:os';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { backoffDelay, sleep, timedOut } from './backoff.ts';
import { RequestDispatcher } from './dispatcher.ts';
import { EnvelopeError, decodeAmqpRequest, encodeAmqpReply, type ExtensionResponse } from './envelope.ts';
import { busMetrics, type BusMetrics } from './metrics.ts';
import { ReplyCache } from './reply-cache.ts';
import type { Transport, TransportHandlers, TransportStatus } from './transport.ts';

export interface AmqpTransportOptions {
  url: string;
  exchange: string;
  routingKey: string;
  queue: string;
  /** false: only check that the exchange and queue exist. */
  declare: boolean;
  queueType: 'quorum' | 'classic';
  prefetch: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  /** Deliveries of a request whose reply cannot be published before it is dead-lettered. */
  replyAttempts: number;
  maxInFlight: number;
  maxBodyBytes: number;
  replyCacheTtlMs: number;
  replyCacheSize: number;
  logger: Logger;
  registry: Registry;
  /** Shown by RabbitMQ for our connection (`rabbitmqctl list_connections name`). */
  connectionName?: string;
}

/** Header on dead-lettered messages saying why (a stable code), and one with the explanation. */
export const deadLetterReasonHeader = 'x-cse-dead-letter-reason';
export const deadLetterDetailHeader = 'x-cse-dead-letter-detail';

export function deadLetterNames(exchange: string, queue: string): { exchange: string; queue: string } {
  return { exchange: `${exchange}.dead-letter`, queue: `${queue}.dead-letter` };
}

/** A reply exchange we checked recently is assumed to still exist; re-checked after this long. */
const replyExchangeCheckMs = 60_000;
/** Publish attempts of one reply on fresh channels before the delivery is handed back to the broker. */
const publishAttempts = 3;

/** One connection's consumer; replaced as a whole after a connection or channel loss. */
interface Session {
  connection: ChannelModel;
  consumer: Channel;
  publisher?: Promise<ConfirmChannel>;
  consumerTag?: string;
  closed: boolean;
}

export class AmqpTransport implements Transport {
  readonly name = 'amqp' as const;
  private readonly metrics: BusMetrics;
  private readonly cache: ReplyCache;
  private readonly log: Logger;
  private dispatcher?: RequestDispatcher;
  private session?: Session;
  private stopping = false;
  private readonly abort = new AbortController();
  private detail = 'not started';
  private readonly deliveries = new Set<Promise<void>>();
  private readonly checkedReplyExchanges = new Map<string, number>();
  /** Failed reply publications per request id, across redeliveries. */
  private readonly failedReplies = new Map<string, number>();
  private connecting?: Promise<void>;
  private deadLetterAvailable = true;

  constructor(private readonly options: AmqpTransportOptions) {
    this.metrics = busMetrics(options.registry);
    this.cache = new ReplyCache({ ttlMs: options.replyCacheTtlMs, maxEntries: options.replyCacheSize });
    this.log = options.logger.child({ transport: 'amqp' });
  }

  async start(handlers: TransportHandlers): Promise<void> {
    this.dispatcher = new RequestDispatcher({
      transport: 'amqp',
      handler: handlers.request,
      maxInFlight: this.options.maxInFlight,
      cache: this.cache,
      metrics: this.metrics,
      logger: this.log,
    });
    await this.connectWithRetry();
  }

  status(): TransportStatus {
    const ready =
      !this.stopping &&
      this.session !== undefined &&
      !this.session.closed &&
      this.session.consumerTag !== undefined;
    return {
      transport: 'amqp',
      ready,
      detail: ready ? undefined : this.detail,
      inFlight: this.dispatcher?.active ?? 0,
    };
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.detail = 'stopping';
    const session = this.session;
    if (session && !session.closed && session.consumerTag) {
      await session.consumer.cancel(session.consumerTag).catch(() => undefined);
    }
    // Wakes deliveries waiting to retry a reply: they hand their message back to the broker now.
    this.abort.abort();
    const drained = Promise.allSettled([...this.deliveries]);
    const late = await timedOut(drained, timeoutMs);
    if (late)
      this.log.warn(
        { inFlight: this.deliveries.size },
        'stopping with requests still in flight; the broker will redeliver them',
      );
    await this.connecting?.catch(() => undefined);
    if (this.session) {
      const { consumer, publisher, connection } = this.session;
      this.session.closed = true;
      // Channels first: channel.close waits until the broker processed our acks; closing the connection
      // right after an ack can lose it (and redeliver an answered request).
      await consumer.close().catch(() => undefined);
      await publisher?.then((channel) => channel.close()).catch(() => undefined);
      await connection.close().catch(() => undefined);
    }
    this.session = undefined;
    this.log.info('amqp transport stopped');
  }

  // ---------------------------------------------------------------- connection

  /** One attempt now; on failure the worker goes on starting (readiness says why) while we retry in the background. */
  private async connectWithRetry(): Promise<void> {
    try {
      await this.connectOnce();
    } catch (error) {
      this.connectionFailed(error, 0);
      this.connecting = this.retryConnect(1).finally(() => (this.connecting = undefined));
    }
  }

  private async retryConnect(firstAttempt: number): Promise<void> {
    for (let attempt = firstAttempt; !this.stopping; attempt += 1) {
      await sleep(this.reconnectDelay(attempt - 1), this.abort.signal);
      if (this.stopping) return;
      try {
        await this.connectOnce();
        return;
      } catch (error) {
        this.connectionFailed(error, attempt);
      }
    }
  }

  private reconnectDelay(attempt: number): number {
    return backoffDelay(attempt, {
      initialMs: this.options.reconnectInitialMs,
      maxMs: this.options.reconnectMaxMs,
    });
  }

  private connectionFailed(error: unknown, attempt: number): void {
    this.detail = describeAmqpError(error, this.options);
    this.log.warn(
      { err: { message: this.detail }, attempt: attempt + 1 },
      'cannot connect to the AMQP broker',
    );
  }

  private async connectOnce(): Promise<void> {
    const connection = await amqp.connect(this.options.url, {
      // Replies and acks are small frames written one at a time: without TCP_NODELAY, Nagle holds each one back
      // until the broker acknowledges the previous segment (tens of ms on a busy host).
      noDelay: true,
      clientProperties: {
        connection_name: this.options.connectionName ?? `cse-worker ${hostname()} ${process.pid}`,
      },
    });
    let session: Session | undefined;
    connection.on('error', (error: Error) =>
      this.log.warn({ err: { message: error.message } }, 'AMQP connection error'),
    );
    connection.on('close', () => {
      if (session) this.onSessionLost(session, 'connection closed');
    });
    try {
      await this.setUpTopology(connection);
      const consumer = await connection.createChannel();
      session = { connection, consumer, closed: false };
      const current = session;
      consumer.on('error', (error: Error) =>
        this.log.warn({ err: { message: error.message } }, 'AMQP consumer channel error'),
      );
      consumer.on('close', () => this.onSessionLost(current, 'consumer channel closed'));
      await consumer.prefetch(this.options.prefetch);
      if (this.stopping) throw new Error('stopping');
      this.session = session;
      const { consumerTag } = await consumer.consume(
        this.options.queue,
        (message) => this.onMessage(current, message),
        {
          noAck: false,
        },
      );
      current.consumerTag = consumerTag;
      this.detail = 'connected';
      this.log.info(
        { exchange: this.options.exchange, routingKey: this.options.routingKey, queue: this.options.queue },
        'amqp transport consuming',
      );
    } catch (error) {
      if (session) session.closed = true;
      if (this.session === session) this.session = undefined;
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  /** Declares (or only checks) exchange, queue, binding and the dead-letter pair, each on a throwaway channel
   * because a failed check closes the channel it ran on. */
  private async setUpTopology(connection: ChannelModel): Promise<void> {
    const { exchange, routingKey, queue, queueType } = this.options;
    const deadLetter = deadLetterNames(exchange, queue);
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    if (this.options.declare) {
      await channel.assertExchange(exchange, 'direct', { durable: true, autoDelete: false });
      await channel.assertExchange(deadLetter.exchange, 'fanout', { durable: true, autoDelete: false });
      await channel.assertQueue(deadLetter.queue, {
        durable: true,
        arguments: { 'x-queue-type': queueType },
      });
      await channel.bindQueue(deadLetter.queue, deadLetter.exchange, '');
      await channel.assertQueue(queue, {
        durable: true,
        arguments: { 'x-queue-type': queueType, 'x-dead-letter-exchange': deadLetter.exchange },
      });
      await channel.bindQueue(queue, exchange, routingKey);
      this.deadLetterAvailable = true;
    } else {
      await channel.checkExchange(exchange);
      await channel.checkQueue(queue);
      try {
        const probe = await connection.createChannel();
        probe.on('error', () => undefined);
        await probe.checkExchange(deadLetter.exchange);
        await probe.close();
        this.deadLetterAvailable = true;
      } catch {
        this.deadLetterAvailable = false;
        this.log.warn(
          { deadLetterExchange: deadLetter.exchange },
          'dead-letter exchange does not exist: undecodable messages will be rejected without requeue (the queue policy decides where they go)',
        );
      }
    }
    await channel.close().catch(() => undefined);
  }

  private onSessionLost(session: Session, why: string): void {
    if (session.closed) return;
    session.closed = true;
    if (this.session !== session) return;
    this.session = undefined;
    if (this.stopping) return;
    this.detail = `${why}; reconnecting`;
    this.metrics.reconnects.inc({ transport: 'amqp' });
    this.log.warn({ reason: why }, 'lost the AMQP broker; reconnecting');
    // A consumer channel can close alone (e.g. the queue was deleted): start over on a fresh connection.
    void session.connection.close().catch(() => undefined);
    this.connecting = (async () => {
      try {
        await this.connectOnce(); // at once: a closed connection is usually back immediately
      } catch (error) {
        this.connectionFailed(error, 0);
        await this.retryConnect(1);
      }
    })().finally(() => (this.connecting = undefined));
  }

  private publisher(session: Session): Promise<ConfirmChannel> {
    session.publisher ??= (async () => {
      const channel = await session.connection.createConfirmChannel();
      channel.on('error', (error: Error) =>
        this.log.warn({ err: { message: error.message } }, 'AMQP publish channel error'),
      );
      channel.on('close', () => {
        if (session.publisher === created) session.publisher = undefined;
      });
      return channel;
    })();
    const created = session.publisher;
    created.catch(() => {
      if (session.publisher === created) session.publisher = undefined;
    });
    return created;
  }

  private async publishConfirmed(
    session: Session,
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: amqp.Options.Publish,
  ): Promise<void> {
    const channel = await this.publisher(session);
    await new Promise<void>((resolve, reject) => {
      try {
        channel.publish(exchange, routingKey, content, options, (error: unknown) =>
          error ? reject(error) : resolve(),
        );
      } catch (error) {
        reject(error);
      }
    });
  }

  /** Asks the broker whether an exchange exists, on a throwaway channel (a miss closes the channel it ran on). */
  private async replyExchangeExists(session: Session, exchange: string): Promise<boolean> {
    if (exchange === '') return true; // the default exchange always exists
    const checkedAt = this.checkedReplyExchanges.get(exchange);
    if (checkedAt !== undefined && Date.now() - checkedAt < replyExchangeCheckMs) return true;
    const probe = await session.connection.createChannel();
    probe.on('error', () => undefined);
    try {
      await probe.checkExchange(exchange);
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
    await probe.close().catch(() => undefined);
    this.checkedReplyExchanges.set(exchange, Date.now());
    return true;
  }

  // ---------------------------------------------------------------- deliveries

  private onMessage(session: Session, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled our consumer (queue deleted): reconnect, which declares it again.
      this.onSessionLost(session, 'consumer cancelled by the broker');
      return;
    }
    const delivery = this.handle(session, message).catch((error: unknown) => {
      this.log.error(
        { err: { message: (error as Error).message }, deliveryTag: message.fields.deliveryTag },
        'delivery failed',
      );
      this.settle(session, message, 'nack-requeue');
    });
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }

  private async handle(session: Session, message: ConsumeMessage): Promise<void> {
    const started = process.hrtime.bigint();
    const { correlationId, replyTo } = message.properties;
    const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
    const replyExchange = headerText(headers['replyToExchange']);
    const messageType = headerText(headers['messageType']);

    if (messageType !== undefined && messageType !== 'ProcessHttpRequest') {
      return this.deadLetter(
        session,
        message,
        'UNEXPECTED_MESSAGE_TYPE',
        `messageType is ${messageType}, not ProcessHttpRequest`,
      );
    }
    if (!replyTo)
      return this.deadLetter(
        session,
        message,
        'NO_REPLY_TO',
        'message has no reply-to property: nobody to answer',
      );
    if (replyExchange === undefined)
      return this.deadLetter(session, message, 'NO_REPLY_EXCHANGE', 'message has no replyToExchange header');
    if (!correlationId)
      return this.deadLetter(session, message, 'NO_CORRELATION_ID', 'message has no correlation-id property');
    const target: ReplyTarget = { exchange: replyExchange, routingKey: replyTo, correlationId };

    let requestId: string;
    let response: ExtensionResponse;
    let fromCache = false;
    try {
      const request = decodeAmqpRequest(message.content, { maxBodyBytes: this.options.maxBodyBytes });
      requestId = request.id;
      const dispatched = await this.dispatcher!.dispatch(request);
      response = dispatched.response;
      fromCache = dispatched.fromCache;
      if (
        fromCache &&
        message.fields.redelivered &&
        dispatched.entry?.confirmedCorrelations.has(correlationId)
      ) {
        // The broker already confirmed our reply to this very message; only the ack was lost.
        this.settle(session, message, 'ack');
        return;
      }
      if (dispatched.entry) target.confirmed = dispatched.entry.confirmedCorrelations;
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
      if (error.requestId === undefined) return this.deadLetter(session, message, error.code, error.message);
      requestId = error.requestId;
      response = this.dispatcher!.answerUndecodable(error);
      this.log.warn(
        { requestId, correlationId, reason: error.code, detail: error.message },
        'answered an undecodable request with an error',
      );
    }
    await this.reply(session, message, requestId, response, target, started);
  }

  private async reply(
    session: Session,
    message: ConsumeMessage,
    requestId: string,
    response: ExtensionResponse,
    target: ReplyTarget,
    started: bigint,
  ): Promise<void> {
    const content = encodeAmqpReply(requestId, response);
    for (let attempt = 0; attempt < publishAttempts; attempt += 1) {
      // After a reconnect this delivery belongs to a dead channel: the broker redelivers it and the
      // redelivery is answered from the reply cache.
      if (session.closed) return;
      try {
        if (!(await this.replyExchangeExists(session, target.exchange))) {
          return this.replyExchangeMissing(session, message, requestId, target.exchange);
        }
        await this.publishConfirmed(session, target.exchange, target.routingKey, content, {
          correlationId: target.correlationId,
        });
        target.confirmed?.add(target.correlationId);
        this.failedReplies.delete(requestId);
        this.metrics.replyLatency.observe(
          { transport: 'amqp' },
          Number(process.hrtime.bigint() - started) / 1e9,
        );
        this.settle(session, message, 'ack');
        return;
      } catch (error) {
        if (session.closed || this.stopping) return;
        this.log.warn(
          { err: { message: (error as Error).message }, requestId, attempt: attempt + 1 },
          'reply not confirmed; retrying',
        );
        await sleep(backoffDelay(attempt, { initialMs: 20, maxMs: 500 }), this.abort.signal);
      }
    }
    this.settle(session, message, 'nack-requeue');
  }

  /** VCD's reply exchange is gone (e.g. a cell restarting): give the request back for a later answer, a few times. */
  private async replyExchangeMissing(
    session: Session,
    message: ConsumeMessage,
    requestId: string,
    exchange: string,
  ): Promise<void> {
    const failures = (this.failedReplies.get(requestId) ?? 0) + 1;
    this.failedReplies.set(requestId, failures);
    if (this.failedReplies.size > this.options.replyCacheSize) {
      this.failedReplies.delete(this.failedReplies.keys().next().value as string);
    }
    if (failures >= this.options.replyAttempts) {
      this.failedReplies.delete(requestId);
      return this.deadLetter(
        session,
        message,
        'REPLY_EXCHANGE_MISSING',
        `reply exchange ${exchange} did not exist on ${failures} deliveries`,
      );
    }
    const delay = backoffDelay(failures - 1, {
      initialMs: this.options.reconnectInitialMs,
      maxMs: this.options.reconnectMaxMs,
    });
    this.log.warn(
      { requestId, replyExchange: exchange, attempt: failures, retryInMs: delay },
      'reply exchange does not exist; requeueing the request to answer it later',
    );
    await sleep(delay, this.abort.signal);
    this.settle(session, message, 'nack-requeue');
  }

  /** Moves a message to the dead-letter queue with the reason in a header, then acks it. */
  private async deadLetter(
    session: Session,
    message: ConsumeMessage,
    reason: string,
    detail: string,
  ): Promise<void> {
    this.log.warn(
      {
        reason,
        detail,
        correlationId: message.properties.correlationId,
        bytes: message.content.length,
        redelivered: message.fields.redelivered,
      },
      'dead-lettered a message',
    );
    this.metrics.deadLettered.inc({ transport: 'amqp', reason });
    if (!this.deadLetterAvailable) {
      this.settle(session, message, 'reject');
      return;
    }
    const { exchange } = deadLetterNames(this.options.exchange, this.options.queue);
    try {
      await this.publishConfirmed(session, exchange, this.options.routingKey, message.content, {
        contentType: message.properties.contentType,
        contentEncoding: message.properties.contentEncoding,
        correlationId: message.properties.correlationId,
        replyTo: message.properties.replyTo,
        messageId: message.properties.messageId,
        timestamp: message.properties.timestamp,
        type: message.properties.type,
        appId: message.properties.appId,
        headers: {
          ...message.properties.headers,
          [deadLetterReasonHeader]: reason,
          [deadLetterDetailHeader]: detail,
        },
        persistent: true,
      });
      this.settle(session, message, 'ack');
    } catch (error) {
      if (session.closed) return;
      this.log.warn(
        { err: { message: (error as Error).message } },
        'cannot publish to the dead-letter exchange; rejecting',
      );
      this.settle(session, message, 'reject');
    }
  }

  private settle(session: Session, message: ConsumeMessage, how: 'ack' | 'nack-requeue' | 'reject'): void {
    if (session.closed) return; // the broker requeues deliveries of a closed channel by itself
    try {
      if (how === 'ack') session.consumer.ack(message);
      else session.consumer.nack(message, false, how === 'nack-requeue');
    } catch (error) {
      this.log.warn(
        { err: { message: (error as Error).message } },
        'cannot settle a delivery; the broker will redeliver it',
      );
    }
  }
}

interface ReplyTarget {
  exchange: string;
  routingKey: string;
  correlationId: string;
  /** The reply cache's record of confirmed replies for this request. */
  confirmed?: Set<string>;
}

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 404;
}

/** Turns broker errors into what an operator should check; never includes the URL's password. */
function describeAmqpError(error: unknown, options: AmqpTransportOptions): string {
  const message = (error as Error).message ?? String(error);
  const code = (error as { code?: unknown }).code;
  if (code === 404 && !options.declare) {
    return `exchange ${options.exchange} or queue ${options.queue} does not exist and bus.amqp.declare is false: ${message}`;
  }
  if (code === 406) {
    return `queue ${options.queue} exists with other settings (bus.amqp.queueType is ${options.queueType}): ${message}`;
  }
  if (code === 'ECONNREFUSED')
    return `cannot reach the AMQP broker at ${redactUrl(options.url)}: connection refused`;
  if (/ACCESS_REFUSED|403/.test(message))
    return `the AMQP broker at ${redactUrl(options.url)} refused our credentials`;
  return message;
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}
