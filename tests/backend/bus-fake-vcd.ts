/**
 * Plays Cloud Director on the bus for the transport tests, written from VCD's wire formats:
 * publishes API-extension requests over AMQP with the properties VCD sets, and collects replies from its
 * own reply exchange and queue. Also test plumbing: unique names, a log sink, rabbitmqctl.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage, type GetMessage } from 'amqplib';
import { pino, type Logger } from 'pino';
import { redactedLogPaths } from '../../backend/observability/logger.ts';

export const amqpUrl = process.env['CSE_TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';

export function uniqueName(prefix: string): string {
  return `cse-test-${prefix}-${randomUUID().slice(0, 8)}`;
}

export interface HttpRequestFields {
  id?: string;
  method?: string;
  requestUri?: string;
  queryString?: string | null;
  headers?: Record<string, string>;
  /** Sent base64-encoded, as VCD does. */
  body?: Buffer | string;
}

export const tenantContext = {
  user: 'urn:vcloud:user:11111111-1111-1111-1111-111111111111',
  org: 'urn:vcloud:org:22222222-2222-2222-2222-222222222222',
  rights: ['{cse}:Kubernetes Cluster: View'],
};

/** VCD's request array `[request, securityContext]`. */
export function vcdRequestArray(fields: HttpRequestFields = {}, context: unknown = tenantContext): unknown[] {
  const body = fields.body === undefined ? '' : Buffer.from(fields.body).toString('base64');
  return [
    {
      id: fields.id ?? randomUUID(),
      method: fields.method ?? 'GET',
      requestUri: fields.requestUri ?? '/api/cse/v1/about',
      queryString: fields.queryString ?? null,
      headers: fields.headers ?? {
        Accept: 'application/json;version=37.2',
        Authorization: 'Bearer secret-user-token',
      },
      body,
      scheme: 'https',
      protocol: 'HTTP/1.1',
      request: true,
      localAddr: '10.0.0.1',
      localPort: 443,
      remoteAddr: '10.0.0.99',
      remotePort: 51234,
    },
    context,
  ];
}

export interface ReceivedReply {
  correlationId: string;
  routingKey: string;
  exchange: string;
  /** Parsed reply `{id, headers, statusCode, body, request}`. */
  reply: { id: string; headers: Record<string, unknown>; statusCode: number; body: string; request: boolean };
  /** `reply.body` decoded from base64 and parsed as JSON when it is JSON. */
  json: unknown;
}

export class FakeVcd {
  readonly replyExchange = uniqueName('vcd-reply');
  readonly replyQueue = uniqueName('vcd-reply-q');
  readonly replyRoutingKey = 'cell-1';
  readonly replies: ReceivedReply[] = [];
  private waiters: (() => void)[] = [];
  private extraExchanges: string[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
    readonly exchange: string,
    readonly routingKey: string,
  ) {}

  static async start(exchange: string, routingKey: string): Promise<FakeVcd> {
    const connection = await amqp.connect(amqpUrl);
    const channel = await connection.createChannel();
    const vcd = new FakeVcd(connection, channel, exchange, routingKey);
    await channel.assertExchange(vcd.replyExchange, 'direct', { durable: false, autoDelete: false });
    await channel.assertQueue(vcd.replyQueue, { exclusive: true, autoDelete: true });
    await channel.bindQueue(vcd.replyQueue, vcd.replyExchange, vcd.replyRoutingKey);
    await channel.consume(vcd.replyQueue, (message) => message && vcd.onReply(message), { noAck: true });
    return vcd;
  }

  /** Publishes a raw message to the extension's exchange with VCD's properties; returns its correlation id. */
  sendRaw(
    content: Buffer,
    options: { correlationId?: string; replyToExchange?: string | null; replyTo?: string | null } = {},
  ): string {
    const correlationId = options.correlationId ?? randomUUID();
    const headers: Record<string, string> = { messageType: 'ProcessHttpRequest' };
    if (options.replyToExchange !== null)
      headers['replyToExchange'] = options.replyToExchange ?? this.replyExchange;
    this.channel.publish(this.exchange, this.routingKey, content, {
      correlationId,
      replyTo: options.replyTo === null ? undefined : (options.replyTo ?? this.replyRoutingKey),
      headers,
    });
    return correlationId;
  }

