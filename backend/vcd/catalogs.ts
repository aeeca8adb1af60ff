/**
 * vApp templates the caller can see (the legacy query service, `type=vAppTemplate`) and the OVF product
 * properties of a template's VM, where TKG images carry `VERSION` (how GVCD recognises a TKG OVA), read in XML.
 */
import { XMLParser } from 'fast-xml-parser';
import type { VcdClient } from './client.ts';
import type { Fiql } from './fiql.ts';

export interface VAppTemplateRecord {
  /** `urn:vcloud:vapptemplate:<uuid>` (from the record's id, or derived from its href). */
  id: string;
  name: string;
  href: string;
  catalogName?: string;
  /** Owning org's href or name, as VCD gives it. */
  org?: string;
  description?: string;
  status?: string;
  creationDate?: string;
}

interface QueryRecords {
  record?: Record<string, unknown>[];
  total?: number;
  page?: number;
  pageSize?: number;
}

const PAGE_SIZE = 128;

function templateIdFromHref(href: string): string {
  const uuid = /vappTemplate-([0-9a-f-]{36})/i.exec(href)?.[1];
  return uuid ? `urn:vcloud:vapptemplate:${uuid}` : href;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Every vApp template visible to the client's org (or all, for a provider without tenant context). */
export async function listVAppTemplates(client: VcdClient, filter?: Fiql): Promise<VAppTemplateRecord[]> {
  const templates: VAppTemplateRecord[] = [];
  for (let page = 1; ; page += 1) {
    const response = await client.get<QueryRecords>('/api/query', {
      query: { type: 'vAppTemplate', format: 'records', page, pageSize: PAGE_SIZE, filter: filter?.text },
    });
    const records = response.body?.record ?? [];
    for (const record of records) {
      const href = text(record['href']) ?? '';
      templates.push({
        id: text(record['id']) ?? templateIdFromHref(href),
        name: text(record['name']) ?? '',
        href,
        catalogName: text(record['catalogName']),
        org: text(record['orgName']) ?? text(record['org']),
        description: text(record['description']),
        status: text(record['status']),
        creationDate: text(record['creationDate']),
      });
    }
    const total = response.body?.total ?? templates.length;
    if (records.length === 0 || templates.length >= total) return templates;
  }
}

/**
 * The template's VM product properties as go-vcloud-director reads them to recognise a TKG image
 * (`govcd/cse_util.go` `getTkgVersionBundleFromVAppTemplate`): the vApp template in XML
 * (`types/v56` `VAppTemplate` → `Children.VM[0].ProductSection.Property`), each property's value being its
 * `ovf:value` attribute (types/v56 `Property.DefaultValue`), or the `ovf:Value` child's when the attribute is absent.
 */
const templateXml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ['Vm', 'ProductSection', 'Property', 'Value'].includes(name),
});

type XmlElement = Record<string, unknown>;

const elements = (value: unknown): XmlElement[] =>
  Array.isArray(value) ? value.filter((item): item is XmlElement => !!item && typeof item === 'object') : [];

/** `key → value` of the first VM's product sections in a `VAppTemplate` XML document (the first key wins). */
function templateVmProperties(xml: string): Map<string, string> {
  const properties = new Map<string, string>();
  let document: XmlElement;
  try {
    document = templateXml.parse(xml) as XmlElement;
  } catch {
    return properties;
  }
  const root = (document['VAppTemplate'] ?? document['Vm']) as XmlElement | undefined;
  const children = root?.['Children'] as XmlElement | undefined;
  const vm = children ? elements(children['Vm'])[0] : root;
  for (const section of elements(vm?.['ProductSection'])) {
    for (const property of elements(section['Property'])) {
      const key = text(property['@key']);
      const value = text(property['@value']) ?? text(elements(property['Value'])[0]?.['@value']);
      if (key && value !== undefined && !properties.has(key)) properties.set(key, value);
    }
  }
  return properties;
}

/** OVF properties of the template's first VM, key → value, read from the template in XML as GVCD reads them. */
export async function templateProductProperties(
  client: VcdClient,
  template: Pick<VAppTemplateRecord, 'href' | 'id'>,
): Promise<Map<string, string>> {
  const path = template.href
    ? new URL(template.href).pathname
    : `/api/vAppTemplate/vappTemplate-${template.id.split(':').pop()}`;
  const response = await client.get<unknown>(path, { accept: 'application/*+xml' });
  return typeof response.body === 'string' ? templateVmProperties(response.body) : new Map();
}
