/**
 * A transparent tap on one worker's MQTT connection: a WebSocket proxy the worker dials instead of VCD's broker
 * (`bus.mqtt.url`). Every MQTT frame goes through unchanged, both ways; the tap reads the PUBLISH packets in them,
 * so a test sees exactly what this replica received and what it answered on the wire. `cut()` drops the connection
 * and refuses new ones (the replica loses its broker) until `restore()`.
 *
 * VCD's broker lets an extension subscribe to its monitor topic only, so replies cannot be watched with a third
 * subscriber; tapping each replica's own connection sees them without changing the topology.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

export interface TappedPublish {
  /** `in`: broker to worker (requests); `out`: worker to broker (replies). */
  direction: 'in' | 'out';
  topic: string;
  message: { type?: string; headers?: Record<string, unknown> } & Record<string, unknown>;
}

/** Reads MQTT 3.1.1 packets from a byte stream split anyhow across WebSocket frames; hands on PUBLISHes. */
class PublishReader {
  #buffer = Buffer.alloc(0);

  constructor(private readonly onPublish: (topic: string, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    for (;;) {
      const buffer = this.#buffer;
      let length = 0;
      let multiplier = 1;
      let offset = 1;
      let byte: number;
      do {
        if (offset >= buffer.length) return;
        byte = buffer[offset++]!;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
      } while (byte & 0x80);
      if (buffer.length < offset + length) return;
      const header = buffer[0]!;
      if (header >> 4 === 3) {
        const body = buffer.subarray(offset, offset + length);
        const topicLength = body.readUInt16BE(0);
        const topic = body.toString('utf8', 2, 2 + topicLength);
        const qos = (header >> 1) & 3;
        this.onPublish(topic, body.subarray(2 + topicLength + (qos > 0 ? 2 : 0)));
      }
      this.#buffer = buffer.subarray(offset + length);
    }
  }
}

function bytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class MqttTap {
  readonly published: TappedPublish[] = [];
  readonly #pairs = new Set<{ client: WebSocket; upstream: WebSocket }>();
  #cut = false;
  url = '';

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
  ) {}

  /** A tap in front of the broker at `target` (`ws://…/messaging/mqtt`). */
  static async start(target: string): Promise<MqttTap> {
    const http = createServer();
    const wss = new WebSocketServer({
      server: http,
      path: '/messaging/mqtt',
      handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
    });
    const tap = new MqttTap(http, wss);
    wss.on('connection', (client) => tap.#connect(client, target));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    tap.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/messaging/mqtt`;
    return tap;
  }

  /** Replies (`out`) or requests (`in`) of one bus message type. */
  messages(direction: 'in' | 'out', type: string): TappedPublish[] {
    return this.published.filter((entry) => entry.direction === direction && entry.message.type === type);
  }

  /** Drops the replica's broker connection and refuses it until `restore()`. */
  cut(): void {
    this.#cut = true;
    for (const pair of this.#pairs) {
      pair.client.terminate();
      pair.upstream.terminate();
    }
  }

  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  #connect(client: WebSocket, target: string): void {
    if (this.#cut) {
      client.terminate();
      return;
    }
    const upstream = new WebSocket(target, 'mqtt');
    const pair = { client, upstream };
    this.#pairs.add(pair);
    const pending: Buffer[] = [];
    const record = (direction: 'in' | 'out') =>
      new PublishReader((topic, payload) => {
        let message: TappedPublish['message'];
        try {
          message = JSON.parse(payload.toString('utf8')) as TappedPublish['message'];
        } catch {
          message = {};
        }
        this.published.push({ direction, topic, message });
      });
    const outgoing = record('out');
    const incoming = record('in');
    client.on('message', (data) => {
      const chunk = bytes(data);
      outgoing.push(chunk);
      if (upstream.readyState === WebSocket.OPEN) upstream.send(chunk);
      else pending.push(chunk);
    });
    upstream.on('open', () => {
      for (const chunk of pending.splice(0)) upstream.send(chunk);
    });
    upstream.on('message', (data) => {
      const chunk = bytes(data);
      incoming.push(chunk);
      if (client.readyState === WebSocket.OPEN) client.send(chunk);
    });
    const close = () => {
      this.#pairs.delete(pair);
      client.terminate();
      upstream.terminate();
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  }
}
