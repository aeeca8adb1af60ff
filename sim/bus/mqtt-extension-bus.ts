import type { EmbeddedMqttBroker } from './mqtt-broker.ts';

/** Every extension's respond topic: `topic/extension/<vendor>/<name>/<version>/vcd`. */
export const respondTopicFilter = 'topic/extension/+/+/+/vcd';

/** One message an extension published on its respond topic, parsed. */
export interface RespondMessage {
  topic: string;
  type: string;
  headers: Record<string, unknown>;
  message: Record<string, unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * VCD's side of the MQTT extension topics: publishes to an extension's monitor topic and hands
 * what extensions publish on their respond topics to waiting API requests (`API_RESPONSE`, by
 * request id) and to behaviour listeners (`BEHAVIOR_RESPONSE`). Other types are ignored, as VCD's
 * bus asks of every consumer.
 */
export class MqttExtensionBus {
  readonly #waiting = new Map<string, { topic: string; resolve(message: RespondMessage): void }>();
  readonly #behaviorListeners = new Set<(message: RespondMessage) => void>();
  #subscribed?: Promise<unknown>;

  constructor(private readonly broker: Promise<EmbeddedMqttBroker>) {}

  #subscribe(): Promise<unknown> {
    this.#subscribed ??= this.broker.then((broker) =>
      broker.subscribe(respondTopicFilter, (topic, payload) => this.#onMessage(topic, payload)),
    );
    return this.#subscribed;
  }

  #onMessage(topic: string, payload: Buffer): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch {
      return; // unreadable: nothing to match it to
    }
    if (!isObject(parsed) || typeof parsed['type'] !== 'string') return;
    const message: RespondMessage = {
      topic,
      type: parsed['type'],
      headers: isObject(parsed['headers']) ? parsed['headers'] : {},
      message: parsed,
    };
    if (message.type === 'API_RESPONSE') {
      const requestId = message.headers['requestId'];
      const waiter = typeof requestId === 'string' ? this.#waiting.get(requestId) : undefined;
      // Only the extension the request went to may answer it.
      if (!waiter || waiter.topic !== topic) return;
      this.#waiting.delete(requestId as string);
      waiter.resolve(message);
    } else if (message.type === 'BEHAVIOR_RESPONSE') {
      for (const listener of this.#behaviorListeners) {
        try {
          listener(message);
        } catch {
          // one failing listener must not starve the others
        }
      }
    }
  }

  /** Publishes an API_REQUEST and resolves with the API_RESPONSE carrying the same request id. */
  async request(
    topics: { monitor: string; respond: string },
    requestId: string,
    message: unknown,
    signal: AbortSignal,
  ): Promise<RespondMessage> {
    await this.#subscribe();
    const reply = new Promise<RespondMessage>((resolve, reject) => {
      this.#waiting.set(requestId, { topic: topics.respond, resolve });
      signal.addEventListener(
        'abort',
        () => {
          this.#waiting.delete(requestId);
          reject(signal.reason);
        },
        { once: true },
      );
    });
    reply.catch(() => undefined);
    await (await this.broker).publish(topics.monitor, message);
    return reply;
  }

  /** Publishes any bus message (e.g. `BEHAVIOR_INVOCATION`) to a monitor topic. */
  async publish(topic: string, message: unknown): Promise<void> {
    await this.#subscribe();
    await (await this.broker).publish(topic, message);
  }

  /** Receives every `BEHAVIOR_RESPONSE`; returns the unsubscribe. */
  onBehaviorResponse(listener: (message: RespondMessage) => void): () => void {
    void this.#subscribe();
    this.#behaviorListeners.add(listener);
    return () => this.#behaviorListeners.delete(listener);
  }
}
