import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';

/** VCD serves its broker over WebSocket at this path on its own HTTP port (never on 1883). */
export const mqttPath = '/messaging/mqtt';

/** Who a broker client logged in as; decides which topics it may use. */
export interface BrokerIdentity {
  /** Topics the client may subscribe to (exact topics or MQTT filters). */
  subscribe: readonly string[];
  /** Topics the client may publish to. */
  publish: readonly string[];
}

/** Checks a CONNECT's user name and password; `undefined` refuses the connection. */
export type BrokerAuthenticator = (username: string, password: string) => BrokerIdentity | undefined;

export type BusMessageHandler = (topic: string, payload: Buffer) => void;

/** MQTT topic filter matching with `+` and `#`. */
export function topicMatches(filter: string, topic: string): boolean {
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i];
    if (level === '#') return true;
    if (i >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[i]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/**
 * The simulator's embedded MQTT broker (aedes), as VCD embeds one in each cell: MQTT 3.1.1 over
 * WebSocket on the simulator's HTTP port, clean sessions only, nothing persisted. The simulator
 * itself publishes and subscribes inside the process, without a network client.
 */
export class EmbeddedMqttBroker {
  readonly #sockets = new Set<Duplex>();
  #wss?: WebSocketServer;
  #closed = false;

  private constructor(readonly broker: Aedes) {}

  static async create(authenticate: BrokerAuthenticator): Promise<EmbeddedMqttBroker> {
    const identities = new WeakMap<Client, BrokerIdentity>();
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const identity =
          username === undefined ? undefined : authenticate(username, password?.toString('utf8') ?? '');
        if (!identity) {
          const error = new Error('Bad user name or password') as AuthenticateError;
          error.returnCode = 4;
          done(error, false);
          return;
        }
        identities.set(client, identity);
        done(null, true);
      },
      authorizeSubscribe: (client, subscription, done) => {
        const identity = identities.get(client);
        const allowed = identity?.subscribe.some((topic) => topicMatches(topic, subscription.topic)) ?? false;
        // A refused subscription is granted with QoS 128 (failure), as MQTT 3.1.1 says.
        done(null, allowed ? subscription : null);
      },
      authorizePublish: (client, packet, done) => {
        if (!client) return done(null);
        const identity = identities.get(client);
        const allowed = identity?.publish.some((topic) => topicMatches(topic, packet.topic)) ?? false;
        done(allowed ? null : new Error(`not allowed to publish to ${packet.topic}`));
      },
    });
    return new EmbeddedMqttBroker(broker);
  }

  /** Serves the broker on `server` at `/messaging/mqtt`; other upgrade paths are left to others. */
  attach(server: Server): void {
    const wss = new WebSocketServer({ noServer: true });
    this.#wss = wss;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== mqttPath) return;
      if (this.#closed) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        const stream = createWebSocketStream(ws);
        this.#sockets.add(stream);
        stream.on('close', () => this.#sockets.delete(stream));
        stream.on('error', () => stream.destroy());
        this.broker.handle(stream, request);
      });
    });
  }

  /** Publishes a JSON message to every subscriber of `topic` (QoS 1: MQTT clients ack it). */
  publish(topic: string, message: unknown): Promise<void> {
    const payload = Buffer.from(JSON.stringify(message), 'utf8');
    return new Promise((resolve, reject) =>
      this.broker.publish({ cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  }

  /** Receives what clients publish on topics matching `filter`; returns the unsubscribe. */
  subscribe(filter: string, handler: BusMessageHandler): Promise<() => void> {
    const deliver = (packet: { topic: string; payload: Buffer | string }, done: () => void) => {
      try {
        handler(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
      } finally {
        done();
      }
    };
    return new Promise((resolve) =>
      this.broker.subscribe(filter, deliver, () =>
        resolve(() => this.broker.unsubscribe(filter, deliver, () => undefined)),
      ),
    );
  }

  /** Disconnects every client and stops the broker. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const socket of this.#sockets) socket.destroy();
    this.#wss?.close();
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
  }
}
