/**
 * The MQTT transport: VCD's MQTT API extension. Connects to VCD's broker over WebSocket with the
 * extension's token, takes `API_REQUEST` and `BEHAVIOR_INVOCATION` messages from the monitor topic, and
 * answers with `API_RESPONSE` and `BEHAVIOR_RESPONSE` on the respond topic. mqtt.js reconnects by itself
 * and keeps unsent replies until it is back. VCD's broker hands every message to every replica, so with a
 * leadership gate (`mqtt-leadership.ts`) only the leader handles requests; the others leave them alone.
 */
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { timedOut } from './backoff.ts';
import {
  BehaviorError,
  decodeBehaviorInvocation,
  encodeBehaviorFailure,
  encodeBehaviorProgress,
  encodeBehaviorSuccess,
  type BehaviorInvocation,
} from './behavior-envelope.ts';
import { RequestDispatcher } from './dispatcher.ts';
import {
  EnvelopeError,
  decodeMqttRequest,
  encodeMqttReply,
  readMqttMessageType,
  type ExtensionResponse,
} from './envelope.ts';
import { busMetrics, type BusMetrics } from './metrics.ts';
import type { LeadershipGate } from './mqtt-leadership.ts';
import { ReplyCache } from './reply-cache.ts';
import type { BehaviorHandler, Transport, TransportHandlers, TransportStatus } from './transport.ts';

/** The extension's identity in VCD: `urn:vcloud:extension-api:<vendor>:<name>:<version>`. */
export interface ExtensionIdentity {
  vendor: string;
  name: string;
  version: string;
}

/** VCD's topics for an extension: it publishes requests on `monitor` and reads our replies on `respond`. */
export function extensionTopics(id: ExtensionIdentity): { monitor: string; respond: string } {
  const base = `topic/extension/${id.vendor}/${id.name}/${id.version}`;
  return { monitor: `${base}/ext`, respond: `${base}/vcd` };
}

