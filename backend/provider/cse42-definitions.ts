/**
 * `cse install`'s registration of CSE 4.2's definitions: the settings interface and type `vmware:VCDKEConfig`, the
 * interface `cse:capvcd:1.0.0` with `getFullEntity`, the cluster type `vmware:capvcdCluster:1.3.0` and the access to
 * `getFullEntity`, in the order VMware's CSE 4.2 installation creates them (terraform-provider-vcd
 * `examples/container-service-extension/v4.2/install/step1/3.11-cse-install-2-cse-server-prerequisites.tf`:
 * behaviours before the type, the type's behaviour access after it).
 *
 * Each is created only where absent and never changed: where VMware's CSE 4.2 installed them, its clusters, its
 * Terraform and its settings keep working on the very definitions they were made with. `cse uninstall` leaves them
 * too (see `removalNote`): other clients' clusters are entities of these types.
 */
import {
  CAPVCD_CLUSTER_TYPE_ID,
  CSE_INTERFACE_ID,
  GET_FULL_ENTITY_BEHAVIOUR_ID,
  capvcdClusterType,
  cseInterface,
  cseInterfaceBehaviours,
  vcdKeConfigInterface,
  vcdKeConfigType,
} from '../../behaviours/cse42.ts';
import { typeId, type EntityTypeDefinition } from '../../behaviours/index.ts';
import type { VcdClient } from '../vcd/client.ts';
import {
  addBehaviorAccess,
  createEntityType,
  createInterfaceBehavior,
  getEntityType,
  getInterface,
  listBehaviorAccess,
  listInterfaceBehaviors,
} from '../vcd/rde.ts';
import { ensureInterface } from './rde-interfaces.ts';
import type { InstallReport } from './report.ts';

/** Why `cse uninstall` keeps them, as its report says. */
export const removalNote = "CSE 4.2's definitions are shared with CSE 4.2's clients and clusters; kept";

async function ensureType(vcd: VcdClient, definition: EntityTypeDefinition, report: InstallReport) {
  const id = typeId(definition);
  if (await getEntityType(vcd, id)) {
    report.record(`RDE type ${id}`, 'unchanged', 'used as it is, whoever registered it');
    return;
  }
  const missing: string[] = [];
  for (const required of definition.interfaces) {
    if (!(await getInterface(vcd, required))) missing.push(required);
  }
  if (missing.length > 0) {
    // vmware:k8s:1.0.0 ships with Cloud Director; without it the type cannot be created as CSE 4.2 creates it.
    throw new Error(
      `Cannot register ${id}: this Cloud Director has no RDE interface ${missing.join(', ')}, which CSE 4.2's ` +
        'type implements. Cloud Director ships it; check that the provider token sees it (GET /cloudapi/1.0.0/interfaces).',
    );
  }
  await createEntityType(vcd, definition);
  report.record(`RDE type ${id}`, 'created');
}

export async function registerCse42Definitions(vcd: VcdClient, report: InstallReport): Promise<void> {
  await ensureInterface(vcd, vcdKeConfigInterface, report);
  await ensureType(vcd, vcdKeConfigType, report);

  await ensureInterface(vcd, cseInterface, report);
  const behaviours = await listInterfaceBehaviors(vcd, CSE_INTERFACE_ID);
  for (const behaviour of cseInterfaceBehaviours) {
    const label = `behaviour ${behaviour.name} of ${CSE_INTERFACE_ID}`;
    if (behaviours.some((candidate) => candidate.name === behaviour.name)) report.record(label, 'unchanged');
    else {
      await createInterfaceBehavior(vcd, CSE_INTERFACE_ID, behaviour);
      report.record(label, 'created');
    }
  }

  await ensureType(vcd, capvcdClusterType, report);
  const access = await listBehaviorAccess(vcd, CAPVCD_CLUSTER_TYPE_ID);
  const label = `behaviour access getFullEntity on ${CAPVCD_CLUSTER_TYPE_ID}`;
  if (access.some((entry) => entry.behaviorId === GET_FULL_ENTITY_BEHAVIOUR_ID))
    report.record(label, 'unchanged');
  else {
    // Full Control, as CSE 4.2 grants it: the behaviour answers the kubeconfig.
    await addBehaviorAccess(vcd, CAPVCD_CLUSTER_TYPE_ID, {
      behaviorId: GET_FULL_ENTITY_BEHAVIOUR_ID,
      accessLevelId: 'urn:vcloud:accessLevel:FullControl',
    });
    report.record(label, 'created');
  }
}
