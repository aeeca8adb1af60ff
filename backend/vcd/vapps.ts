/**
 * vApps and VMs through VCD's legacy API in its JSON representation: instantiate a vApp template into a VDC with
 * sizing policy, a network connection and optional OVF guest properties; read a vApp; find vApps and templates by
 * name through the query service; power on, power off and delete. Long operations answer 202 + task. (A VM's
 * ExtraConfig, where cloud-init's user data goes, is in `vm-extra-config.ts`.)
 */
import type { VcdClient } from './client.ts';
import { VcdError } from './errors.ts';
import { eq, matches, type Fiql } from './fiql.ts';
import { settle, waitForTask, type TaskWaitOptions } from './tasks.ts';

export interface QueryRecord {
  href: string;
  id?: string;
  name: string;
  [key: string]: unknown;
}

/** `/api/query?type=…` records (all pages). */
export async function queryRecords(client: VcdClient, type: string, filter?: Fiql): Promise<QueryRecord[]> {
  const records: QueryRecord[] = [];
  for (let page = 1; ; page += 1) {
    const response = await client.get<{ record?: QueryRecord[]; total?: number; pageSize?: number }>(
      '/api/query',
      {
        query: { type, format: 'records', page, pageSize: 128, filter: filter?.text },
      },
    );
    const batch = response.body?.record ?? [];
    records.push(...batch);
    const total = response.body?.total ?? records.length;
    if (batch.length === 0 || records.length >= total) return records;
  }
}

export interface VmJson {
  id: string;
  name: string;
  href: string;
  status: number;
  section?: Array<{ _type: string; [key: string]: unknown }>;
}

export interface VAppJson {
  id: string;
  name: string;
  href: string;
  status: number;
  deployed?: boolean;
  children?: { vm?: VmJson[] } | null;
}

export interface VAppTemplateJson {
  id: string;
  name: string;
  href: string;
  children?: { vm?: VmJson[] } | null;
}

const uuidOf = (id: string): string => id.replace(/^urn:vcloud:[a-z]+:/i, '');

export async function getVApp(client: VcdClient, idOrHref: string): Promise<VAppJson | undefined> {
  const path = idOrHref.startsWith('http') ? idOrHref : `/api/vApp/vapp-${uuidOf(idOrHref)}`;
  const response = await client.get<VAppJson>(path, { allowStatus: [404, 403] });
  return response.status === 200 ? response.body : undefined;
}

/** vApps of the caller's org with this exact name (normally zero or one). */
export async function findVAppsByName(client: VcdClient, name: string): Promise<QueryRecord[]> {
  const records = await queryRecords(client, 'vApp', eq('name', name));
  return records.filter((record) => record.name === name);
}

/** vApps whose name contains `fragment` (the delete sweep looks for the cluster id in names). */
export async function findVAppsContaining(client: VcdClient, fragment: string): Promise<QueryRecord[]> {
  const records = await queryRecords(client, 'vApp', matches('name', `*${fragment}*`));
  return records.filter((record) => record.name.includes(fragment));
}

export async function getVAppTemplate(client: VcdClient, href: string): Promise<VAppTemplateJson> {
  return (await client.get<VAppTemplateJson>(href)).body;
}

export function hrefId(href: string): string {
  const match = /\/(vapp|vm|vappTemplate)-([0-9a-f-]{36})/i.exec(href);
  return match ? `urn:vcloud:${match[1]!.toLowerCase()}:${match[2]}` : href;
}

export interface InstantiateRequest {
  vdcId: string;
  name: string;
  description?: string;
  template: VAppTemplateJson;
  network: { id: string; name: string };
  vmName: string;
  sizingPolicyId?: string;
  /** OVF properties set on the VM's product section (the OVF environment; not where cloud-init's VMware data source looks). */
  guestProperties?: Record<string, string>;
  /** Power the vApp on once created (default false: ExtraConfig can only reach the guest before its first boot). */
  powerOn?: boolean;
}

