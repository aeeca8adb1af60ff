/** Wires the cluster lifecycle of one worker: store, secret vault, reconciler, service and behaviour handler. */
import type { Logger } from 'pino';
import type { BehaviorHandler, TransportHandlers } from '../bus/transport.ts';
import type { ClustersConfig } from '../config/clusters-schema.ts';
import type { VcdClient } from '../vcd/client.ts';
import { clusterBehaviourHandler } from './behaviours.ts';
import { configProviderSettings, type ProviderSettingsSource } from './provider-settings.ts';
import { Reconciler } from './reconciler.ts';
import { SecretVault, type SecureSectionSource } from './secrets.ts';
import { ClusterService, type ClusterServiceOptions } from './service.ts';
import type { ClusterEntity } from './spec.ts';
import { ClusterStore } from './store.ts';

export interface ClusterLifecycle {
  service: ClusterService;
  reconciler: Reconciler;
  behaviour: BehaviorHandler;
  /** What an MQTT standby replica does with an invocation the leader answers: learn the secure section only. */
  observeBehaviour: NonNullable<TransportHandlers['observeBehavior']>;
  start(): void;
  stop(): Promise<void>;
}

export function createClusterLifecycle(options: {
  vcd: VcdClient;
  config: ClustersConfig;
  vcdUrl: string;
  logger: Logger;
  settings?: ProviderSettingsSource;
  /** The provider's template decisions for create checks (see `ClusterServiceOptions.templateOffers`). */
  templateOffers?: ClusterServiceOptions['templateOffers'];
  /** `fullContents` where VCD runs no behaviours for the worker (AMQP); default `behaviour`. */
  secureSection?: SecureSectionSource;
}): ClusterLifecycle {
  const store = new ClusterStore(options.vcd);
  const secrets = new SecretVault(options.vcd, options.secureSection);
  const reconciler = new Reconciler({
    store,
    vcd: options.vcd,
    secrets,
    settings: options.settings ?? configProviderSettings(options.config, options.vcdUrl),
    logger: options.logger,
    holder: options.config.workerId,
    leaseMs: options.config.leaseMs,
    resyncMs: options.config.resyncMs,
    concurrency: options.config.concurrency,
  });
  const wake = (id: string) => reconciler.wake(id);
  const service = new ClusterService({
    store,
    vcd: options.vcd,
    secrets,
    wake,
    templateOffers: options.templateOffers,
  });
  return {
    service,
    reconciler,
    behaviour: clusterBehaviourHandler({ secrets, service, wake }),
    observeBehaviour: (invocation) =>
      secrets.remember(
        invocation.entityId,
        (invocation.entity as Partial<ClusterEntity> | undefined)?.private,
      ),
    start: () => reconciler.start(),
    stop: () => reconciler.stop(),
  };
}
