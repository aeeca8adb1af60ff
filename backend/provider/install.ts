/**
 * `cse install`: registers CSE in VCD with a provider API token, idempotently, in dependency order: the API
 * extension and our rights, the cluster entity (interface, behaviours, type, behaviour access), CSE 4.2's definitions
 * where absent, the settings and
 * worker lease types, the rights bundle and global roles, the UI plugin; then the worker settings. Each step looks
 * before it creates, so a second run changes nothing.
 */
import type { VcdClient } from '../vcd/client.ts';
import { registerExtension } from './extension.ts';
import {
  defaultExtensionIdentity,
  defaultPluginZip,
  type ExtensionIdentity,
  type InstallTransport,
} from './identity.ts';
import { registerCse42Definitions } from './cse42-definitions.ts';
import { registerClusterEntity } from './rde-definitions.ts';
import { registerSystemEntityType, systemEntityTypes } from './system-entity-types.ts';
import { InstallReport } from './report.ts';
import { installRolesAndBundle } from './roles.ts';
import { installUiPlugin } from './ui-plugin.ts';
import { produceWorkerSettings, type TokenOptions, type WorkerSettings } from './worker-settings.ts';

export interface InstallOptions extends TokenOptions {
  /** A provider client (System org API token). */
  vcd: VcdClient;
  /** Org of the provider token, normally `System`. */
  org?: string;
  transport: InstallTransport;
  identity?: Partial<ExtensionIdentity>;
  pluginZip?: string;
  /** Progress lines (no secrets). */
  print?: (line: string) => void;
}

export interface InstallResult {
  report: InstallReport;
  settings: WorkerSettings;
}

export async function install(options: InstallOptions): Promise<InstallResult> {
  const identity = { ...defaultExtensionIdentity, ...options.identity };
  const report = new InstallReport(options.print);
  const vcd = options.vcd;
  const extension = await registerExtension(vcd, options.transport, identity, report);
  await registerClusterEntity(vcd, extension, report);
  await registerCse42Definitions(vcd, report);
  for (const kind of systemEntityTypes) await registerSystemEntityType(vcd, report, kind);
  await installRolesAndBundle(vcd, identity.name, report);
  await installUiPlugin(vcd, options.pluginZip ?? defaultPluginZip, report);
  const settings = await produceWorkerSettings(
    vcd,
    options.org ?? 'System',
    extension,
    identity,
    options,
    report,
  );
  return { report, settings };
}
