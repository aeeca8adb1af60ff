/**
 * Registers the cluster entity in VCD from `behaviours/`: interface, MQTT behaviours (served by our MQTT extension),
 * entity type (its hooks name those behaviours) and behaviour access. Over AMQP there is no MQTT extension to run
 * behaviours, so the type is registered without hooks and the worker relies on API calls and its periodic resync.
 */
import {
  CLUSTER_INTERFACE_ID,
  CLUSTER_TYPE_ID,
  clusterBehaviourAccess,
  clusterBehavioursFor,
  clusterEntityType,
  clusterInterface,
} from '../../behaviours/index.ts';
import type { VcdClient } from '../vcd/client.ts';
import {
  addBehaviorAccess,
  createEntityType,
  createInterfaceBehavior,
  deleteEntityType,
  deleteInterface,
  deleteInterfaceBehavior,
  getEntityType,
  getInterface,
  listBehaviorAccess,
  listInterfaceBehaviors,
  updateInterfaceBehavior,
  type RdeEntityType,
} from '../vcd/rde.ts';
import type { RegisteredExtension } from './extension.ts';
import { ensureInterface } from './rde-interfaces.ts';
import type { InstallReport } from './report.ts';

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export async function registerClusterEntity(
  vcd: VcdClient,
  extension: RegisteredExtension,
  report: InstallReport,
): Promise<void> {
  await ensureInterface(vcd, clusterInterface, report);

  const withBehaviours = extension.transport === 'mqtt';
  if (withBehaviours) {
    const existing = await listInterfaceBehaviors(vcd, CLUSTER_INTERFACE_ID);
    for (const behaviour of clusterBehavioursFor(extension.id)) {
      const label = `behaviour ${behaviour.name}`;
      const found = existing.find((candidate) => candidate.name === behaviour.name);
      if (!found) {
        await createInterfaceBehavior(vcd, CLUSTER_INTERFACE_ID, behaviour);
        report.record(label, 'created');
      } else if (
        !sameJson(found.execution, behaviour.execution) ||
        found.description !== behaviour.description
      ) {
        await updateInterfaceBehavior(vcd, CLUSTER_INTERFACE_ID, found.id ?? behaviour.name, {
          ...behaviour,
          id: found.id,
        });
        report.record(label, 'updated');
      } else report.record(label, 'unchanged');
    }
  } else {
    report.record('RDE behaviours and hooks', 'skipped', 'VCD runs behaviours only over MQTT');
  }

  const wantedType: RdeEntityType = withBehaviours ? clusterEntityType : { ...clusterEntityType, hooks: {} };
  const type = await getEntityType(vcd, CLUSTER_TYPE_ID);
  if (!type) {
    await createEntityType(vcd, wantedType);
    report.record(`RDE type ${CLUSTER_TYPE_ID}`, 'created');
  } else if (!sameJson(type.schema, wantedType.schema)) {
    // A type cannot change once entities exist; a new schema comes with a new type version.
    report.record(`RDE type ${CLUSTER_TYPE_ID}`, 'unchanged', 'exists with a different schema; kept');
  } else report.record(`RDE type ${CLUSTER_TYPE_ID}`, 'unchanged');

  if (withBehaviours) {
    const access = await listBehaviorAccess(vcd, CLUSTER_TYPE_ID);
    for (const wanted of clusterBehaviourAccess) {
      const label = `behaviour access ${wanted.behaviorId.split(':')[3]}`;
      if (access.some((entry) => entry.behaviorId === wanted.behaviorId)) report.record(label, 'unchanged');
      else {
        await addBehaviorAccess(vcd, CLUSTER_TYPE_ID, wanted);
        report.record(label, 'created');
      }
    }
  }
}

export async function removeClusterEntity(vcd: VcdClient, report: InstallReport): Promise<void> {
  if (await getEntityType(vcd, CLUSTER_TYPE_ID)) {
    await deleteEntityType(vcd, CLUSTER_TYPE_ID);
    report.record(`RDE type ${CLUSTER_TYPE_ID}`, 'removed');
  } else report.record(`RDE type ${CLUSTER_TYPE_ID}`, 'absent');
  if (await getInterface(vcd, CLUSTER_INTERFACE_ID)) {
    for (const behaviour of await listInterfaceBehaviors(vcd, CLUSTER_INTERFACE_ID)) {
      if (behaviour.id) await deleteInterfaceBehavior(vcd, CLUSTER_INTERFACE_ID, behaviour.id);
      report.record(`behaviour ${behaviour.name}`, 'removed');
    }
    await deleteInterface(vcd, CLUSTER_INTERFACE_ID);
    report.record(`RDE interface ${CLUSTER_INTERFACE_ID}`, 'removed');
  } else report.record(`RDE interface ${CLUSTER_INTERFACE_ID}`, 'absent');
}
