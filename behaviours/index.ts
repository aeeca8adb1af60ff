/**
 * The cluster entity's definitions as `cse install` sends them to VCD, and the ids derived from them. The JSON files
 * beside this module are the request bodies, unchanged; register them in this order: interface, behaviours
 * (`POST /cloudapi/1.0.0/interfaces/{interfaceId}/behaviors`), entity type (its hooks name those behaviours),
 * behaviour access (`POST /cloudapi/1.0.0/entityTypes/{typeId}/behaviorAccessControls`).
 */
import behaviourAccessJson from './behaviour-access.json' with { type: 'json' };
import behavioursJson from './behaviours.json' with { type: 'json' };
import entityTypeJson from './entity-type.json' with { type: 'json' };
import interfaceJson from './interface.json' with { type: 'json' };

export interface RdeInterfaceDefinition {
  name: string;
  vendor: string;
  nss: string;
  version: string;
  readonly: boolean;
}

export interface MqttBehaviourDefinition {
  name: string;
  description: string;
  execution: {
    type: 'MQTT';
    id: string;
    execution_properties: { serviceId: string; invocation_timeout: number };
  };
}

export type RdeHook = 'PostCreate' | 'PostUpdate' | 'PreDelete' | 'PostDelete';

export interface EntityTypeDefinition {
  name: string;
  vendor: string;
  nss: string;
  version: string;
  description: string;
  interfaces: string[];
  hooks: Partial<Record<RdeHook, string>>;
  /** JSON Schema (draft-07 subset VCD accepts) of the entity: `spec`, `status`, `private`. */
  schema: Record<string, unknown>;
}

export interface BehaviourAccessDefinition {
  behaviorId: string;
  accessLevelId: `urn:vcloud:accessLevel:${'ReadOnly' | 'ReadWrite' | 'FullControl'}`;
}

/** An interface's id in VCD: `urn:vcloud:interface:<vendor>:<nss>:<version>`. */
export const interfaceId = (definition: RdeInterfaceDefinition) =>
  `urn:vcloud:interface:${definition.vendor}:${definition.nss}:${definition.version}`;
/** A type's id in VCD: `urn:vcloud:type:<vendor>:<nss>:<version>`. */
export const typeId = (definition: EntityTypeDefinition) =>
  `urn:vcloud:type:${definition.vendor}:${definition.nss}:${definition.version}`;

export const clusterInterface: RdeInterfaceDefinition = interfaceJson;
export const clusterEntityType = entityTypeJson as EntityTypeDefinition;
export const clusterBehaviours = behavioursJson as MqttBehaviourDefinition[];
export const clusterBehaviourAccess = behaviourAccessJson as BehaviourAccessDefinition[];

export const CLUSTER_VENDOR = clusterEntityType.vendor;
export const CLUSTER_NSS = clusterEntityType.nss;
export const CLUSTER_TYPE_VERSION = clusterEntityType.version;
export const CLUSTER_INTERFACE_ID = interfaceId(clusterInterface);
export const CLUSTER_TYPE_ID = typeId(clusterEntityType);
/** Entity ids of our clusters start with this, followed by a UUID. */
export const CLUSTER_ENTITY_ID_PREFIX = `urn:vcloud:entity:${CLUSTER_VENDOR}:${CLUSTER_NSS}:`;

export type ClusterBehaviourName =
  'getKubeconfig' | 'reconcileAfterCreate' | 'reconcileAfterUpdate' | 'reconcileBeforeDelete';

/** The interface behaviour's id, as VCD names it (`urn:vcloud:behavior-interface:<name>:<vendor>:<nss>:<version>`). */
export function clusterBehaviourId(name: ClusterBehaviourName): string {
  return `urn:vcloud:behavior-interface:${name}:${clusterInterface.vendor}:${clusterInterface.nss}:${clusterInterface.version}`;
}

/**
 * The behaviours aimed at the API extension that serves them (`urn:vcloud:extension-api:<vendor>:<name>:<version>`),
 * for installs whose extension identity differs from the default `vmware/cse/1.0.0`.
 */
export function clusterBehavioursFor(serviceId: string): MqttBehaviourDefinition[] {
  return clusterBehaviours.map((behaviour) => ({
    ...behaviour,
    execution: {
      ...behaviour.execution,
      execution_properties: { ...behaviour.execution.execution_properties, serviceId },
    },
  }));
}

/** JSON Schema of a cluster `spec`, as stored in the entity type. */
export const clusterSpecSchema = (
  clusterEntityType.schema['properties'] as Record<string, Record<string, unknown>>
)['spec'] as Record<string, unknown>;
