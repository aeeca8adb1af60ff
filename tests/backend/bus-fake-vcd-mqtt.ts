/**
 * Plays Cloud Director's MQTT side for the transport tests: an aedes broker served over WebSocket at
 * `/messaging/mqtt` (as VCD and the simulator serve it) that accepts only the extension's token, and a VCD
 * client that publishes `API_REQUEST` / `BEHAVIOR_INVOCATION` and collects what the extension answers.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Aedes, type AuthenticateError } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import { extensionTopics, type ExtensionIdentity } from '../../backend/bus/mqtt.ts';
import { tenantContext, vcdRequestArray, type HttpRequestFields } from './bus-fake-vcd.ts';

export const extension: ExtensionIdentity = { vendor: 'vmware', name: 'cse', version: '1.0.0' };

export interface BusMessage {
  type: string;
  headers: Record<string, unknown>;
  httpResponse?: { statusCode: number; headers: Record<string, string>; body: string };
  payload?: string;
}

export class FakeVcdMqtt {
  readonly token = `ext-token-${randomUUID()}`;
  readonly received: BusMessage[] = [];
  readonly topics = extensionTopics(extension);
  private readonly sockets = new Set<WebSocket>();
  private client!: MqttClient;
  private waiters: (() => void)[] = [];
  url = '';

  private constructor(
    private readonly broker: Aedes,
    private readonly http: Server,
    private readonly wss: WebSocketServer,
  ) {}

  static async start(): Promise<FakeVcdMqtt> {
    let expectedToken = '';
    const broker = await Aedes.createBroker({
      authenticate: (_client, username, password, done) => {
        const vcdItself = username === 'vcd';
        const extensionUser = username === `${extension.vendor}/${extension.name}/${extension.version}`;
        if (vcdItself || (extensionUser && password?.toString() === expectedToken)) return done(null, true);
        const error = new Error('Bad username or password') as AuthenticateError;
        error.returnCode = 4;
        return done(error, null);
      },
    });
    const http = createServer();
    const wss = new WebSocketServer({ server: http, path: '/messaging/mqtt' });
    const vcd = new FakeVcdMqtt(broker, http, wss);
    expectedToken = vcd.token;
    wss.on('connection', (socket, request) => {
      vcd.sockets.add(socket);
      socket.on('close', () => vcd.sockets.delete(socket));
      broker.handle(createWebSocketStream(socket), request);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    vcd.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/messaging/mqtt`;
    vcd.client = await mqtt.connectAsync(vcd.url, { username: 'vcd', clean: true, reconnectPeriod: 200 });
    await vcd.client.subscribeAsync(vcd.topics.respond, { qos: 1 });
    vcd.client.on('message', (_topic, payload) => {
      vcd.received.push(JSON.parse(payload.toString('utf8')) as BusMessage);
      for (const wake of vcd.waiters.splice(0)) wake();
    });
    return vcd;
  }

  publishRaw(content: Buffer | string): Promise<unknown> {
    return this.client.publishAsync(this.topics.monitor, content, { qos: 1 });
  }

  /** Sends an API_REQUEST as VCD does; returns its request id. */
  async request(
    fields: HttpRequestFields = {},
    context: Record<string, unknown> = { ...tenantContext, apiAccessToken: 'caller-jwt' },
  ): Promise<string> {
    const requestId = fields.id ?? randomUUID();
    const [message] = vcdRequestArray({ ...fields, id: requestId });
    const httpRequest = Buffer.from(
      JSON.stringify({ message, securityContext: context, context: {} }),
    ).toString('base64');
    await this.publishRaw(
      JSON.stringify({
        type: 'API_REQUEST',
        headers: { requestId, context },
        httpRequest,
        linkApiBaseUrl: 'https://vcd.example/api',
      }),
    );
    return requestId;
  }

  /** Sends a BEHAVIOR_INVOCATION with the payload at the top level; returns the task id. */
  async invoke(
    behaviorId: string,
    args: Record<string, unknown> = {},
    taskId: string = randomUUID(),
  ): Promise<string> {
    const entityId = 'urn:vcloud:entity:vmware:cseCluster:00000000-0000-0000-0000-000000000001';
    await this.publishRaw(
      JSON.stringify({
        type: 'BEHAVIOR_INVOCATION',
        headers: {
          taskId,
          entityId,
          behaviorId,
          context: { userId: tenantContext.user, orgId: tenantContext.org, rights: [] },
        },
        payload: JSON.stringify({
          entityId,
          typeId: 'urn:vcloud:type:vmware:cseCluster:1.0.0',
          arguments: args,
          entity: {},
          _metadata: { taskId },
        }),
      }),
    );
    return taskId;
  }

  responsesTo(requestId: string): BusMessage[] {
    return this.received.filter((m) => m.type === 'API_RESPONSE' && m.headers['requestId'] === requestId);
  }

  /** The task updates for one behaviour task, payloads parsed. */
  taskUpdates(taskId: string): Record<string, unknown>[] {
    return this.received
      .filter((m) => m.type === 'BEHAVIOR_RESPONSE' && m.headers['taskId'] === taskId)
      .map((m) => JSON.parse(m.payload ?? '{}') as Record<string, unknown>);
  }

  async response(
    requestId: string,
    timeoutMs = 5000,
  ): Promise<{ statusCode: number; json: unknown; headers: Record<string, string> }> {
    await this.until(() => this.responsesTo(requestId).length > 0, timeoutMs, `API_RESPONSE to ${requestId}`);
    const { httpResponse } = this.responsesTo(requestId)[0]!;
    const text = Buffer.from(httpResponse!.body, 'base64').toString('utf8');
    return {
      statusCode: httpResponse!.statusCode,
      headers: httpResponse!.headers,
      json: text ? JSON.parse(text) : undefined,
    };
  }

  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Drops every WebSocket connection (ours too), as a broker restart would; clients must reconnect. */
  dropAllConnections(): number {
    let dropped = 0;
    for (const socket of this.sockets) {
      socket.terminate();
      dropped += 1;
    }
    return dropped;
  }

  get vcdConnected(): boolean {
    return this.client.connected;
  }

  async close(): Promise<void> {
    await this.client.endAsync(true).catch(() => undefined);
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}
