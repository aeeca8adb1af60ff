import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { WorkerConfig } from '../config/schema.ts';
import { AmqpTransport } from './amqp.ts';
import { MqttTransport, vcdBrokerUrl } from './mqtt.ts';
import type { Transport } from './transport.ts';

export type TransportChoice = { transport: Transport } | { transport?: undefined; notStarted: string };

/** The transport `bus.transport` selects, configured from `bus.*`; MQTT needs the extension token. */
export function createTransport(
  config: WorkerConfig,
  deps: { logger: Logger; registry: Registry },
): TransportChoice {
  const bus = config.bus;
  const shared = {
    maxInFlight: bus.maxInFlight,
    maxBodyBytes: bus.maxBodyBytes,
    replyCacheTtlMs: bus.replyCacheTtlMs,
    replyCacheSize: bus.replyCacheSize,
    logger: deps.logger,
    registry: deps.registry,
  };
  if (bus.transport === 'amqp') {
    return {
      transport: new AmqpTransport({
        ...shared,
        url: bus.amqpUrl,
        exchange: bus.amqp.exchange,
        routingKey: bus.amqp.routingKey,
        queue: bus.amqp.queue ?? bus.amqp.routingKey,
        declare: bus.amqp.declare,
        queueType: bus.amqp.queueType,
        prefetch: bus.amqp.prefetch,
        reconnectInitialMs: bus.amqp.reconnectInitialMs,
        reconnectMaxMs: bus.amqp.reconnectMaxMs,
        replyAttempts: bus.amqp.replyAttempts,
      }),
    };
  }
  if (!bus.mqtt.token) {
    return {
      notStarted: 'mqtt transport not started: no extension token (bus.mqtt.token, env CSE_BUS_MQTT_TOKEN)',
    };
  }
  return {
    transport: new MqttTransport({
      ...shared,
      url: bus.mqtt.url ?? vcdBrokerUrl(config.vcd.url),
      extension: { vendor: bus.mqtt.vendor, name: bus.mqtt.name, version: bus.mqtt.version },
      token: bus.mqtt.token,
      qos: bus.mqtt.qos as 0 | 1 | 2,
      reconnectMs: bus.mqtt.reconnectMs,
    }),
  };
}