/** VCD's broker: MQTT over WebSocket at `/messaging/mqtt` on VCD's own address. */
export function vcdBrokerUrl(vcdUrl: string): string {
  const url = new URL(vcdUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = '/messaging/mqtt';
  url.search = '';
  return url.toString();
}

export interface MqttTransportOptions {
  /** `ws://` or `wss://` URL of the broker. */
  url: string;
  extension: ExtensionIdentity;
  /** The extension's API token; the MQTT password (the user name is vendor/name/version). */
  token: string;
  qos: 0 | 1 | 2;
  reconnectMs: number;
  maxInFlight: number;
  maxBodyBytes: number;
  replyCacheTtlMs: number;
  replyCacheSize: number;
  logger: Logger;
  registry: Registry;
  /** Answers only while this says so (several replicas on one extension); without it, always answers. */
  leadership?: LeadershipGate;
  /**
   * How long a standby keeps the behaviour invocations it left to the leader, to answer them itself if it becomes
   * leader (the old leader may have died before answering; VCD ignores a second answer). Default 30 s.
   */
  standbyReplayMs?: number;
}

export class MqttTransport implements Transport {
  readonly name = 'mqtt' as const;
  private readonly metrics: BusMetrics;
  private readonly cache: ReplyCache;
  private readonly log: Logger;
  private readonly topics: { monitor: string; respond: string };
  private dispatcher?: RequestDispatcher;
  private behaviorHandler?: BehaviorHandler;
  private observeBehavior?: TransportHandlers['observeBehavior'];
  private client?: MqttClient;
  private subscribed = false;
  private stopping = false;
  private detail = 'not started';
  private readonly work = new Set<Promise<void>>();
  /** Behaviour tasks already started, so a duplicate delivery does not run one twice. */
  private readonly startedTasks = new Map<string, number>();
  /** Behaviour invocations seen as a standby, by task id, with when they arrived. */
  private readonly heldInvocations = new Map<string, { payload: Buffer; at: number }>();
  private behaviorsRunning = 0;
  private subscription?: Promise<void>;

  constructor(private readonly options: MqttTransportOptions) {
    this.metrics = busMetrics(options.registry);
    this.cache = new ReplyCache({ ttlMs: options.replyCacheTtlMs, maxEntries: options.replyCacheSize });
    this.log = options.logger.child({ transport: 'mqtt' });
    this.topics = extensionTopics(options.extension);
    options.leadership?.onAcquired(() => this.answerHeldInvocations());
  }

  async start(handlers: TransportHandlers): Promise<void> {
    this.dispatcher = new RequestDispatcher({
      transport: 'mqtt',
      handler: handlers.request,
      maxInFlight: this.options.maxInFlight,
      cache: this.cache,
      metrics: this.metrics,
      logger: this.log,
    });
    this.behaviorHandler = handlers.behavior;
    this.observeBehavior = handlers.observeBehavior;
    const { vendor, name, version } = this.options.extension;
    const client = mqtt.connect(this.options.url, {
      username: `${vendor}/${name}/${version}`,
      password: this.options.token,
      protocolVersion: 4,
      clean: true,
      clientId: `cse-worker-${randomUUID()}`,
      reconnectPeriod: this.options.reconnectMs,
      connectTimeout: 10_000,
    });
    this.client = client;
    client.on('connect', () => void this.subscribe(client));
    client.on('reconnect', () => this.metrics.reconnects.inc({ transport: 'mqtt' }));
    client.on('close', () => {
      if (this.subscribed && !this.stopping) this.log.warn('lost the MQTT broker; reconnecting');
      this.subscribed = false;
      this.options.leadership?.setConnected(false);
      if (!this.stopping && this.detail === 'connected') this.detail = 'connection lost; reconnecting';
    });
    client.on('error', (error: Error) => {
      this.detail = describeMqttError(error, this.options.url);
      this.log.warn({ err: { message: this.detail } }, 'MQTT connection error');
    });
    client.on('message', (topic, payload) => {
      if (topic !== this.topics.monitor || this.stopping) return;
      // Asked per message, so a replica that just lost the lease or the broker stops answering at once.
      if (this.options.leadership && !this.options.leadership.isLeader()) return this.leaveToLeader(payload);
      this.track(this.onMessage(payload));
    });
    // Resolve after the first attempt either way; mqtt.js keeps retrying on its own.
    await new Promise<void>((resolve) => {
      const done = (): void => {
        client.off('connect', done);
        client.off('error', done);
        client.off('close', done);
        resolve();
      };
      client.once('connect', done);
      client.once('error', done);
      client.once('close', done);
    });
    // The 'connect' listener above ran first and started the subscription.
    await this.subscription;
  }

  status(): TransportStatus {
    const ready = !this.stopping && this.subscribed && this.client?.connected === true;
    return {
      transport: 'mqtt',
      ready,
      detail: ready ? undefined : this.detail,
      inFlight: (this.dispatcher?.active ?? 0) + this.behaviorsRunning,
    };
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.stopping || !this.client) return;
    this.stopping = true;
    this.detail = 'stopping';
    // Hands the leadership on now: another replica answers new requests while ours drain.
    this.options.leadership?.setConnected(false, 'the worker is stopping');
    const client = this.client;
    if (client.connected) await client.unsubscribeAsync(this.topics.monitor).catch(() => undefined);
    const drained = Promise.allSettled([...this.work]);
    const late = await timedOut(drained, timeoutMs);
    if (late) this.log.warn({ inFlight: this.work.size }, 'stopping with requests still in flight');
    await client.endAsync(!client.connected).catch(() => undefined);
    this.log.info('mqtt transport stopped');
  }

  private subscribe(client: MqttClient): Promise<void> {
    this.subscription = (async () => {
      try {
        const granted = await client.subscribeAsync(this.topics.monitor, { qos: this.options.qos });
        if (granted.some((grant) => grant.qos === 128))
          throw new Error(`the broker refused our subscription to ${this.topics.monitor}`);
        this.subscribed = true;
        this.detail = 'connected';
        this.options.leadership?.setConnected(true);
        this.log.info({ url: this.options.url, topic: this.topics.monitor }, 'mqtt transport consuming');
      } catch (error) {
        this.detail = `cannot subscribe to ${this.topics.monitor}: ${(error as Error).message}`;
        this.log.warn({ err: { message: this.detail } }, 'MQTT subscription failed');
      }
    })();
    return this.subscription;
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) =>
      this.log.error({ err: { message: (error as Error).message } }, 'MQTT message failed'),
    );
    this.work.add(tracked);
    void tracked.finally(() => this.work.delete(tracked));
  }

  private async onMessage(payload: Buffer): Promise<void> {
    const limits = { maxBodyBytes: this.options.maxBodyBytes };
    let envelope: ReturnType<typeof readMqttMessageType>;
    try {
      envelope = readMqttMessageType(payload, limits);
    } catch (error) {
      return this.drop(error);
    }
    if (envelope.type === undefined) {
      this.log.debug({ type: envelope.message['type'] }, 'ignored a bus message of a type we do not handle');
      return;
    }
    if (envelope.type === 'BEHAVIOR_INVOCATION') return this.onBehavior(envelope.message);

    const started = process.hrtime.bigint();
    let requestId: string;
    let response: ExtensionResponse;
    try {
      const request = decodeMqttRequest(envelope.message, limits);
      requestId = request.id;
      response = (await this.dispatcher!.dispatch(request)).response;
    } catch (error) {
      if (!(error instanceof EnvelopeError) || error.requestId === undefined) return this.drop(error);
      requestId = error.requestId;
      response = this.dispatcher!.answerUndecodable(error);
      this.log.warn(
        { requestId, reason: error.code, detail: error.message },
        'answered an undecodable request with an error',
      );
    }
    await this.publish(encodeMqttReply(requestId, response));
    this.metrics.replyLatency.observe({ transport: 'mqtt' }, Number(process.hrtime.bigint() - started) / 1e9);
  }

  private async onBehavior(message: Record<string, unknown>): Promise<void> {
    let invocation: BehaviorInvocation;
    try {
      invocation = decodeBehaviorInvocation(message);
    } catch (error) {
      if (!(error instanceof EnvelopeError) || error.requestId === undefined) return this.drop(error);
      const entityId =
        typeof (message['headers'] as Record<string, unknown>)['entityId'] === 'string'
          ? ((message['headers'] as Record<string, unknown>)['entityId'] as string)
          : '';
      this.metrics.behaviors.inc({ status: 'error' });
      return this.publish(
        encodeBehaviorFailure(
          { taskId: error.requestId, entityId },
          { majorErrorCode: 400, minorErrorCode: 'BAD_REQUEST', message: error.message },
        ),
      );
    }
    if (this.startedTasks.has(invocation.taskId)) {
      this.log.info({ taskId: invocation.taskId }, 'ignored a repeated behaviour invocation');
      return;
    }
    this.rememberTask(invocation.taskId);
    this.behaviorsRunning += 1;
    try {
      if (!this.behaviorHandler) {
        throw new BehaviorError(`No handler for behaviour ${invocation.behaviorId}`, 'NOT_IMPLEMENTED', 501);
      }
      const result = await this.behaviorHandler(invocation, (update) =>
        this.publish(encodeBehaviorProgress(invocation, update)),
      );
      await this.publish(encodeBehaviorSuccess(invocation, result));
      this.metrics.behaviors.inc({ status: 'success' });
    } catch (error) {
      const failure =
        error instanceof BehaviorError
          ? {
              majorErrorCode: error.majorErrorCode,
              minorErrorCode: error.minorErrorCode,
              message: error.message,
            }
          : {
              majorErrorCode: 500,
              minorErrorCode: 'INTERNAL_SERVER_ERROR',
              message: `Behaviour ${invocation.behaviorId} failed; see the worker log (task ${invocation.taskId})`,
            };
      if (!(error instanceof BehaviorError)) {
        this.log.error(
          { err: error, taskId: invocation.taskId, behaviorId: invocation.behaviorId },
          'behaviour failed',
        );
      }
      await this.publish(encodeBehaviorFailure(invocation, failure));
      this.metrics.behaviors.inc({ status: 'error' });
    } finally {
      this.behaviorsRunning -= 1;
    }
  }

  private rememberTask(taskId: string): void {
    const now = Date.now();
    this.startedTasks.set(taskId, now);
    for (const [id, at] of this.startedTasks) {
      if (this.startedTasks.size <= this.options.replyCacheSize && now - at < this.options.replyCacheTtlMs)
        break;
      this.startedTasks.delete(id);
    }
  }

  private async publish(content: Buffer): Promise<void> {
    await this.client!.publishAsync(this.topics.respond, content, { qos: this.options.qos });
  }

  /**
   * A standby replica: the leader answers this one. Counted by type; a behaviour invocation is also shown to the
   * observer (it carries secrets this replica's reconciler may need). Undecodable messages are the leader's to log.
   */
  private leaveToLeader(payload: Buffer): void {
    try {
      const envelope = readMqttMessageType(payload, { maxBodyBytes: this.options.maxBodyBytes });
      if (!envelope.type) return;
      this.metrics.ignoredOnStandby.inc({ type: envelope.type });
      if (envelope.type === 'BEHAVIOR_INVOCATION') {
        const invocation = decodeBehaviorInvocation(envelope.message);
        this.observeBehavior?.(invocation);
        this.holdInvocation(invocation.taskId, payload);
      }
    } catch {
      // not ours to answer
    }
  }

  private holdInvocation(taskId: string, payload: Buffer): void {
    const now = Date.now();
    this.heldInvocations.set(taskId, { payload, at: now });
    for (const [id, held] of this.heldInvocations) {
      if (this.heldInvocations.size <= this.options.replyCacheSize && now - held.at < this.replayWindowMs)
        break;
      this.heldInvocations.delete(id);
    }
  }

  private get replayWindowMs(): number {
    return this.options.standbyReplayMs ?? 30_000;
  }

  /** Just became leader: answer the invocations the previous leader may have left unanswered. */
  private answerHeldInvocations(): void {
    const since = Date.now() - this.replayWindowMs;
    const held = [...this.heldInvocations.values()].filter((entry) => entry.at >= since);
    this.heldInvocations.clear();
    if (held.length === 0 || this.stopping) return;
    this.log.info({ count: held.length }, 'answering behaviour invocations received while standby');
    for (const entry of held) this.track(this.onMessage(entry.payload));
  }

  private drop(error: unknown): void {
    const reason = error instanceof EnvelopeError ? error.code : 'UNEXPECTED';
    this.metrics.dropped.inc({ transport: 'mqtt', reason });
    this.log.warn(
      { reason, detail: (error as Error).message },
      'dropped an MQTT message that cannot be decoded or answered',
    );
  }
}

function describeMqttError(error: Error, url: string): string {
  const code = (error as { code?: unknown }).code;
  if (code === 4 || code === 5 || /Not authorized|Bad username or password/i.test(error.message)) {
    return `VCD's MQTT broker at ${url} refused the extension token (bus.mqtt.token): ${error.message}`;
  }
  if (code === 'ECONNREFUSED') return `cannot reach VCD's MQTT broker at ${url}: connection refused`;
  return error.message;
}