  send(
    fields: HttpRequestFields = {},
    options: { context?: unknown; correlationId?: string; replyToExchange?: string | null } = {},
  ): string {
    return this.sendRaw(
      Buffer.from(JSON.stringify(vcdRequestArray(fields, options.context ?? tenantContext))),
      options,
    );
  }

  /** Waits for the reply to one correlation id. */
  async reply(correlationId: string, timeoutMs = 5000): Promise<ReceivedReply> {
    await this.until(
      () => this.replies.some((r) => r.correlationId === correlationId),
      timeoutMs,
      `reply to ${correlationId}`,
    );
    return this.replies.find((r) => r.correlationId === correlationId)!;
  }

  repliesTo(correlationId: string): ReceivedReply[] {
    return this.replies.filter((r) => r.correlationId === correlationId);
  }

  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Creates another exchange on VCD's side, routed to our reply queue (deleted at close). */
  async createReplyExchange(name: string): Promise<void> {
    this.extraExchanges.push(name);
    await this.channel.assertExchange(name, 'direct', { durable: false });
    await this.channel.bindQueue(this.replyQueue, name, this.replyRoutingKey);
  }

  /** Messages waiting in a queue, fetched with basic.get and acked. */
  async drain(queue: string): Promise<GetMessage[]> {
    const messages: GetMessage[] = [];
    for (;;) {
      const message = await this.channel.get(queue, { noAck: true });
      if (message === false) return messages;
      messages.push(message);
    }
  }

  /** Polls a queue until `count` messages have come out of it. */
  async collect(queue: string, count: number, timeoutMs = 5000): Promise<GetMessage[]> {
    const messages: GetMessage[] = [];
    const deadline = Date.now() + timeoutMs;
    while (messages.length < count) {
      messages.push(...(await this.drain(queue)));
      if (messages.length >= count) break;
      if (Date.now() > deadline)
        throw new Error(`timed out: ${messages.length} of ${count} messages from ${queue}`);
      await delay(50);
    }
    return messages;
  }

  async messageCount(queue: string): Promise<number> {
    const probe = await this.connection.createChannel();
    const { messageCount } = await probe.checkQueue(queue);
    await probe.close();
    return messageCount;
  }

  /** Deletes the worker's exchange and queues (and their dead-letter pair) along with ours. */
  async close(workerQueue?: string): Promise<void> {
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined);
    for (const queue of workerQueue ? [workerQueue, `${workerQueue}.dead-letter`] : []) {
      await channel.deleteQueue(queue).catch(() => undefined);
    }
    for (const exchange of [
      this.exchange,
      `${this.exchange}.dead-letter`,
      this.replyExchange,
      ...this.extraExchanges,
    ]) {
      await channel.deleteExchange(exchange).catch(() => undefined);
    }
    await this.connection.close().catch(() => undefined);
  }

  private onReply(message: ConsumeMessage): void {
    const reply = JSON.parse(message.content.toString('utf8')) as ReceivedReply['reply'];
    const text = Buffer.from(reply.body ?? '', 'base64').toString('utf8');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    this.replies.push({
      correlationId: message.properties.correlationId as string,
      routingKey: message.fields.routingKey,
      exchange: message.fields.exchange,
      reply,
      json,
    });
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** A pino logger whose lines the test can read. */
export function capturedLogger(): { logger: Logger; lines: () => string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: redactedLogPaths, censor: '[redacted]' } }, sink);
  return { logger, lines: () => lines };
}

const run = promisify(execFile);

/** Closes one client connection from the broker's side, found by its connection name. */
export async function closeConnectionFromBroker(connectionName: string): Promise<void> {
  // The table format prints pids the CLI can hand back (`<rabbit@host.N.N.N>`); the JSON one does not.
  const { stdout } = await run('rabbitmqctl', [
    'list_connections',
    'pid',
    'client_properties',
    '-q',
    '--no-table-headers',
  ]);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${connectionName}"}`))
    .map((line) => line.split('\t')[0]!);
  if (pids.length === 0) throw new Error(`no broker connection named ${connectionName}`);
  for (const pid of pids)
    await run('rabbitmqctl', ['close_connection', pid, 'test: broker closes the connection']);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
