/**
 * `cse uninstall`: removes what `cse install` created, in reverse order, and nothing else; CSE 4.2's definitions
 * stay, since other clients' clusters are entities of them. It refuses while
 * clusters exist: removing the type would orphan their VMs and load balancers.
 */
import { CLUSTER_TYPE_ID } from '../../behaviours/index.ts';
import type { VcdClient } from '../vcd/client.ts';
import { getEntityType, listEntities } from '../vcd/rde.ts';
import { clusterType } from '../api/clusters-read.ts';
import { removeExtension } from './extension.ts';
import { defaultExtensionIdentity, defaultPluginZip, type ExtensionIdentity } from './identity.ts';
import { removalNote } from './cse42-definitions.ts';
import { removeClusterEntity } from './rde-definitions.ts';
import { removeSystemEntityType, systemEntityTypes } from './system-entity-types.ts';
import { InstallReport } from './report.ts';
import { removeRolesAndBundle, removeTypeEntitlement } from './roles.ts';
import { removeUiPlugin } from './ui-plugin.ts';
import { revokeWorkerTokens } from './worker-settings.ts';

export interface UninstallOptions {
  vcd: VcdClient;
  identity?: Partial<ExtensionIdentity>;
  pluginZip?: string;
  print?: (line: string) => void;
}

export class ClustersExistError extends Error {
  override readonly name = 'ClustersExistError';
}

export async function uninstall(options: UninstallOptions): Promise<InstallReport> {
  const identity = { ...defaultExtensionIdentity, ...options.identity };
  const vcd = options.vcd;
  if (await getEntityType(vcd, CLUSTER_TYPE_ID)) {
    const clusters = await listEntities(vcd, clusterType, { pageSize: 1 });
    if (clusters.resultTotal > 0) {
      throw new ClustersExistError(
        `${clusters.resultTotal} cluster(s) still exist; delete them first (nothing was removed)`,
      );
    }
  }
  const report = new InstallReport(options.print);
  await removeUiPlugin(vcd, options.pluginZip ?? defaultPluginZip, report);
  await removeRolesAndBundle(vcd, identity.name, report);
  await removeClusterEntity(vcd, report);
  report.record("CSE 4.2's RDE types and interfaces", 'skipped', removalNote);
  for (const kind of systemEntityTypes) await removeSystemEntityType(vcd, report, kind);
  await removeTypeEntitlement(vcd, report);
  await revokeWorkerTokens(vcd, identity, report);
  await removeExtension(vcd, 'mqtt', identity, report);
  await removeExtension(vcd, 'amqp', identity, report);
  return report;
}
