import type { WorkerConfig } from './config/schema.ts';
import { createTransport } from './bus/create-transport.ts';
import type { ExtensionRequest, ExtensionResponse } from './bus/envelope.ts';
import { jsonResponse, vcdErrorResponse } from './bus/responses.ts';
import type { BehaviorHandler, RequestHandler, Transport } from './bus/transport.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetricsRegistry } from './observability/metrics.ts';
import { startHealthServer, type ReadinessCheck } from './observability/health-server.ts';
import { productVersion } from './version.ts';

export interface RunningWorker {
  healthUrl: string;
  logger: Logger;
  /** The bus transport in use, absent when none could start (its reason is in the start log line). */
  transport?: Transport;
  /** Stops taking work, finishes what is in flight (bounded by `shutdownTimeoutMs`), then closes. */
  stop(reason: string): Promise<void>;
}

export interface WorkerHandlers {
  /** Answers API requests from the bus; defaults to `placeholderRequestHandler`. */
  request?: RequestHandler;
  behavior?: BehaviorHandler;
}

/**
 * Until the API router exists: `GET /api/cse/v1/about` says who we are; everything else is a VCD-style 404
 * naming the path.
 */
export function placeholderRequestHandler(transports: string[]): RequestHandler {
  return async (request: ExtensionRequest): Promise<ExtensionResponse> => {
    if (request.method === 'GET' && request.path.replace(/\/+$/, '') === '/api/cse/v1/about') {
      return jsonResponse(200, { name: 'cse', version: productVersion, transports });
    }
    return vcdErrorResponse(404, 'NOT_FOUND', `No resource at ${request.method} ${request.path}`);
  };
}

/** Starts the worker: health and metrics, then the bus transport feeding the request handler. */
export async function startWorker(
  config: WorkerConfig,
  logger?: Logger,
  handlers: WorkerHandlers = {},
): Promise<RunningWorker> {
  const log =
    logger ?? createLogger({ name: 'cse-worker', level: config.log.level, pretty: config.log.pretty });
  const registry = createMetricsRegistry();
  let stopping = false;

  const bus = createTransport(config, { logger: log, registry });
  const readiness: ReadinessCheck[] = [
    () => ({ name: 'shutdown', ready: !stopping, detail: stopping ? 'worker is stopping' : undefined }),
  ];
  if (bus.transport) {
    const transport = bus.transport;
    readiness.push(() => {
      const status = transport.status();
      return { name: `bus (${status.transport})`, ready: status.ready, detail: status.detail };
    });
  }

  const health = await startHealthServer({
    host: config.http.host,
    port: config.http.port,
    registry,
    version: productVersion,
    readiness,
  });

  try {
    await bus.transport?.start({
      request: handlers.request ?? placeholderRequestHandler([config.bus.transport]),
      behavior: handlers.behavior,
    });
  } catch (error) {
    await health.close();
    throw error;
  }

  log.info(
    {
      version: productVersion,
      health: health.url,
      vcd: config.vcd.url,
      transport: config.bus.transport,
      ...(bus.transport ? {} : { bus: bus.notStarted }),
    },
    'worker started',
  );

  let stopped: Promise<void> | undefined;
  return {
    healthUrl: health.url,
    logger: log,
    transport: bus.transport,
    stop(reason: string) {
      stopped ??= (async () => {
        stopping = true;
        log.info({ reason }, 'worker stopping');
        // Stop consuming first and let in-flight requests reply; readiness already says we are going.
        await bus.transport?.stop(config.shutdownTimeoutMs);
        await health.close();
        log.info('worker stopped');
      })();
      return stopped;
    },
  };
}
