import type { WorkerConfig } from './config/schema.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetricsRegistry } from './observability/metrics.ts';
import { startHealthServer } from './observability/health-server.ts';
import { productVersion } from './version.ts';

export interface RunningWorker {
  healthUrl: string;
  logger: Logger;
  /** Stops taking work, finishes what is in flight (bounded by `shutdownTimeoutMs`), then closes. */
  stop(reason: string): Promise<void>;
}

/** Starts the worker: health and metrics now; transports and the reconciler plug in here. */
export async function startWorker(config: WorkerConfig, logger?: Logger): Promise<RunningWorker> {
  const log =
    logger ?? createLogger({ name: 'cse-worker', level: config.log.level, pretty: config.log.pretty });
  const registry = createMetricsRegistry();
  let stopping = false;

  const health = await startHealthServer({
    host: config.http.host,
    port: config.http.port,
    registry,
    version: productVersion,
    readiness: [
      () => ({ name: 'shutdown', ready: !stopping, detail: stopping ? 'worker is stopping' : undefined }),
    ],
  });

  log.info(
    { version: productVersion, health: health.url, vcd: config.vcd.url, transport: config.bus.transport },
    'worker started',
  );

  let stopped: Promise<void> | undefined;
  return {
    healthUrl: health.url,
    logger: log,
    stop(reason: string) {
      stopped ??= (async () => {
        stopping = true;
        log.info({ reason }, 'worker stopping');
        await health.close();
        log.info('worker stopped');
      })();
      return stopped;
    },
  };
}
