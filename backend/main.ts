import type { WorkerConfig } from './config/schema.ts';
import { createMqttLeadership, createTransport } from './bus/create-transport.ts';
import { describeLeadership } from './bus/mqtt-leadership.ts';
import { timedOut } from './bus/backoff.ts';
import { createApiHandler } from './api/api.ts';
import { createClusterLifecycle } from './clusters/lifecycle.ts';
import { defaultHolder } from './clusters/reconciler.ts';
import { entitySettingsSource } from './provider/provider-config.ts';
import { createProviderServices } from './provider/services.ts';
import { templateOffers } from './provider/templates-lifecycle.ts';
import type { BehaviorHandler, RequestHandler, Transport } from './bus/transport.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetricsRegistry } from './observability/metrics.ts';
import { startHealthServer, type ReadinessCheck } from './observability/health-server.ts';
import { VcdClient } from './vcd/client.ts';
import { productVersion } from './version.ts';

export interface RunningWorker {
  healthUrl: string;
  logger: Logger;
  /** The bus transport in use, absent when none could start (its reason is in the start log line). */
  transport?: Transport;
  /** The worker's VCD client (service account from `vcd.apiToken`). */
  vcd: VcdClient;
  /** Stops taking work, finishes what is in flight (bounded by `shutdownTimeoutMs`), then closes. */
  stop(reason: string): Promise<void>;
}

export interface WorkerHandlers {
  /** Answers API requests from the bus; defaults to the `/api/cse` router (`backend/api/`). */
  request?: RequestHandler;
  behavior?: BehaviorHandler;
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

  // Logs in lazily, on the first call that needs VCD: a worker starts (and reports its bus) even while VCD is down.
  const vcd = new VcdClient({
    url: config.vcd.url,
    org: config.vcd.org,
    apiToken: config.vcd.apiToken,
    logger: log.child({ component: 'vcd' }),
  });
  // One name for this replica, in cluster leases and in the MQTT leadership record.
  const workerId = config.clusters.workerId ?? defaultHolder();
  const election = createMqttLeadership(config, { vcd, holder: workerId, logger: log, registry });
  const bus = createTransport(config, { logger: log, registry, leadership: election.leadership });
  // The provider's settings entity and template catalog: read on every reconcile pass (briefly cached, cleared by
  // every write through the API), so a change applies without a restart.
  const provider = createProviderServices(vcd, config.clusters);
  const clusters = createClusterLifecycle({
    vcd,
    config: { ...config.clusters, workerId },
    vcdUrl: config.vcd.url,
    logger: log.child({ component: 'clusters' }),
    settings: entitySettingsSource(provider.config, config.clusters, config.vcd.url),
    templateOffers: templateOffers(provider.templates),
    // VCD runs RDE behaviours only over MQTT; over AMQP the secure section is read through fullContents.
    secureSection: config.bus.transport === 'amqp' ? 'fullContents' : 'behaviour',
  });
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
  const leadership = election.leadership;
  if (leadership) {
    // A standby replica is ready (it takes over when the leader goes); only a record it can never use is not.
    readiness.push(() => {
      const status = leadership.status();
      return { name: 'bus leadership (mqtt)', ready: !status.problem, detail: describeLeadership(status) };
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
      request:
        handlers.request ??
        createApiHandler({
          vcd,
          transports: [config.bus.transport],
          logger: log.child({ component: 'api' }),
          maxBodyBytes: config.bus.maxBodyBytes,
          clusters: clusters.service,
          provider,
        }),
      behavior: handlers.behavior ?? clusters.behaviour,
      observeBehavior: clusters.observeBehaviour,
    });
  } catch (error) {
    await leadership?.stop();
    await health.close();
    throw error;
  }
  // Start-up ends once this replica knows whether it leads, so a single worker answers as soon as it is up.
  if (leadership) await timedOut(leadership.settled(), 10_000);

  // Without VCD credentials there is nothing to reconcile (tests of the bus alone).
  if (config.vcd.apiToken) clusters.start();

  log.info(
    {
      version: productVersion,
      health: health.url,
      vcd: config.vcd.url,
      transport: config.bus.transport,
      ...(bus.transport ? {} : { bus: bus.notStarted }),
      ...(leadership ? { mqttLeader: leadership.isLeader(), workerId } : {}),
      ...(election.off ? { mqttLeadership: election.off } : {}),
    },
    'worker started',
  );

  let stopped: Promise<void> | undefined;
  return {
    healthUrl: health.url,
    logger: log,
    transport: bus.transport,
    vcd,
    stop(reason: string) {
      stopped ??= (async () => {
        stopping = true;
        log.info({ reason }, 'worker stopping');
        // Stop consuming first and let in-flight requests reply; readiness already says we are going.
        await bus.transport?.stop(config.shutdownTimeoutMs);
        await leadership?.stop();
        await clusters.stop();
        await health.close();
        log.info('worker stopped');
      })();
      return stopped;
    },
  };
}
