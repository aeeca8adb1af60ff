/**
 * The worker lease entity `cse install` registers beside the cluster and settings types: its interface and type
 * (the JSON files beside this module, sent unchanged) and the ids derived from them. Workers on VCD's MQTT bus keep
 * one entity of this type per extension, in the System org, naming the one replica that answers bus requests.
 */
import leaseEntityTypeJson from './leader-lease-entity-type.json' with { type: 'json' };
import leaseInterfaceJson from './leader-lease-interface.json' with { type: 'json' };
import type { EntityTypeDefinition, RdeInterfaceDefinition } from './index.ts';

export const leaseInterface: RdeInterfaceDefinition = leaseInterfaceJson;
export const leaseEntityType = leaseEntityTypeJson as EntityTypeDefinition;

export const LEASE_VENDOR = leaseEntityType.vendor;
export const LEASE_NSS = leaseEntityType.nss;
export const LEASE_TYPE_VERSION = leaseEntityType.version;
export const LEASE_INTERFACE_ID = `urn:vcloud:interface:${leaseInterface.vendor}:${leaseInterface.nss}:${leaseInterface.version}`;
export const LEASE_TYPE_ID = `urn:vcloud:type:${LEASE_VENDOR}:${LEASE_NSS}:${LEASE_TYPE_VERSION}`;

/** The name of the MQTT leadership entity of one extension (`vendor/name/version`). */
export function mqttLeaderLeaseName(extension: { vendor: string; name: string; version: string }): string {
  return `mqtt-leader:${extension.vendor}/${extension.name}/${extension.version}`;
}
