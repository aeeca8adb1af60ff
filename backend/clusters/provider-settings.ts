/**
 * What the provider decides for every cluster: image registry or binary mirror, the bootstrap VM template and its
 * sizing, component versions, the Contour source and its checksum, phase timeouts. Behind one interface so that
 * issue 7 can move them from the worker configuration into a settings RDE without touching the steps.
 */
import type { ClustersConfig } from '../config/clusters-schema.ts';
import { bootstrapPhases, type BootstrapPhaseName } from '../bootstrap/phases.ts';
import { defaultBootstrapComponents, type BootstrapComponents } from '../bootstrap/cloud-init.ts';
import { addonNames, type AddonSource } from '../addons/vcd-addons.ts';

export interface ContourSource {
  /** Release manifest URL (used when `file` is absent). */
  url: string;
  file?: string;
  sha256: string;
  version: string;
  readyTimeoutMs: number;
}

export interface ProviderSettings {
  imageRegistry: string;
  binaryMirror?: string;
  providerImageRegistry?: string;
  /** Mirror of the clusterctl provider components and cert-manager (air-gapped sites). */
  componentsMirror?: string;
  /** VCD URL as the bootstrap VM and CAPVCD reach it. */
  vcdUrlForClusters: string;
  bootstrap: { catalog?: string; template: string; sizingPolicy: string };
  components: BootstrapComponents;
  /** CNI, CPI and CSI release manifests the bootstrap applies (none configured: none applied). */
  addons: AddonSource[];
  contour: ContourSource;
  /** Seconds per bootstrap phase. */
  phaseTimeouts: Record<BootstrapPhaseName, number>;
  /** Proxy for the bootstrap VM and the nodes (from the settings entity). */
  proxy?: { httpProxy?: string; httpsProxy?: string; noProxy?: string[] };
  /** CA certificates (PEM) the bootstrap VM and the nodes trust. */
  trustedCertificates?: { name: string; pem: string }[];
}

export interface ProviderSettingsSource {
  /** The settings in force now (read at the start of each reconcile pass). */
  current(): Promise<ProviderSettings>;
}

export function providerSettingsFromConfig(config: ClustersConfig, vcdUrl: string): ProviderSettings {
  const scale = config.bootstrap.phaseTimeoutScale;
  return {
    imageRegistry: config.imageRegistry,
    binaryMirror: config.binaryMirror,
    providerImageRegistry: config.providerImageRegistry,
    componentsMirror: config.componentsMirror,
    vcdUrlForClusters: (config.vcdUrlForClusters ?? vcdUrl).replace(/\/+$/, ''),
    bootstrap: {
      catalog: config.bootstrap.catalog,
      template: config.bootstrap.template,
      sizingPolicy: config.bootstrap.sizingPolicy,
    },
    components: defaultBootstrapComponents,
    addons: addonNames.flatMap((name) => {
      const source = config.addons[name];
      return source ? [{ name, ...source }] : [];
    }),
    contour: { ...config.contour },
    phaseTimeouts: Object.fromEntries(
      bootstrapPhases.map((phase) => [phase.name, Math.max(1, Math.ceil(phase.timeoutSeconds * scale))]),
    ) as Record<BootstrapPhaseName, number>,
  };
}

/** Settings from the worker configuration (fixed for the process's life). */
export function configProviderSettings(config: ClustersConfig, vcdUrl: string): ProviderSettingsSource {
  const settings = providerSettingsFromConfig(config, vcdUrl);
  return { current: () => Promise.resolve(settings) };
}
