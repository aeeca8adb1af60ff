/**
 * Shared steps of the compute, network, IP space and ALB tests: find seeded objects through the
 * API, instantiate the bootstrap template, and wait for tasks. Every call is real HTTP.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../sim/server.ts';
import {
  apiVersion,
  SimAdmin,
  startTestSimulator,
  type VcdClient,
  type VcdPage,
  type VcdTask,
} from '../../helpers/vcd.ts';

export interface QueryRecords<T = Record<string, unknown>> {
  name: string;
  page: number;
  pageSize: number;
  total: number;
  record: T[];
}

export interface Named {
  id: string;
  name: string;
}

export async function byName<T extends Named>(client: VcdClient, path: string, name: string): Promise<T> {
  const separator = path.includes('?') ? '&' : '?';
  const response = await client.get<VcdPage<T>>(
    `${path}${separator}filter=${encodeURIComponent(`name==${name}`)}`,
  );
  assert.equal(response.status, 200, response.text);
  const found = response.body.values[0];
  assert.ok(found, `${path}: no ${name}`);
  return found;
}

export async function queryRecords<T = Record<string, unknown>>(
  client: VcdClient,
  type: string,
  filter?: string,
): Promise<QueryRecords<T>> {
  const params = new URLSearchParams({ type, format: 'records' });
  if (filter) params.set('filter', filter);
  const response = await client.get<QueryRecords<T>>(`/api/query?${params.toString()}`);
  assert.equal(response.status, 200, response.text);
  return response.body;
}

export async function templateHref(client: VcdClient, name: string): Promise<string> {
  const records = await queryRecords<{ href: string }>(client, 'vAppTemplate', `name==${name}`);
  assert.equal(records.record.length, 1, `template ${name}`);
  return records.record[0]!.href;
}

export interface TenantFixture {
  vdcId: string;
  networkName: string;
  bootstrapHref: string;
}

export async function tenantFixture(
  client: VcdClient,
  org: string,
  network = `${org}-k8s-net`,
): Promise<TenantFixture> {
  const vdc = await byName(client, '/cloudapi/1.0.0/vdcs', `${org}-vdc`);
  return {
    vdcId: vdc.id,
    networkName: network,
    bootstrapHref: await templateHref(client, 'cse-bootstrap-ubuntu-2204'),
  };
}

export interface InstantiateOptions {
  name: string;
  powerOn?: boolean;
  /** OVF product properties set at instantiation (key → value). */
  properties?: Record<string, string>;
  sizingPolicy?: string;
  ipMode?: 'POOL' | 'MANUAL';
  ipAddress?: string;
}

/** InstantiateVAppTemplateParams for the bootstrap template on one network. */
export async function instantiateParams(
  client: VcdClient,
  fixture: TenantFixture,
  options: InstantiateOptions,
) {
  const template = await client.get<{ children: { vm: { href: string }[] } }>(fixture.bootstrapHref);
  assert.equal(template.status, 200, template.text);
  const vmHref = template.body.children.vm[0]!.href;
  return {
    name: options.name,
    powerOn: options.powerOn ?? false,
    deploy: options.powerOn ?? false,
    allEULAsAccepted: true,
    source: { href: fixture.bootstrapHref },
    instantiationParams: {
      section: [
        {
          _type: 'NetworkConfigSectionType',
          info: { value: 'networks' },
          networkConfig: [
            {
              networkName: fixture.networkName,
              configuration: { parentNetwork: { name: fixture.networkName }, fenceMode: 'bridged' },
            },
          ],
        },
      ],
    },
    sourcedItem: [
      {
        source: { href: vmHref },
        vmGeneralParams: { name: options.name },
        instantiationParams: {
          section: [
            {
              _type: 'NetworkConnectionSectionType',
              primaryNetworkConnectionIndex: 0,
              networkConnection: [
                {
                  network: fixture.networkName,
                  networkConnectionIndex: 0,
                  isConnected: true,
                  ipAddressAllocationMode: options.ipMode ?? 'POOL',
                  ...(options.ipAddress ? { ipAddress: options.ipAddress } : {}),
                },
              ],
            },
            { _type: 'GuestCustomizationSectionType', enabled: true, computerName: options.name },
            ...(options.properties
              ? [
                  {
                    _type: 'ProductSectionType',
                    property: Object.entries(options.properties).map(([key, value]) => ({
                      key,
                      value: { value },
                    })),
                  },
                ]
              : []),
          ],
        },
        ...(options.sizingPolicy
          ? { computePolicy: { vmSizingPolicy: { name: options.sizingPolicy } } }
          : {}),
      },
    ],
  };
}

