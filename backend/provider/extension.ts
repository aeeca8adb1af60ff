/**
 * Registers the API extension that routes `/api/cse/.*` to the worker: the legacy AMQP extension service
 * (exchange, routing key, API filter) or the cloudapi MQTT extension (with its API filter), and our service
 * rights on it, which VCD names `{cse}:<right>`.
 */
import { rightsDefinitions, serviceRightName } from '../../behaviours/rights.ts';
import type { VcdClient } from '../vcd/client.ts';
import {
  addServiceRight,
  apiExtensionId,
  createApiExtension,
  createApiFilter,
  createLegacyService,
  deleteApiExtension,
  deleteApiFilter,
  deleteLegacyService,
  findLegacyService,
  getApiExtension,
  listApiFilters,
  listServiceRights,
  updateApiExtension,
  updateLegacyService,
  type ApiExtension,
  type LegacyService,
} from '../vcd/extensions.ts';
import { findRight } from '../vcd/rights.ts';
import {
  apiUrlPatterns,
  extensionDescription,
  type ExtensionIdentity,
  type InstallTransport,
} from './identity.ts';
import type { InstallReport } from './report.ts';

export interface RegisteredExtension {
  transport: InstallTransport;
  /** `urn:vcloud:extension-api:…` (MQTT) or the legacy service uuid (AMQP). */
  id: string;
  /** Uuid of the legacy service, where VCD keeps the service rights. */
  legacyUuid?: string;
}

function legacyServiceBody(identity: ExtensionIdentity): LegacyService {
  return {
    name: identity.name,
    namespace: identity.name,
    description: extensionDescription,
    enabled: true,
    authorizationEnabled: false,
    routingKey: identity.routingKey,
    exchange: identity.exchange,
    apiFilters: { apiFilter: apiUrlPatterns.map((urlPattern) => ({ urlPattern })) },
  };
}

function mqttExtensionBody(identity: ExtensionIdentity): ApiExtension {
  return {
    name: identity.name,
    vendor: identity.vendor,
    version: identity.version,
    priority: 50,
    enabled: true,
    authorizationEnabled: false,
    description: extensionDescription,
  };
}

async function registerAmqp(
  vcd: VcdClient,
  identity: ExtensionIdentity,
  report: InstallReport,
): Promise<RegisteredExtension> {
  const label = `AMQP extension service ${identity.name} (exchange ${identity.exchange}, routing key ${identity.routingKey})`;
  const wanted = legacyServiceBody(identity);
  const existing = await findLegacyService(vcd, identity.name, identity.name);
  if (!existing) {
    const created = await createLegacyService(vcd, wanted);
    report.record(label, 'created');
    return { transport: 'amqp', id: created.uuid, legacyUuid: created.uuid };
  }
  const service = existing.service;
  const patterns = (service.apiFilters?.apiFilter ?? []).map((filter) => filter.urlPattern).sort();
  const same =
    service.enabled &&
    service.exchange === identity.exchange &&
    service.routingKey === identity.routingKey &&
    service.authorizationEnabled === false &&
    JSON.stringify(patterns) === JSON.stringify([...apiUrlPatterns].sort());
  if (same) report.record(label, 'unchanged');
  else {
    await updateLegacyService(vcd, existing.uuid, wanted);
    report.record(label, 'updated');
  }
  return { transport: 'amqp', id: existing.uuid, legacyUuid: existing.uuid };
}

