import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The bus metrics, on the worker's registry; created once per registry and shared by its transports. */
export interface BusMetrics {
  requests: Counter<'transport' | 'status'>;
  inFlight: Gauge<'transport'>;
  replyLatency: Histogram<'transport'>;
  answeredFromCache: Counter<'transport'>;
  deadLettered: Counter<'transport' | 'reason'>;
  dropped: Counter<'transport' | 'reason'>;
  reconnects: Counter<'transport'>;
  behaviors: Counter<'status'>;
  ignoredOnStandby: Counter<'type'>;
}

const cache = new WeakMap<Registry, BusMetrics>();

export function busMetrics(registry: Registry): BusMetrics {
  const existing = cache.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: BusMetrics = {
    requests: new Counter({
      name: 'cse_bus_requests_total',
      help: 'API requests answered, by transport and HTTP status',
      labelNames: ['transport', 'status'],
      registers,
    }),
    inFlight: new Gauge({
      name: 'cse_bus_requests_in_flight',
      help: 'API requests being handled now',
      labelNames: ['transport'],
      registers,
    }),
    replyLatency: new Histogram({
      name: 'cse_bus_reply_latency_seconds',
      help: 'Time from receiving a request to the broker accepting its reply',
      labelNames: ['transport'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    answeredFromCache: new Counter({
      name: 'cse_bus_redeliveries_answered_from_cache_total',
      help: 'Repeated deliveries of an already answered request, answered from the reply cache instead of run again',
      labelNames: ['transport'],
      registers,
    }),
    deadLettered: new Counter({
      name: 'cse_bus_dead_lettered_total',
      help: 'Messages moved to the dead-letter queue, by reason',
      labelNames: ['transport', 'reason'],
      registers,
    }),
    dropped: new Counter({
      name: 'cse_bus_dropped_messages_total',
      help: 'Messages that could not be decoded nor answered and have no dead-letter queue (MQTT), by reason',
      labelNames: ['transport', 'reason'],
      registers,
    }),
    reconnects: new Counter({
      name: 'cse_bus_reconnects_total',
      help: 'Reconnections to the broker after a lost connection or channel',
      labelNames: ['transport'],
      registers,
    }),
    behaviors: new Counter({
      name: 'cse_bus_behavior_invocations_total',
      help: 'RDE behaviour invocations completed, by final task status',
      labelNames: ['status'],
      registers,
    }),
    ignoredOnStandby: new Counter({
      name: 'cse_bus_mqtt_ignored_on_standby_total',
      help: 'MQTT requests and behaviour invocations left to the leader: this replica does not hold the MQTT leadership',
      labelNames: ['type'],
      registers,
    }),
  };
  cache.set(registry, metrics);
  return metrics;
}