export interface VAppBody {
  href: string;
  id: string;
  name: string;
  status: number;
  deployed: boolean;
  tasks: { task: VcdTask[] } | null;
  children: { vm: VmBody[] };
}

export interface VmBody {
  href: string;
  id: string;
  name: string;
  status: number;
  deployed: boolean;
  guestCustomizationStatus: string;
  section: { _type: string; [field: string]: unknown }[];
  vmSpecSection: { numCpus: number; memoryResourceMb: { configured: number } };
}

export function ipOf(vm: VmBody): string | null {
  const nics = vm.section.find((section) => section._type === 'NetworkConnectionSectionType') as
    { networkConnection: { ipAddress: string | null }[] } | undefined;
  return nics?.networkConnection[0]?.ipAddress ?? null;
}

/** Instantiates and waits for the task; returns the vApp as read afterwards. */
export async function createVApp(client: VcdClient, fixture: TenantFixture, options: InstantiateOptions) {
  const response = await client.post<VAppBody>(
    `/api/vdc/${fixture.vdcId.split(':').pop()}/action/instantiateVAppTemplate`,
    await instantiateParams(client, fixture, options),
    { headers: { 'content-type': 'application/vnd.vmware.vcloud.instantiateVAppTemplateParams+json' } },
  );
  assert.equal(response.status, 201, response.text);
  const task = await client.waitForTask(response.body.tasks!.task[0]!.href);
  const vApp = await client.get<VAppBody>(response.body.href);
  return { created: response.body, task, vApp: vApp.body, href: response.body.href };
}

