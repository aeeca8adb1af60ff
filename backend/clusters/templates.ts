/**
 * Kubernetes templates as the cluster steps need them: the vApp templates the org sees (with their catalog and
 * expiry) and, for one template, the TKG versions its `VERSION` product property stands for, or why it is unusable.
 */
import { tkgVersionBundle, type TkgVersionBundle } from '../bootstrap/tkg-versions.ts';
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

/** Whether a template can build a cluster: its TKG versions, or why not (a sentence fragment naming what is missing). */
export type TemplateUsability =
  { usable: true; versions: TkgVersionBundle } | { usable: false; reason: string };

/**
 * A template is usable when its VM's product section carries `VERSION` and that `VERSION` is a TKG image version
 * the worker knows the etcd and CoreDNS tags of (`bootstrap/tkg-versions.ts`), as go-vcloud-director decides it.
 */
export function templateUsability(properties: ReadonlyMap<string, string>): TemplateUsability {
  const version = properties.get('VERSION');
  if (!version) {
    return {
      usable: false,
      reason:
        'its product section has no VERSION property, so its TKG release and the etcd and CoreDNS images kubeadm needs are unknown',
    };
  }
  const versions = tkgVersionBundle(version);
  if (!versions) {
    return {
      usable: false,
      reason: `its VERSION ${JSON.stringify(version)} is not a TKG node image version CSE knows the etcd and CoreDNS image tags of`,
    };
  }
  return { usable: true, versions };
}

/**
 * Whether a vApp template is meant as a Kubernetes node image, usable or not: it says so in its product section
 * (`VERSION`, `KUBERNETES_SEMVER`, `TKG_VERSION`) or in its name (TKG OVAs are named `<os>-<os version>-kube-v<semver>…`).
 * Other templates (the bootstrap VM's, plain OS images) are not Kubernetes templates at all.
 */
export function isKubernetesTemplate(name: string, properties: ReadonlyMap<string, string>): boolean {
  return (
    ['VERSION', 'KUBERNETES_SEMVER', 'TKG_VERSION'].some((key) => properties.has(key)) ||
    /-kube-v\d/.test(name)
  );
}

/** The template's TKG versions read from its VM's product section, or why it cannot be used. */
export async function templateVersions(
  client: VcdClient,
  template: TemplateRecord,
): Promise<TemplateUsability> {
  return templateUsability(await templateProductProperties(client, template));
}
