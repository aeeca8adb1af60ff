/**
 * Registers the provider settings entity's interface and type (from `behaviours/settings*.json`) for `cse install`,
 * and removes them (with the one settings entity) for `cse uninstall`. The entity itself is created on the first
 * write through the API: until then the worker configuration gives the settings.
 */
import {
  SETTINGS_INTERFACE_ID,
  SETTINGS_NSS,
  SETTINGS_TYPE_ID,
  SETTINGS_TYPE_VERSION,
  SETTINGS_VENDOR,
  settingsEntityType,
  settingsInterface,
} from '../../behaviours/settings.ts';
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

export async function registerSettingsEntity(vcd: VcdClient, report: InstallReport): Promise<void> {
  if (await getInterface(vcd, SETTINGS_INTERFACE_ID))
    report.record(`RDE interface ${SETTINGS_INTERFACE_ID}`, 'unchanged');
  else {
    await createInterface(vcd, settingsInterface);
    report.record(`RDE interface ${SETTINGS_INTERFACE_ID}`, 'created');
  }
  const type = await getEntityType(vcd, SETTINGS_TYPE_ID);
  if (!type) {
    await createEntityType(vcd, settingsEntityType);
    report.record(`RDE type ${SETTINGS_TYPE_ID}`, 'created');
  } else if (JSON.stringify(type.schema) !== JSON.stringify(settingsEntityType.schema)) {
    report.record(`RDE type ${SETTINGS_TYPE_ID}`, 'unchanged', 'exists with a different schema; kept');
  } else report.record(`RDE type ${SETTINGS_TYPE_ID}`, 'unchanged');
}

export async function removeSettingsEntity(vcd: VcdClient, report: InstallReport): Promise<void> {
  if (await getEntityType(vcd, SETTINGS_TYPE_ID)) {
    const type = { vendor: SETTINGS_VENDOR, nss: SETTINGS_NSS, version: SETTINGS_TYPE_VERSION };
    for (const entity of (await listEntities(vcd, type, { pageSize: 32 })).values) {
      await deleteEntity(vcd, entity.id);
      report.record(`settings entity ${entity.name}`, 'removed');
    }
    await deleteEntityType(vcd, SETTINGS_TYPE_ID);
    report.record(`RDE type ${SETTINGS_TYPE_ID}`, 'removed');
  } else report.record(`RDE type ${SETTINGS_TYPE_ID}`, 'absent');
  // VCD made a rights bundle for the type when it was registered; it outlives the type.
  const entitlement = `${SETTINGS_VENDOR}:${SETTINGS_NSS} Entitlement`;
  const bundle = await findContainer(vcd, 'rightsBundles', entitlement);
  if (bundle?.id) {
    await deleteContainer(vcd, 'rightsBundles', bundle.id);
    report.record(`rights bundle ${entitlement}`, 'removed');
  }
  if (await getInterface(vcd, SETTINGS_INTERFACE_ID)) {
    await deleteInterface(vcd, SETTINGS_INTERFACE_ID);
    report.record(`RDE interface ${SETTINGS_INTERFACE_ID}`, 'removed');
  } else report.record(`RDE interface ${SETTINGS_INTERFACE_ID}`, 'absent');
}
