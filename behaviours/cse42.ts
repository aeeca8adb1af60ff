/**
 * CSE 4.2's definitions, as `cse install` registers them on a Cloud Director that does not have them yet (and uses
 * as they are where VMware's CSE 4.2 registered them before us): the cluster type `vmware:capvcdCluster:1.3.0`,
 * whose entities CAPVCD, CPI, CSI, Terraform's `vcd_cse_kubernetes_cluster` and go-vcloud-director share; the
 * interface `cse:capvcd:1.0.0` with its `getFullEntity` behaviour; the settings type `vmware:VCDKEConfig:1.1.0`.
 *
 * The JSON files beside this module are written from the facts of CSE 4.2's published definitions (field names,
 * types, defaults, required fields and `x-vcloud-restricted` markers of terraform-provider-vcd v3.14.1
 * `examples/container-service-extension/v4.2/schemas/*.json`; ids, names and the behaviour from
 * `examples/container-service-extension/v4.2/install/step1/3.11-cse-install-2-cse-server-prerequisites.tf`), so an
 * entity valid under one is valid under the other. Neither schema forbids extra properties.
 */
import capvcdClusterTypeJson from './cse42/capvcd-cluster-type.json' with { type: 'json' };
import cseInterfaceBehavioursJson from './cse42/cse-interface-behaviours.json' with { type: 'json' };
import cseInterfaceJson from './cse42/cse-interface.json' with { type: 'json' };
import vcdKeConfigInterfaceJson from './cse42/vcdke-config-interface.json' with { type: 'json' };
import vcdKeConfigTypeJson from './cse42/vcdke-config-type.json' with { type: 'json' };
import { interfaceId, typeId, type EntityTypeDefinition, type RdeInterfaceDefinition } from './index.ts';

export interface NoopBehaviourDefinition {
  name: string;
  description: string;
  execution: { type: 'noop'; id: string };
}

export const capvcdClusterType = capvcdClusterTypeJson as EntityTypeDefinition;
export const cseInterface: RdeInterfaceDefinition = cseInterfaceJson;
export const cseInterfaceBehaviours = cseInterfaceBehavioursJson as NoopBehaviourDefinition[];
export const vcdKeConfigType = vcdKeConfigTypeJson as EntityTypeDefinition;
export const vcdKeConfigInterface: RdeInterfaceDefinition = vcdKeConfigInterfaceJson;

export const CAPVCD_CLUSTER_TYPE_ID = typeId(capvcdClusterType);
export const CSE_INTERFACE_ID = interfaceId(cseInterface);
export const VCDKE_CONFIG_TYPE_ID = typeId(vcdKeConfigType);
/** Ids of cluster entities: `urn:vcloud:entity:vmware:capvcdCluster:<uuid>`. */
export const CAPVCD_CLUSTER_ENTITY_ID_PREFIX = `urn:vcloud:entity:${capvcdClusterType.vendor}:${capvcdClusterType.nss}:`;
/** go-vcloud-director invokes this to read the kubeconfig (`govcd/cse.go` `GetKubeconfig`). */
export const GET_FULL_ENTITY_BEHAVIOUR_ID = `urn:vcloud:behavior-interface:getFullEntity:${cseInterface.vendor}:${cseInterface.nss}:${cseInterface.version}`;
