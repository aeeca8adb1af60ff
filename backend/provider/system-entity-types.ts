/**
 * The provider-side RDE types `cse install` registers beside the cluster type (the settings entity, the MQTT
 * workers' leadership record): their interface and type from `behaviours/`, and their removal, with their
 * entities and the rights bundle VCD made for each, for `cse uninstall`. Their entities live in the System org.
 */
import {
  interfaceId,
  typeId,
  type EntityTypeDefinition,
  type RdeInterfaceDefinition,
} from '../../behaviours/index.ts';
import { leaseEntityType, leaseInterface } from '../../behaviours/leader-lease.ts';
import { settingsEntityType, settingsInterface } from '../../behaviours/settings.ts';
import type { VcdClient } from '../vcd/client.ts';
import {
  createEntityType,
  deleteEntity,
  deleteEntityType,
  deleteInterface,
  getEntityType,
  getInterface,
  listEntities,
} from '../vcd/rde.ts';
import { deleteContainer, findContainer } from '../vcd/rights.ts';
import { ensureInterface } from './rde-interfaces.ts';
import type { InstallReport } from './report.ts';

export interface SystemEntityType {
  /** What a report line calls one entity, e.g. `settings entity`. */
  entityLabel: string;
  iface: RdeInterfaceDefinition;
  type: EntityTypeDefinition;
}

export const systemEntityTypes: readonly SystemEntityType[] = [
  { entityLabel: 'settings entity', iface: settingsInterface, type: settingsEntityType },
  { entityLabel: 'lease entity', iface: leaseInterface, type: leaseEntityType },
];

export async function registerSystemEntityType(
  vcd: VcdClient,
  report: InstallReport,
  { iface, type }: SystemEntityType,
): Promise<void> {
  await ensureInterface(vcd, iface, report);
  const id = typeId(type);
  const existing = await getEntityType(vcd, id);
  if (!existing) {
    await createEntityType(vcd, type);
    report.record(`RDE type ${id}`, 'created');
  } else if (JSON.stringify(existing.schema) !== JSON.stringify(type.schema)) {
    report.record(`RDE type ${id}`, 'unchanged', 'exists with a different schema; kept');
  } else report.record(`RDE type ${id}`, 'unchanged');
}

export async function removeSystemEntityType(
  vcd: VcdClient,
  report: InstallReport,
  { entityLabel, iface, type }: SystemEntityType,
): Promise<void> {
  const id = typeId(type);
  if (await getEntityType(vcd, id)) {
    for (;;) {
      const page = await listEntities(vcd, type, { pageSize: 32 });
      for (const entity of page.values) {
        await resolveQuietly(vcd, entity.id);
        await deleteEntity(vcd, entity.id);
        report.record(`${entityLabel} ${entity.name}`, 'removed');
      }
      if (page.values.length === 0 || page.resultTotal <= page.values.length) break;
    }
    await deleteEntityType(vcd, id);
    report.record(`RDE type ${id}`, 'removed');
  } else report.record(`RDE type ${id}`, 'absent');
  // VCD made a rights bundle for the type when it was registered; it outlives the type.
  const entitlement = `${type.vendor}:${type.nss} Entitlement`;
  const bundle = await findContainer(vcd, 'rightsBundles', entitlement);
  if (bundle?.id) {
    await deleteContainer(vcd, 'rightsBundles', bundle.id);
    report.record(`rights bundle ${entitlement}`, 'removed');
  }
  const ifaceId = interfaceId(iface);
  if (await getInterface(vcd, ifaceId)) {
    await deleteInterface(vcd, ifaceId);
    report.record(`RDE interface ${ifaceId}`, 'removed');
  } else report.record(`RDE interface ${ifaceId}`, 'absent');
}

/** VCD refuses to delete a PRE_CREATED entity; one a worker made but never resolved is resolved first. */
async function resolveQuietly(vcd: VcdClient, id: string): Promise<void> {
  await vcd
    .post(`/cloudapi/1.0.0/entities/${encodeURIComponent(id)}/resolve`, undefined, {
      allowStatus: [400, 404, 409],
    })
    .catch(() => undefined);
}