async function registerMqtt(
  vcd: VcdClient,
  identity: ExtensionIdentity,
  report: InstallReport,
): Promise<RegisteredExtension> {
  const id = apiExtensionId(identity);
  const label = `MQTT extension ${id}`;
  const wanted = mqttExtensionBody(identity);
  const existing = await getApiExtension(vcd, id);
  const found = existing ?? (await createApiExtension(vcd, wanted));
  // Enabled whether found disabled or created so (VMware's example answers a create with enabled: true by
  // enabled: false, SL api-extensibility.md "Registering a new external service"): else no request would reach us.
  const enable = !found.extension.enabled || found.extension.authorizationEnabled;
  if (enable) await updateApiExtension(vcd, id, { ...found.extension, ...wanted });
  if (!existing) report.record(label, 'created');
  else if (enable) report.record(label, 'updated', 'enabled');
  else report.record(label, 'unchanged');
  const filters = await listApiFilters(vcd, id);
  for (const pattern of apiUrlPatterns) {
    if (filters.some((filter) => filter.urlMatcher.urlPattern === pattern)) {
      report.record(`API filter ${pattern}`, 'unchanged');
    } else {
      await createApiFilter(vcd, id, pattern);
      report.record(`API filter ${pattern}`, 'created');
    }
  }
  return { transport: 'mqtt', id, legacyUuid: found.legacyUuid };
}

/** Registers the extension on the chosen transport; the other transport's registration (if any) is removed. */
export async function registerExtension(
  vcd: VcdClient,
  transport: InstallTransport,
  identity: ExtensionIdentity,
  report: InstallReport,
): Promise<RegisteredExtension> {
  // One service answers /api/cse: a previous install on the other transport would race for the same URLs.
  await removeExtension(vcd, transport === 'amqp' ? 'mqtt' : 'amqp', identity, report, {
    quietWhenAbsent: true,
  });
  const extension =
    transport === 'amqp'
      ? await registerAmqp(vcd, identity, report)
      : await registerMqtt(vcd, identity, report);
  await ensureServiceRights(vcd, extension, identity, report);
  return extension;
}

async function ensureServiceRights(
  vcd: VcdClient,
  extension: RegisteredExtension,
  identity: ExtensionIdentity,
  report: InstallReport,
): Promise<void> {
  if (!extension.legacyUuid) {
    report.record('service rights', 'skipped', 'VCD did not say where the extension keeps its rights');
    return;
  }
  const attached = new Set((await listServiceRights(vcd, extension.legacyUuid)).map((right) => right.name));
  for (const right of rightsDefinitions.serviceRights) {
    const name = serviceRightName(right.name, identity.name);
    if (attached.has(name) || (await findRight(vcd, name))) {
      report.record(`right ${name}`, 'unchanged');
      continue;
    }
    await addServiceRight(vcd, extension.legacyUuid, {
      name: right.name,
      description: right.description,
      category: rightsDefinitions.serviceRightsCategory,
    });
    report.record(`right ${name}`, 'created');
  }
}

export async function removeExtension(
  vcd: VcdClient,
  transport: InstallTransport,
  identity: ExtensionIdentity,
  report: InstallReport,
  options: { quietWhenAbsent?: boolean } = {},
): Promise<void> {
  if (transport === 'amqp') {
    const label = `AMQP extension service ${identity.name}`;
    const existing = await findLegacyService(vcd, identity.name, identity.name);
    if (!existing) {
      if (!options.quietWhenAbsent) report.record(label, 'absent');
      return;
    }
    // VCD deletes only disabled services.
    if (existing.service.enabled)
      await updateLegacyService(vcd, existing.uuid, { ...existing.service, enabled: false });
    await deleteLegacyService(vcd, existing.uuid);
    report.record(label, 'removed');
    return;
  }
  const id = apiExtensionId(identity);
  const found = await getApiExtension(vcd, id);
  if (!found) {
    if (!options.quietWhenAbsent) report.record(`MQTT extension ${id}`, 'absent');
    return;
  }
  for (const filter of await listApiFilters(vcd, id)) {
    if (filter.id) await deleteApiFilter(vcd, filter.id);
  }
  if (found.extension.enabled) await updateApiExtension(vcd, id, { ...found.extension, enabled: false });
  await deleteApiExtension(vcd, id);
  report.record(`MQTT extension ${id}`, 'removed');
}
