/**
 * Tenants as the provider prepares them: per org, a readiness checklist (our rights bundle and both global roles
 * published, a VDC with the TKG sizing policies and a storage profile, a routed network behind an edge gateway with
 * the NSX ALB and a service engine group, room for VIPs, a template published) where every item says what to do
 * when it is missing; and publishing or unpublishing the bundle and both roles to one org, all or nothing.
 */
import { rightsDefinitions } from '../../behaviours/rights.ts';
import { segAssignments, segWithCapacity } from '../vcd/alb.ts';
import type { VcdClient } from '../vcd/client.ts';
import {
  albSettings,
  freeUplinkIps,
  getEdgeGateway,
  usesIpSpaces,
  type EdgeGateway,
} from '../vcd/gateways.ts';
import { eq } from '../vcd/fiql.ts';
import { floatingIpSuggestions, listAllocations } from '../vcd/ipSpaces.ts';
import { vdcNetworks } from '../vcd/networks.ts';
import { listAll } from '../vcd/paging.ts';
import { findContainer, type ContainerKind } from '../vcd/rights.ts';
import { listVdcs, vdcComputePolicies, vdcStoragePolicies } from '../vcd/vdcs.ts';
import type { OrgRef } from './provider-config.ts';
import { tenantOrgs, type TemplateCatalog } from './templates-lifecycle.ts';

/** The sizing policies CSE's clusters use, created by the provider with exactly these names (reference §2.4). */
export const tkgSizingPolicies = ['TKG small', 'TKG medium', 'TKG large', 'TKG extra-large'] as const;

/** VIPs a cluster with ingress needs: control plane and Contour's Envoy. */
const VIPS_PER_CLUSTER = 2;

export type ReadinessKey =
  'rightsBundle' | 'roles' | 'sizingPolicies' | 'storageProfile' | 'network' | 'vipCapacity' | 'templates';

export interface ReadinessItem {
  key: ReadinessKey;
  ok: boolean;
  /** What is there, or what to do when it is missing. */
  message: string;
}

export interface TenantReadiness {
  org: OrgRef;
  ready: boolean;
  /** Our bundle and both roles are published to the org. */
  published: boolean;
  checklist: ReadinessItem[];
}

/** A refusal of a tenant action; `kind` picks the catalogue error. */
export class TenantActionError extends Error {
  override readonly name = 'TenantActionError';
  constructor(
    readonly kind: 'orgNotFound' | 'notInstalled',
    message: string,
    /** The parts a message names (`org`, `tenants`, `what`). */
    readonly parameters: Record<string, string>,
  ) {
    super(message);
  }
}

interface Publishable {
  kind: Extract<ContainerKind, 'rightsBundles' | 'globalRoles'>;
  name: string;
  label: string;
}

const publishables: Publishable[] = [
  {
    kind: 'rightsBundles',
    name: rightsDefinitions.rightsBundle.name,
    label: `rights bundle "${rightsDefinitions.rightsBundle.name}"`,
  },
  ...rightsDefinitions.roles.map((role): Publishable => ({
    kind: 'globalRoles',
    name: role.name,
    label: `global role "${role.name}"`,
  })),
];

const API = '/cloudapi/1.0.0';
const enc = encodeURIComponent;

async function publishedOrgIds(vcd: VcdClient, kind: ContainerKind, id: string): Promise<Set<string>> {
  const tenants = await listAll<OrgRef>(vcd, `${API}/${kind}/${enc(id)}/tenants`);
  return new Set(tenants.map((org) => org.id));
}

interface ResolvedPublishable extends Publishable {
  id: string;
}

async function resolvePublishables(vcd: VcdClient): Promise<ResolvedPublishable[]> {
  const resolved: ResolvedPublishable[] = [];
  for (const publishable of publishables) {
    const container = await findContainer(vcd, publishable.kind, publishable.name);
    if (!container?.id) {
      throw new TenantActionError(
        'notInstalled',
        `the ${publishable.label} does not exist; run cse install first`,
        { what: publishable.label },
      );
    }
    resolved.push({ ...publishable, id: container.id });
  }
  return resolved;
}

