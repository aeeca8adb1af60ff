/**
 * The provider settings entity `cse install` registers beside the cluster type: its interface and type (the JSON
 * files beside this module, sent unchanged), the ids derived from them, and the entity's name. There is one entity
 * of this type, in the System org: the provider's settings and the template catalog's lifecycle and publication.
 */
import settingsEntityTypeJson from './settings-entity-type.json' with { type: 'json' };
import settingsInterfaceJson from './settings-interface.json' with { type: 'json' };
import type { EntityTypeDefinition, RdeInterfaceDefinition } from './index.ts';

export const settingsInterface: RdeInterfaceDefinition = settingsInterfaceJson;
export const settingsEntityType = settingsEntityTypeJson as EntityTypeDefinition;

export const SETTINGS_VENDOR = settingsEntityType.vendor;
export const SETTINGS_NSS = settingsEntityType.nss;
export const SETTINGS_TYPE_VERSION = settingsEntityType.version;
export const SETTINGS_INTERFACE_ID = `urn:vcloud:interface:${settingsInterface.vendor}:${settingsInterface.nss}:${settingsInterface.version}`;
export const SETTINGS_TYPE_ID = `urn:vcloud:type:${SETTINGS_VENDOR}:${SETTINGS_NSS}:${SETTINGS_TYPE_VERSION}`;
/** The entity's name; looked up by name like VCDKEConfig's `vcdKeConfig`. */
export const SETTINGS_ENTITY_NAME = 'cse-provider-settings';

const properties = settingsEntityType.schema['properties'] as Record<string, Record<string, unknown>>;
/** JSON Schema of the `settings` section (what `PUT /api/cse/v1/provider/settings` accepts). */
export const providerSettingsSchema = properties['settings']!;
/** JSON Schema of one template's lifecycle record. */
export const templateRecordSchema = properties['templates']!['additionalProperties'] as Record<
  string,
  unknown
>;
