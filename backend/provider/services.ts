/**
 * The provider side of a worker, wired once: the settings entity (shared by the API and the reconciler, so a write
 * through the API clears the reconciler's cache at once), the template catalog and the tenants.
 */
import { clustersConfigSchema, type ClustersConfig } from '../config/clusters-schema.ts';
import type { VcdClient } from '../vcd/client.ts';
import { ProviderConfig } from './provider-config.ts';
import { TemplateCatalog } from './templates-lifecycle.ts';
import { Tenants } from './tenants.ts';

export interface ProviderServices {
  config: ProviderConfig;
  templates: TemplateCatalog;
  tenants: Tenants;
  /** The worker's cluster configuration: the settings in force until the provider saves some. */
  clustersConfig: ClustersConfig;
}

export function createProviderServices(
  vcd: VcdClient,
  clustersConfig: ClustersConfig = clustersConfigSchema.parse({}),
): ProviderServices {
  const config = new ProviderConfig(vcd);
  const templates = new TemplateCatalog(vcd, config);
  return { config, templates, tenants: new Tenants(vcd, templates), clustersConfig };
}
