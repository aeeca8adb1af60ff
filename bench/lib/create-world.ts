/**
 * The world the create benchmark runs in: CSE installed into the simulator as `cse start` does it (MQTT, the
 * simulator's embedded broker), the worker settings written to a private file for `cse worker`, capacity raised by
 * the provider through VCD's own API (floating-IP quota and virtual services per edge gateway) so the seeded
 * tenants can hold every cluster of the run, and one logged-in author with an API token per tenant.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { install } from '../../backend/provider/install.ts';
import { writeSettingsFile } from '../../backend/provider/worker-settings.ts';
import { VcdClient } from '../../backend/vcd/client.ts';
import { listAll } from '../../backend/vcd/paging.ts';
import { createApiToken, loginWithPassword } from '../../backend/vcd/tokens.ts';
import { seededPassword } from '../../sim/world/logins.ts';

const apiVersion = '37.2';

export interface BenchTenant {
  org: string;
  /** Session bearer of `<org>-author` (a Kubernetes Cluster Author). */
  bearer: string;
  /** API token of that user, handed to the clusters (CAPVCD and the bootstrap VM act with it). */
  apiToken: string;
  /** The Kubernetes v1.28 template as the tenant sees it in VCD. */
  template: string;
}

export interface CreateWorld {
  /** Worker settings from `cse install` (mode 0600, in a private temporary folder). */
  settingsFile: string;
  tenants: BenchTenant[];
  /** What the provider changed so the run fits, one line each. */
  capacityChanges: string[];
}

interface IpSpaceOrgAssignment {
  id: string;
  ipSpaceRef: { id: string; name: string };
  orgRef: { id: string; name: string };
  customQuotas?: { floatingIpQuota?: number | null; ipPrefixQuotas?: unknown[] | null };
}

interface SegAssignment {
  id: string;
  gatewayRef: { id: string; name: string };
  serviceEngineGroupRef: { id: string; name: string };
  maxVirtualServices?: number | null;
}

/** The gateway behind each tenant's `<org>-k8s-net` (the seeded IP-space gateway). */
export function edgeGatewayOf(org: string): string {
  return `${org}-edge-ipspace`;
}

/**
 * Raises, never lowers, each org's floating-IP quota to 2 per cluster (API and ingress VIPs) and the virtual
 * services allowed on its gateway to 3 per cluster (6443, 80, 443), as a provider would before a large rollout.
 */
async function raiseCapacity(provider: VcdClient, clustersPerOrg: Map<string, number>): Promise<string[]> {
  const changes: string[] = [];
  const ipAssignments = await listAll<IpSpaceOrgAssignment>(
    provider,
    '/cloudapi/1.0.0/ipSpaces/orgAssignments',
  );
  const segAssignments = await listAll<SegAssignment>(
    provider,
    '/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments',
  );
  for (const [org, clusters] of clustersPerOrg) {
    const ips = 2 * clusters;
    for (const assignment of ipAssignments.filter((candidate) => candidate.orgRef.name === org)) {
      const quota = assignment.customQuotas?.floatingIpQuota ?? 0;
      if (quota === -1 || quota >= ips) continue;
      await provider.put(`/cloudapi/1.0.0/ipSpaces/orgAssignments/${assignment.id}`, {
        ...assignment,
        customQuotas: { ...assignment.customQuotas, floatingIpQuota: ips },
      });
      changes.push(`${org}: floating-IP quota in ${assignment.ipSpaceRef.name} ${quota} → ${ips}`);
    }
    const services = 3 * clusters;
    for (const assignment of segAssignments.filter(
      (candidate) => candidate.gatewayRef.name === edgeGatewayOf(org),
    )) {
      const max = assignment.maxVirtualServices ?? 0;
      if (max >= services) continue;
      await provider.put(`/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments/${assignment.id}`, {
        ...assignment,
        maxVirtualServices: services,
      });
      changes.push(
        `${org}: virtual services of ${assignment.serviceEngineGroupRef.name} on ${assignment.gatewayRef.name} ${max} → ${services}`,
      );
    }
  }
  return changes;
}

/** Name of the v1.28 TKG template in the tenant's VCD query (names carry the TKG release and a hash). */
async function kubernetesTemplate(simUrl: string, bearer: string): Promise<string> {
  const response = await fetch(`${simUrl}/api/query?type=vAppTemplate&format=records&pageSize=128`, {
    headers: { accept: `application/*+json;version=${apiVersion}`, authorization: `Bearer ${bearer}` },
  });
  const body = (await response.json()) as { record?: Array<{ name: string }> };
  const name = body.record?.find((record) => record.name.includes('kube-v1.28.'))?.name;
  if (!response.ok || !name)
    throw new Error(`no Kubernetes v1.28 template is visible (query answered ${response.status})`);
  return name;
}

export async function setUpCreateWorld(options: {
  simUrl: string;
  namePrefix: string;
  /** The most clusters each org holds at once during the run. */
  clustersPerOrg: Map<string, number>;
  progress: (line: string) => void;
}): Promise<CreateWorld> {
  const { simUrl, namePrefix } = options;
  const session = await loginWithPassword(simUrl, 'administrator', 'System', seededPassword, apiVersion);
  const { refreshToken } = await createApiToken(simUrl, 'System', session, `${namePrefix}-installer`);
  const provider = new VcdClient({ url: simUrl, org: 'System', apiToken: refreshToken, retryBaseMs: 20 });
  const { settings } = await install({ vcd: provider, transport: 'mqtt' });
  if (!settings.vcd.apiToken) throw new Error('cse install gave the worker no API token');
  const settingsFile = join(mkdtempSync(join(tmpdir(), 'cse-bench-worker-settings-')), 'worker.yaml');
  await writeSettingsFile(settingsFile, settings);
  options.progress('installed CSE into the simulator (MQTT extension, as cse start does)');

  const capacityChanges = await raiseCapacity(provider, options.clustersPerOrg);
  for (const change of capacityChanges) options.progress(`provider raised ${change}`);

  const tenants: BenchTenant[] = [];
  for (const org of options.clustersPerOrg.keys()) {
    const bearer = await loginWithPassword(simUrl, `${org}-author`, org, seededPassword, apiVersion);
    const { refreshToken: apiToken } = await createApiToken(simUrl, org, bearer, `${namePrefix}-${org}`);
    tenants.push({ org, bearer, apiToken, template: await kubernetesTemplate(simUrl, bearer) });
  }
  return { settingsFile, tenants, capacityChanges };
}

/** The create body: 1 control-plane node and 2 workers, ingress (Contour) on as by default. */
export function clusterBody(tenant: BenchTenant, name: string): Record<string, unknown> {
  return {
    name,
    orgVdc: `${tenant.org}-vdc`,
    network: `${tenant.org}-k8s-net`,
    template: tenant.template,
    controlPlane: { count: 1, diskGiB: 20, sizingPolicy: 'TKG small' },
    workerPools: [{ name: 'workers', count: 2, diskGiB: 20, sizingPolicy: 'TKG small' }],
    apiToken: tenant.apiToken,
  };
}