/** Polls until the check passes (the simulator runs fast; this bounds real time). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs a 202 + Location request and waits for its task. */
export async function asyncCall(
  client: VcdClient,
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<VcdTask> {
  const response = await client.request(method, path, body === undefined ? {} : { body });
  assert.equal(response.status, 202, `${method} ${path}: ${response.status} ${response.text}`);
  const location = response.headers.get('location');
  assert.ok(location, 'Location header');
  return client.waitForTask(location);
}

export interface AlbGatewayFixture {
  gatewayId: string;
  segId: string;
}

/** The gateway and the SEG assigned to it (the seeded shared SEG). */
export async function albGateway(client: VcdClient, name: string): Promise<AlbGatewayFixture> {
  const gateway = await byName(client, '/cloudapi/1.0.0/edgeGateways', name);
  const segs = await client.getAll<Named>(
    `/cloudapi/1.0.0/loadBalancer/serviceEngineGroups?filter=${encodeURIComponent(`_context==${gateway.id}`)}`,
  );
  assert.equal(segs.length, 1);
  return { gatewayId: gateway.id, segId: segs[0]!.id };
}

/** Creates a pool (waiting for its task) and returns its id. */
export async function createPool(
  client: VcdClient,
  fixture: AlbGatewayFixture,
  name: string,
  members: { ipAddress: string; port?: number; enabled?: boolean }[] = [],
): Promise<string> {
  const task = await asyncCall(client, 'POST', '/cloudapi/1.0.0/loadBalancer/pools', {
    name,
    gatewayRef: { id: fixture.gatewayId },
    enabled: true,
    algorithm: 'ROUND_ROBIN',
    defaultPort: 6443,
    gracefulTimeoutPeriod: 0,
    healthMonitors: [{ type: 'TCP' }],
    members: members.map((member) => ({ port: 6443, ratio: 1, enabled: true, ...member })),
  });
  assert.equal(task.status, 'success', JSON.stringify(task.error));
  return task.owner.id;
}

export function virtualServiceBody(
  fixture: AlbGatewayFixture,
  name: string,
  poolId: string,
  vip: string,
  port = 6443,
) {
  return {
    name,
    enabled: true,
    gatewayRef: { id: fixture.gatewayId },
    loadBalancerPoolRef: { id: poolId },
    serviceEngineGroupRef: { id: fixture.segId },
    applicationProfile: { type: 'L4', systemDefined: true, name: 'System-L4-Application' },
    servicePorts: [
      { portStart: port, sslEnabled: false, tcpUdpProfile: { type: 'TCP_PROXY', systemDefined: true } },
    ],
    virtualIpAddress: vip,
  };
}

/**
 * A simulator at speed 1000 (VM boots in 30 ms) whose sessions and tokens still last: at that
 * speed the default idle timeout would be under 2 s of real time, too short on a loaded machine.
 */
export async function startFastSimulator(): Promise<RunningSimulator> {
  const sim = await startTestSimulator({ speed: 1000 });
  await new SimAdmin(sim.url).latency({
    durations: { sessionIdleTimeout: 10 ** 10, accessTokenLifetime: 10 ** 10 },
  });
  return sim;
}

const xml = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_' });

/**
 * Sets ExtraConfig items the way go-vcloud-director's `UpdateExtraConfig` does (govcd/vm.go): PUT of
 * the VM's virtual hardware section in XML with only the changed `vmw:ExtraConfig` items, answered
 * by a task; an empty value removes the key.
 */
export async function setExtraConfig(
  client: VcdClient,
  vmHref: string,
  entries: Record<string, string>,
): Promise<VcdTask> {
  const body = xml.build({
    'ovf:VirtualHardwareSection': {
      '@_xmlns': 'http://www.vmware.com/vcloud/v1.5',
      '@_xmlns:ovf': 'http://schemas.dmtf.org/ovf/envelope/1',
      '@_xmlns:vmw': 'http://www.vmware.com/schema/ovf',
      'ovf:Info': 'Virtual hardware requirements',
      'vmw:ExtraConfig': Object.entries(entries).map(([key, value]) => ({
        '@_vmw:key': key,
        '@_vmw:value': value,
        '@_ovf:required': 'false',
      })),
    },
  }) as string;
  const response = await client.request('PUT', `${vmHref}/virtualHardwareSection/`, {
    rawBody: body,
    accept: `application/*+xml;version=${apiVersion}`,
    headers: { 'content-type': 'application/vnd.vmware.vcloud.virtualHardwareSection+xml' },
  });
  assert.equal(response.status, 202, response.text);
  assert.equal(XMLValidator.validate(response.text), true, 'the task is well-formed XML');
  const location = response.headers.get('location');
  assert.ok(location, 'Location header');
  return client.waitForTask(location);
}

/** ExtraConfig of a VM as its virtual hardware section (XML) serves it: key → value. */
export async function extraConfigOf(client: VcdClient, vmHref: string): Promise<Record<string, string>> {
  const response = await client.get(`${vmHref}/virtualHardwareSection/`, {
    accept: `application/*+xml;version=${apiVersion}`,
  });
  assert.equal(response.status, 200, response.text);
  assert.equal(XMLValidator.validate(response.text), true, 'the section is well-formed XML');
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: true,
    isArray: (name) => name === 'ExtraConfig',
  }).parse(response.text) as { VirtualHardwareSection: { ExtraConfig?: { key: string; value: string }[] } };
  return Object.fromEntries(
    (parsed.VirtualHardwareSection.ExtraConfig ?? []).map((entry) => [entry.key, entry.value]),
  );
}

/** Powers a vApp (or VM) on and waits for the task. */
export async function powerOn(client: VcdClient, href: string): Promise<VcdTask> {
  const task = await asyncCall(client, 'POST', `${href}/power/action/powerOn`);
  assert.equal(task.status, 'success', JSON.stringify(task.error));
  return task;
}