/** Starts the instantiation; answers the new vApp's id once VCD's task finished. */
export async function instantiateVAppTemplate(
  client: VcdClient,
  request: InstantiateRequest,
  wait?: TaskWaitOptions,
): Promise<string> {
  const sourceVm = request.template.children?.vm?.[0];
  if (!sourceVm) throw new VcdError(400, 'BAD_TEMPLATE', `template ${request.template.name} has no VM`);
  const base = client.url;
  const body = {
    name: request.name,
    description: request.description ?? '',
    deploy: request.powerOn ?? false,
    powerOn: request.powerOn ?? false,
    allEULAsAccepted: true,
    source: { href: request.template.href },
    instantiationParams: {
      section: [
        {
          _type: 'NetworkConfigSectionType',
          info: { value: 'The configuration parameters for logical networks' },
          networkConfig: [
            {
              networkName: request.network.name,
              configuration: {
                parentNetwork: {
                  href: `${base}/api/admin/network/${uuidOf(request.network.id)}`,
                  id: request.network.id,
                  name: request.network.name,
                },
                fenceMode: 'bridged',
              },
            },
          ],
        },
      ],
    },
    sourcedItem: [
      {
        source: { href: sourceVm.href },
        vmGeneralParams: { name: request.vmName, needsCustomization: false },
        instantiationParams: {
          section: [
            {
              _type: 'NetworkConnectionSectionType',
              info: { value: 'Network connection' },
              primaryNetworkConnectionIndex: 0,
              networkConnection: [
                {
                  network: request.network.name,
                  networkConnectionIndex: 0,
                  isConnected: true,
                  ipAddressAllocationMode: 'POOL',
                },
              ],
            },
            ...(request.guestProperties
              ? [
                  {
                    _type: 'ProductSectionType',
                    info: { value: 'Guest properties' },
                    property: Object.entries(request.guestProperties).map(([key, value]) => ({
                      key,
                      type: 'string',
                      userConfigurable: true,
                      value: { value },
                    })),
                  },
                ]
              : []),
          ],
        },
        ...(request.sizingPolicyId
          ? {
              computePolicy: {
                vmSizingPolicy: {
                  id: request.sizingPolicyId,
                  href: `${base}/cloudapi/2.0.0/vdcComputePolicies/${request.sizingPolicyId}`,
                },
              },
            }
          : {}),
      },
    ],
  };
  const response = await client.post<VAppJson>(
    `/api/vdc/${uuidOf(request.vdcId)}/action/instantiateVAppTemplate`,
    body,
    {
      contentType: 'application/vnd.vmware.vcloud.instantiateVAppTemplateParams+json',
      accept: 'application/*+json',
      retry: 'never',
    },
  );
  const created = response.body;
  const id = created?.id ?? (created?.href ? hrefId(created.href) : undefined);
  if (response.status === 202 && response.location) {
    const task = await waitForTask(client, response.location, wait);
    return id ?? task.owner?.id ?? '';
  }
  // VCD answers the vApp with its creation task embedded; wait for that task.
  const embedded = (created as unknown as { tasks?: { task?: Array<{ href: string }> } })?.tasks?.task?.[0];
  if (embedded?.href) await waitForTask(client, embedded.href, wait);
  if (!id) throw new VcdError(502, 'NO_VAPP_ID', `VCD instantiated ${request.name} without telling its id`);
  return id;
}

/** Powers a vApp on (deploying it) and waits for VCD's task. */
export async function powerOnVApp(client: VcdClient, vApp: VAppJson, wait?: TaskWaitOptions): Promise<void> {
  const response = await client.post(`${vApp.href}/power/action/powerOn`);
  await settle(client, response, wait);
}

/** Powers the vApp off (undeploy) if it is on, then deletes it; absent is fine. */
export async function deleteVApp(client: VcdClient, vAppId: string, wait?: TaskWaitOptions): Promise<void> {
  const vApp = await getVApp(client, vAppId);
  if (!vApp) return;
  if (vApp.deployed !== false || vApp.status === 4) {
    const response = await client.post(
      `${vApp.href}/action/undeploy`,
      { undeployPowerAction: 'powerOff' },
      {
        contentType: 'application/vnd.vmware.vcloud.undeployVAppParams+json',
        allowStatus: [400, 404],
      },
    );
    if (response.status === 202) await settle(client, response, wait);
  }
  const response = await client.delete(vApp.href, { allowStatus: [404] });
  if (response.status === 202) await settle(client, response, wait);
}

/** IPs of the vApp's VMs (their primary network connection). */
export function vmIps(vApp: VAppJson): string[] {
  const ips: string[] = [];
  for (const vm of vApp.children?.vm ?? []) {
    const section = vm.section?.find((candidate) => candidate._type === 'NetworkConnectionSectionType') as
      { networkConnection?: Array<{ ipAddress?: string | null }> } | undefined;
    for (const connection of section?.networkConnection ?? [])
      if (connection.ipAddress) ips.push(connection.ipAddress);
  }
  return ips;
}
