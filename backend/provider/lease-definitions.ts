/**
 * Registers the worker lease entity's interface and type (from `behaviours/leader-lease*.json`) for `cse install`,
 * and removes them (with their entities) for `cse uninstall`. The entities themselves are made by the workers: the
 * first MQTT worker of an extension creates its leadership record.
 */
import {
  LEASE_INTERFACE_ID,
  LEASE_NSS,
  LEASE_TYPE_ID,
  LEASE_TYPE_VERSION,
  LEASE_VENDOR,
  leaseEntityType,
  leaseInterface,
} from '../../behaviours/leader-lease.ts';
import type { VcdClient } from '../vcd/client.ts';
import {
  createEntityType,
  createInterface,
  deleteEntity,
  deleteEntityType,
  deleteInterface,
  getEntityType,
  getInterface,
  listEntities,
} from '../vcd/rde.ts';
import { deleteContainer, findContainer } from '../vcd/rights.ts';
import type { InstallReport } from './report.ts';

export async function registerLeaseEntity(vcd: VcdClient, report: InstallReport): Promise<void> {
  if (await getInterface(vcd, LEASE_INTERFACE_ID))
    report.record(`RDE interface ${LEASE_INTERFACE_ID}`, 'unchanged');
  else {
    await createInterface(vcd, leaseInterface);
    report.record(`RDE interface ${LEASE_INTERFACE_ID}`, 'created');
  }
  const type = await getEntityType(vcd, LEASE_TYPE_ID);
  if (!type) {
    await createEntityType(vcd, leaseEntityType);
    report.record(`RDE type ${LEASE_TYPE_ID}`, 'created');
  } else if (JSON.stringify(type.schema) !== JSON.stringify(leaseEntityType.schema)) {
    report.record(`RDE type ${LEASE_TYPE_ID}`, 'unchanged', 'exists with a different schema; kept');
  } else report.record(`RDE type ${LEASE_TYPE_ID}`, 'unchanged');
}

export async function removeLeaseEntity(vcd: VcdClient, report: InstallReport): Promise<void> {
  if (await getEntityType(vcd, LEASE_TYPE_ID)) {
    const type = { vendor: LEASE_VENDOR, nss: LEASE_NSS, version: LEASE_TYPE_VERSION };
    for (;;) {
      const page = await listEntities(vcd, type, { pageSize: 32 });
      for (const entity of page.values) {
        await resolveQuietly(vcd, entity.id);
        await deleteEntity(vcd, entity.id);
        report.record(`lease entity ${entity.name}`, 'removed');
      }
      if (page.values.length === 0 || page.resultTotal <= page.values.length) break;
    }
    await deleteEntityType(vcd, LEASE_TYPE_ID);
    report.record(`RDE type ${LEASE_TYPE_ID}`, 'removed');
  } else report.record(`RDE type ${LEASE_TYPE_ID}`, 'absent');
  // VCD made a rights bundle for the type when it was registered; it outlives the type.
  const entitlement = `${LEASE_VENDOR}:${LEASE_NSS} Entitlement`;
  const bundle = await findContainer(vcd, 'rightsBundles', entitlement);
  if (bundle?.id) {
    await deleteContainer(vcd, 'rightsBundles', bundle.id);
    report.record(`rights bundle ${entitlement}`, 'removed');
  }
  if (await getInterface(vcd, LEASE_INTERFACE_ID)) {
    await deleteInterface(vcd, LEASE_INTERFACE_ID);
    report.record(`RDE interface ${LEASE_INTERFACE_ID}`, 'removed');
  } else report.record(`RDE interface ${LEASE_INTERFACE_ID}`, 'absent');
}

/** VCD refuses to delete a PRE_CREATED entity; a record a worker made but never resolved is resolved first. */
async function resolveQuietly(vcd: VcdClient, id: string): Promise<void> {
  await vcd
    .post(`/cloudapi/1.0.0/entities/${encodeURIComponent(id)}/resolve`, undefined, {
      allowStatus: [400, 404, 409],
    })
    .catch(() => undefined);
}
