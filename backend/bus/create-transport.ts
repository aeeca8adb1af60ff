import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { mqttLeaderLeaseName } from '../../behaviours/leader-lease.ts';
import type { WorkerConfig } from '../config/schema.ts';
import type { VcdClient } from '../vcd/client.ts';
import { AmqpTransport } from './amqp.ts';
import { VcdLeaseStore } from './leader-lease-store.ts';
import { MqttLeadership, type LeadershipGate } from './mqtt-leadership.ts';
import { MqttTransport, vcdBrokerUrl } from './mqtt.ts';
import type { Transport } from './transport.ts';

export type TransportChoice = { transport: Transport } | { transport?: undefined; notStarted: string };

export type LeadershipChoice =
  { leadership: MqttLeadership; off?: undefined } | { leadership?: undefined; off?: string };

/**
 * The MQTT leader election, for an MQTT transport with `bus.mqtt.leaderElection` on and VCD credentials to keep the
 * lease with. `off` says why a replica answers every request without one (nothing for AMQP: its queue already
 * gives each request to one consumer).
 */
export function createMqttLeadership(
  config: WorkerConfig,
  deps: { vcd: VcdClient; holder: string; logger: Logger; registry: Registry },
): LeadershipChoice {
  const mqtt = config.bus.mqtt;
  if (config.bus.transport !== 'mqtt' || !mqtt.token) return {};
  const single = 'this replica answers every MQTT request; run only one';
  if (!mqtt.leaderElection) return { off: `leader election is off (bus.mqtt.leaderElection): ${single}` };
  if (!config.vcd.apiToken) return { off: `no vcd.apiToken to keep the leadership lease in VCD: ${single}` };
  const logger = deps.logger.child({ component: 'mqtt-leadership' });
  const store = new VcdLeaseStore(deps.vcd, {
    name: mqttLeaderLeaseName(mqtt),
    timeoutMs: Math.max(1000, Math.floor(mqtt.leaderLeaseMs / 3)),
    logger,
  });
  return {
    leadership: new MqttLeadership({
      store,
      holder: deps.holder,
      leaseMs: mqtt.leaderLeaseMs,
      logger: deps.logger,
      registry: deps.registry,
    }),
  };
}

/** The transport `bus.transport` selects, configured from `bus.*`; MQTT needs the extension token. */
export function createTransport(
  config: WorkerConfig,
  deps: { logger: Logger; registry: Registry; leadership?: LeadershipGate },
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
      leadership: deps.leadership,
      // Two leases: the longest an invocation can wait between a leader's death and its successor.
      standbyReplayMs: 2 * bus.mqtt.leaderLeaseMs,
    }),
  };
}
