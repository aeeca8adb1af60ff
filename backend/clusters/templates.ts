/**
 * Kubernetes templates as the cluster steps need them: the vApp templates the org sees (with their catalog and
 * expiry) and, for one template, the versions its `VERSION` product property carries.
 */
import { templateProductProperties } from '../vcd/catalogs.ts';
import type { VcdClient } from '../vcd/client.ts';
import { eq } from '../vcd/fiql.ts';
import { queryRecords, type QueryRecord } from '../vcd/vapps.ts';

export interface TemplateRecord {
  id: string;
  name: string;
  href: string;
  catalogName: string;
  isExpired: boolean;
}

function toTemplate(record: QueryRecord): TemplateRecord {
  const uuid = /vappTemplate-([0-9a-f-]{36})/i.exec(record.href)?.[1];
  return {
    id: typeof record.id === 'string' ? record.id : `urn:vcloud:vapptemplate:${uuid ?? ''}`,
    name: record.name,
    href: record.href,
    catalogName: typeof record['catalogName'] === 'string' ? record['catalogName'] : '',
    isExpired: record['isExpired'] === true || record['isExpired'] === 'true',
  };
}

export async function visibleTemplates(client: VcdClient): Promise<TemplateRecord[]> {
  return (await queryRecords(client, 'vAppTemplate')).map(toTemplate);
}

export async function findTemplate(
  client: VcdClient,
  name: string,
  catalog?: string,
): Promise<TemplateRecord | undefined> {
  const records = (await queryRecords(client, 'vAppTemplate', eq('name', name))).map(toTemplate);
  return records.find((record) => record.name === name && (!catalog || record.catalogName === catalog));
}

export interface TemplateVersions {
  kubernetesVersion: string;
  tkgVersion: string;
  version: string;
}

/** `VERSION` = `v1.28.7+vmware.1-tkg.1-<hash>`: Kubernetes is the part before the first `-`. */
export async function templateVersions(
  client: VcdClient,
  template: TemplateRecord,
): Promise<TemplateVersions | undefined> {
  const properties = await templateProductProperties(client, template);
  const version = properties.get('VERSION');
  const kubernetesVersion = version?.split('-')[0];
  if (!version || !kubernetesVersion || !/^v\d+\.\d+\.\d+(\+[\w.]+)?$/.test(kubernetesVersion))
    return undefined;
  // Images without TKG_VERSION still render; the label is informational.
  const tkgVersion = properties.get('TKG_VERSION') ?? 'v0.0.0';
  return { kubernetesVersion, tkgVersion, version };
}
