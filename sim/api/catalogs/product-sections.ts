import type { ProductProperty, ProductSection } from '../../world/compute.ts';
import type { XmlElement } from './legacy-xml.ts';

/**
 * OVF product sections in VCD's JSON, in the names `@vcd/bindings` states (`schema/ovf/ProductSectionType`,
 * `Property`, `PropertyConfigurationValueType`): message fields are `{value}` objects, the properties are in
 * `categoryOrProperty`, a property's `ovf:value` attribute is `valueAttrib` and its `<ovf:Value>` children are
 * `valueElement`. The `_type` of a property entry is a guess (the bindings type it as `object`).
 */
export function productSectionJson(section: ProductSection) {
  return {
    _type: 'ProductSectionType',
    info: { value: section.info },
    required: false,
    product: { value: section.product },
    vendor: { value: section.vendor },
    version: { value: section.version },
    fullVersion: { value: section.fullVersion },
    categoryOrProperty: section.properties.map(propertyJson),
  };
}

function propertyJson(property: ProductProperty) {
  return {
    _type: 'ProductSectionProperty',
    key: property.key,
    type: property.type,
    userConfigurable: property.userConfigurable,
    password: false,
    valueAttrib: property.defaultValue,
    valueElement: property.value === property.defaultValue ? [] : [{ value: property.value }],
    label: { value: property.label },
    description: { value: property.description },
  };
}

export function productSectionListJson(hrefValue: string, sections: ProductSection[]) {
  return {
    href: hrefValue,
    type: 'application/vnd.vmware.vcloud.productSections+json',
    link: [],
    productSection: sections.map(productSectionJson),
  };
}

/**
 * A product section in XML, as go-vcloud-director reads it (`types/v56` `ProductSection`, `Property`, `Value`):
 * `ovf:key`, `ovf:type`, `ovf:userConfigurable` and `ovf:value` (the default value, GVCD's `DefaultValue`, where
 * it reads a TKG image's `VERSION`) on `<ovf:Property>`, and an `<ovf:Value ovf:value>` child when a value was set.
 * Child order is the OVF envelope schema's (Info, Product, Vendor, Version, FullVersion, Property).
 */
export function productSectionXml(section: ProductSection): XmlElement {
  return {
    '@ovf:required': 'false',
    'ovf:Info': section.info,
    'ovf:Product': section.product,
    'ovf:Vendor': section.vendor,
    'ovf:Version': section.version,
    'ovf:FullVersion': section.fullVersion,
    'ovf:Property': section.properties.map((property): XmlElement => ({
      '@ovf:key': property.key,
      '@ovf:type': property.type,
      '@ovf:userConfigurable': String(property.userConfigurable),
      '@ovf:value': property.defaultValue,
      'ovf:Label': property.label,
      'ovf:Description': property.description,
      ...(property.value === property.defaultValue ? {} : { 'ovf:Value': { '@ovf:value': property.value } }),
    })),
  };
}

/** `<ProductSectionList>` (`types/v56` `ProductSectionList`). */
export function productSectionListXml(hrefValue: string, sections: ProductSection[]): XmlElement {
  return {
    '@href': hrefValue,
    '@type': 'application/vnd.vmware.vcloud.productSections+xml',
    'ovf:ProductSection': sections.map(productSectionXml),
  };
}

/** Guest properties as the guest reads them: key → value (the default when none was set). */
export function guestPropertiesOf(sections: ProductSection[]): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const section of sections) {
    for (const property of section.properties) properties[property.key] = property.value;
  }
  return properties;
}

/** A property value in a request: a string, `{value}`, or `[{value}]` (all seen in VCD JSON). */
export function propertyValueOf(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) return propertyValueOf(raw[0]);
  if (raw && typeof raw === 'object' && 'value' in raw) {
    const value = (raw as { value: unknown }).value;
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

/**
 * Applies `key → value` to copies of a template's sections. A key the template does not declare
 * is added to the first section as a user-configurable string (**guessed**: VCD accepts new
 * properties). CAPVCD passes `guestinfo.userdata` in ExtraConfig, not here (`api/vapps/virtual-hardware.ts`).
 */
export function withPropertyValues(
  sections: ProductSection[],
  values: ReadonlyMap<string, string>,
): ProductSection[] {
  const copies: ProductSection[] = structuredClone(sections);
  if (copies.length === 0 && values.size > 0) {
    copies.push({
      info: 'Guest properties',
      product: '',
      vendor: '',
      version: '',
      fullVersion: '',
      properties: [],
    });
  }
  for (const [key, value] of values) {
    const existing = copies.flatMap((section) => section.properties).find((property) => property.key === key);
    if (existing) existing.value = value;
    else
      copies[0]!.properties.push({
        key,
        label: key,
        type: 'string',
        defaultValue: '',
        value,
        userConfigurable: true,
        description: '',
      });
  }
  return copies;
}