async function setPublished(
  vcd: VcdClient,
  item: ResolvedPublishable,
  org: OrgRef,
  publish: boolean,
): Promise<void> {
  await vcd.post(`${API}/${item.kind}/${enc(item.id)}/tenants/${publish ? 'publish' : 'unpublish'}`, {
    values: [{ id: org.id, name: org.name }],
  });
}

export class Tenants {
  constructor(
    /** The worker's service account (provider rights). */
    private readonly vcd: VcdClient,
    private readonly templates: TemplateCatalog,
  ) {}

  async find(nameOrId: string): Promise<OrgRef> {
    const orgs = await tenantOrgs(this.vcd);
    const org = orgs.find((candidate) => candidate.name === nameOrId || candidate.id === nameOrId);
    if (!org) {
      const tenants = orgs.map((o) => o.name).join(', ') || 'none';
      throw new TenantActionError(
        'orgNotFound',
        `organisation "${nameOrId}" does not exist or is not a tenant; tenants: ${tenants}`,
        { org: nameOrId, tenants },
      );
    }
    return org;
  }

  async list(): Promise<TenantReadiness[]> {
    const [orgs, items, offered] = await Promise.all([
      tenantOrgs(this.vcd),
      this.#publishedSets(),
      this.templates.list(),
    ]);
    return Promise.all(orgs.map((org) => this.#readiness(org, items, offered)));
  }

  async readiness(nameOrId: string): Promise<TenantReadiness> {
    const org = await this.find(nameOrId);
    const [items, offered] = await Promise.all([this.#publishedSets(), this.templates.list()]);
    return this.#readiness(org, items, offered);
  }

  /**
   * Publishes (or unpublishes) our bundle and both roles to one org. Idempotent; when a step fails, the steps
   * already taken are undone, so the org is left as it was.
   */
  async setPublication(nameOrId: string, publish: boolean): Promise<TenantReadiness> {
    const org = await this.find(nameOrId);
    const items = await resolvePublishables(this.vcd);
    const done: ResolvedPublishable[] = [];
    try {
      for (const item of items) {
        const published = (await publishedOrgIds(this.vcd, item.kind, item.id)).has(org.id);
        if (published === publish) continue;
        await setPublished(this.vcd, item, org, publish);
        done.push(item);
      }
    } catch (error) {
      for (const item of done.reverse()) {
        await setPublished(this.vcd, item, org, !publish).catch(() => undefined);
      }
      throw error;
    }
    return this.readiness(org.id);
  }

  async #publishedSets(): Promise<Map<string, { item: Publishable; orgIds: Set<string> | undefined }>> {
    const sets = new Map<string, { item: Publishable; orgIds: Set<string> | undefined }>();
    await Promise.all(
      publishables.map(async (item) => {
        const container = await findContainer(this.vcd, item.kind, item.name);
        sets.set(item.name, {
          item,
          orgIds: container?.id ? await publishedOrgIds(this.vcd, item.kind, container.id) : undefined,
        });
      }),
    );
    return sets;
  }

  async #readiness(
    org: OrgRef,
    published: Map<string, { item: Publishable; orgIds: Set<string> | undefined }>,
    templates: Awaited<ReturnType<TemplateCatalog['list']>>,
  ): Promise<TenantReadiness> {
    const checklist: ReadinessItem[] = [];
    const publishHint = `publish it: cse tenants publish ${org.name} (or POST /api/cse/v1/provider/tenants/${org.name}/publish)`;
    const state = (item: Publishable) => published.get(item.name)!;
    const bundle = state(publishables[0]!);
    checklist.push(
      bundle.orgIds === undefined
        ? {
            key: 'rightsBundle',
            ok: false,
            message: `The ${bundle.item.label} does not exist; run cse install.`,
          }
        : bundle.orgIds.has(org.id)
          ? {
              key: 'rightsBundle',
              ok: true,
              message: `The ${bundle.item.label} is published to ${org.name}.`,
            }
          : {
              key: 'rightsBundle',
              ok: false,
              message: `The ${bundle.item.label} is not published to ${org.name}; ${publishHint}.`,
            },
    );
    const roles = publishables.slice(1).map(state);
    const missingRoles = roles.filter((role) => !role.orgIds?.has(org.id));
    checklist.push(
      missingRoles.length === 0
        ? {
            key: 'roles',
            ok: true,
            message: `Roles ${roles.map((r) => `"${r.item.name}"`).join(' and ')} are published.`,
          }
        : {
            key: 'roles',
            ok: false,
            message: `${missingRoles.map((r) => r.item.label).join(' and ')} ${missingRoles.length > 1 ? 'are' : 'is'} not published to ${org.name}; ${publishHint}.`,
          },
    );
    checklist.push(...(await this.#infrastructure(org)));
    const offered = templates.filter(
      (template) =>
        template.lifecycle !== 'expired' &&
        (template.publishedToAll || template.orgs.some((candidate) => candidate.id === org.id)),
    );
    checklist.push(
      offered.length > 0
        ? {
            key: 'templates',
            ok: true,
            message: `${offered.length} Kubernetes template${offered.length > 1 ? 's' : ''} offered (${offered.map((t) => t.kubernetesVersion).join(', ')}).`,
          }
        : {
            key: 'templates',
            ok: false,
            message: `No Kubernetes template is published to ${org.name}; publish one: cse templates set <id> --orgs ${org.name}.`,
          },
    );
    const publishedAll = checklist
      .filter((item) => item.key === 'rightsBundle' || item.key === 'roles')
      .every((item) => item.ok);
    return { org, ready: checklist.every((item) => item.ok), published: publishedAll, checklist };
  }

  /** VDC, policies, storage, network, load balancer and VIP capacity, read as the provider acting in the org. */
  async #infrastructure(org: OrgRef): Promise<ReadinessItem[]> {
    const tenant = this.vcd.withTenant(org.id);
    const vdcs = (await listVdcs(tenant)).filter((vdc) => !vdc.org?.id || vdc.org.id === org.id);
    if (vdcs.length === 0) {
      const message = `${org.name} has no organisation VDC; create one and assign the TKG sizing policies to it.`;
      return (['sizingPolicies', 'storageProfile', 'network', 'vipCapacity'] as const).map((key) => ({
        key,
        ok: false,
        message,
      }));
    }
    const perVdc = await Promise.all(
      vdcs.map(async (vdc) => {
        const [policies, profiles] = await Promise.all([
          vdcComputePolicies(tenant, vdc.id),
          vdcStoragePolicies(tenant, vdc.id),
        ]);
        const names = new Set(policies.map((policy) => policy.name));
        return { vdc, missing: tkgSizingPolicies.filter((name) => !names.has(name)), profiles };
      }),
    );
    const items: ReadinessItem[] = [];
    const sized = perVdc.filter((entry) => entry.missing.length === 0);
    if (sized.length > 0) {
      items.push({
        key: 'sizingPolicies',
        ok: true,
        message: `VDC ${sized.map((entry) => entry.vdc.name).join(', ')} has the TKG sizing policies.`,
      });
    } else {
      const closest = perVdc.sort((a, b) => a.missing.length - b.missing.length)[0]!;
      items.push({
        key: 'sizingPolicies',
        ok: false,
        message: `No VDC of ${org.name} has every TKG sizing policy; assign ${closest.missing.map((n) => `"${n}"`).join(', ')} to VDC ${closest.vdc.name}.`,
      });
    }
    const stored = perVdc.filter((entry) => entry.profiles.length > 0);
    items.push(
      stored.length > 0
        ? {
            key: 'storageProfile',
            ok: true,
            message: `Storage profile ${stored[0]!.profiles[0]!.name} in VDC ${stored[0]!.vdc.name}.`,
          }
        : {
            key: 'storageProfile',
            ok: false,
            message: `No VDC of ${org.name} has an enabled storage profile; add one to VDC ${vdcs[0]!.name}.`,
          },
    );
    items.push(
      ...(await this.#networking(
        tenant,
        org,
        vdcs.map((vdc) => vdc.id),
      )),
    );
    return items;
  }

  async #networking(tenant: VcdClient, org: OrgRef, vdcIds: string[]): Promise<ReadinessItem[]> {
    const networks = (await Promise.all(vdcIds.map((id) => vdcNetworks(tenant, id)))).flat();
    const gatewayIds = [
      ...new Set(
        networks.flatMap((network) =>
          network.connection?.routerRef?.id ? [network.connection.routerRef.id] : [],
        ),
      ),
    ];
    const usable: { gateway: EdgeGateway; networks: string[] }[] = [];
    let albWithoutSeg: string | undefined;
    for (const gatewayId of gatewayIds) {
      const [settings, assignments] = await Promise.all([
        albSettings(tenant, gatewayId),
        segAssignments(this.vcd, gatewayId),
      ]);
      const gateway = await getEdgeGateway(tenant, gatewayId);
      if (!settings.enabled) continue;
      if (!segWithCapacity(assignments, 1)) {
        albWithoutSeg ??= gateway.name;
        continue;
      }
      usable.push({
        gateway,
        networks: networks.filter((n) => n.connection?.routerRef?.id === gatewayId).map((n) => n.name),
      });
    }
    if (usable.length === 0) {
      const message =
        networks.length === 0
          ? `${org.name} has no organisation VDC network; create a routed network on an edge gateway with the NSX Advanced Load Balancer enabled.`
          : albWithoutSeg
            ? `Edge gateway ${albWithoutSeg} has the load balancer on but no service engine group with room; assign one.`
            : `No routed network of ${org.name} is behind an edge gateway with the NSX Advanced Load Balancer enabled; enable it and assign a service engine group.`;
      return [
        { key: 'network', ok: false, message },
        {
          key: 'vipCapacity',
          ok: false,
          message: 'Needs a network behind a load-balancing edge gateway first.',
        },
      ];
    }
    const items: ReadinessItem[] = [
      {
        key: 'network',
        ok: true,
        message: `Network ${usable[0]!.networks[0]} behind edge gateway ${usable[0]!.gateway.name} (NSX ALB with a service engine group).`,
      },
    ];
    let best = { gateway: usable[0]!.gateway.name, free: 0 };
    for (const { gateway } of usable) {
      const free = await this.#freeVips(tenant, org, gateway);
      if (free > best.free) best = { gateway: gateway.name, free };
    }
    items.push(
      best.free >= VIPS_PER_CLUSTER
        ? {
            key: 'vipCapacity',
            ok: true,
            message: `Edge gateway ${best.gateway} can give ${best.free === Number.MAX_SAFE_INTEGER ? 'unlimited' : best.free} more VIPs.`,
          }
        : {
            key: 'vipCapacity',
            ok: false,
            message: `Edge gateway ${best.gateway} can give only ${best.free} VIP(s) and a cluster needs ${VIPS_PER_CLUSTER}; raise the org's floating IP quota in its IP space or add uplink IPs.`,
          },
    );
    return items;
  }

  /** Floating IPs the org may still get on the gateway: IP-space quota headroom, or free uplink IPs. */
  async #freeVips(tenant: VcdClient, org: OrgRef, gateway: EdgeGateway): Promise<number> {
    if (!usesIpSpaces(gateway)) return (await freeUplinkIps(tenant, gateway)).length;
    let free = 0;
    for (const suggestion of await floatingIpSuggestions(tenant, gateway.id)) {
      const spaceId = suggestion.ipSpaceRef.id;
      const assignments = await listAll<{
        ipSpaceRef: { id: string };
        orgRef: { id: string };
        customQuotas?: { floatingIpQuota?: number | null };
        defaultQuotas?: { floatingIpQuota?: number | null };
      }>(this.vcd, `${API}/ipSpaces/orgAssignments`, { filter: eq('orgRef.id', org.id) }).catch(() => []);
      const assignment = assignments.find((a) => a.ipSpaceRef.id === spaceId && a.orgRef.id === org.id);
      const quota = assignment?.customQuotas?.floatingIpQuota ?? assignment?.defaultQuotas?.floatingIpQuota;
      const unused = suggestion.unusedValues?.length ?? 0;
      if (quota === undefined || quota === null || quota < 0) return Number.MAX_SAFE_INTEGER;
      const allocated = (await listAllocations(tenant, spaceId)).filter(
        (allocation) => !allocation.orgRef || allocation.orgRef.id === org.id,
      ).length;
      free += Math.max(0, quota - allocated) + unused;
    }
    return free;
  }
}
