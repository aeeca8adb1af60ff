/**
 * vApp templates the caller can see (the legacy query service, `type=vAppTemplate`) and the OVF product
 * properties of a template's VM, where TKG images carry `VERSION` (how GVCD recognises a TKG OVA).
 */
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

interface ProductSectionList {
  productSection?: { property?: { key?: string; value?: unknown; defaultValue?: unknown }[] }[];
}

function propertyValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'value' in value)
    return text((value as { value: unknown }).value);
  return undefined;
}

/** OVF properties of the template's first VM, key → value (the default when no value is set). */
export async function templateProductProperties(
  client: VcdClient,
  template: Pick<VAppTemplateRecord, 'href' | 'id'>,
): Promise<Map<string, string>> {
  const path = template.href
    ? `${new URL(template.href).pathname}/productSections`
    : `/api/vAppTemplate/vappTemplate-${template.id.split(':').pop()}/productSections`;
  const response = await client.get<ProductSectionList>(path);
  const properties = new Map<string, string>();
  for (const section of response.body?.productSection ?? []) {
    for (const property of section.property ?? []) {
      const value = propertyValue(property.value) ?? propertyValue(property.defaultValue);
      if (property.key && value !== undefined && !properties.has(property.key))
        properties.set(property.key, value);
    }
  }
  return properties;
}
