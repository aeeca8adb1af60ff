import { Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per worker process, so tests can run several workers in one process. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'cse-worker' });
  collectDefaultMetrics({ register: registry, prefix: 'cse_' });
  return registry;
}
