import type { ProductProperty, ProductSection } from '../../world/compute.ts';

/**
 * OVF product sections in VCD's JSON (`ProductSectionType`): message fields are `{value}`
 * objects, and a property's current value is `value: {value}` next to `defaultValue`.
 */
export function productSectionJson(section: ProductSection) {
  return {
    _type: 'ProductSectionType',
    info: { value: section.info },
    required: false,
    instance: '',
    class: '',
    product: { value: section.product },
    vendor: { value: section.vendor },
    version: { value: section.version },
    fullVersion: { value: section.fullVersion },
    property: section.properties.map(propertyJson),
  };
}

function propertyJson(property: ProductProperty) {
  return {
    key: property.key,
    type: property.type,
    qualifiers: null,
    userConfigurable: property.userConfigurable,
    defaultValue: property.defaultValue,
    password: false,
    label: { value: property.label },
    description: { value: property.description },
    value: { value: property.value },
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
 * is added to the first section as a user-configurable string (VCD accepts new properties, which
 * is how CAPVCD passes `guestinfo.userdata` to TKG node templates).
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
