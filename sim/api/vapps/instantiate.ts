import { z } from 'zod';
import type { Principal } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import type { OrgVdc, VAppTemplate, VAppTemplateVm } from '../../world/compute.ts';
import { uuidOf } from '../../world/ids.ts';
import { isIpv4 } from '../../world/ipv4.ts';
import type { OrgVdcNetwork } from '../../world/networking.ts';
import type { World } from '../../world/world.ts';
import { propertyValueOf } from '../catalogs/product-sections.ts';
import { templateVisibleTo } from '../catalogs/visibility.ts';
import { inNetworkSubnet } from '../network/ip-pool.ts';

const reference = z
  .object({ href: z.string().optional(), id: z.string().optional(), name: z.string().optional() })
  .passthrough();
/** OVF sections in VCD's JSON are discriminated by `_type`; the rest depends on the type. */
const section = z.object({ _type: z.string() }).passthrough();
const instantiationParams = z.object({ section: z.array(section).optional() }).passthrough();

const sourcedItem = z
  .object({
    source: reference,
    vmGeneralParams: z
      .object({ name: z.string().min(1).max(128).optional(), description: z.string().optional() })
      .passthrough()
      .optional(),
    vAppScopedLocalId: z.string().optional(),
    instantiationParams: instantiationParams.optional(),
    computePolicy: z
      .object({
        vmSizingPolicy: reference.nullable().optional(),
        vmPlacementPolicy: reference.nullable().optional(),
      })
      .passthrough()
      .optional(),
    storageProfile: reference.optional(),
  })
  .passthrough();

/** InstantiateVAppTemplateParams (`application/vnd.vmware.vcloud.instantiateVAppTemplateParams+json`). */
export const instantiateInput = z
  .object({
    name: z.string().min(1).max(128),
    description: z.string().max(4096).optional(),
    deploy: z.boolean().optional(),
    powerOn: z.boolean().optional(),
    source: reference,
    instantiationParams: instantiationParams.optional(),
    sourcedItem: z.array(sourcedItem).optional(),
    allEULAsAccepted: z.boolean().optional(),
    linkedClone: z.boolean().optional(),
  })
  .passthrough();

const networkConfigSection = z
  .object({
    networkConfig: z
      .array(
        z
          .object({
            networkName: z.string(),
            configuration: z
              .object({ parentNetwork: reference.optional(), fenceMode: z.string().optional() })
              .passthrough()
              .optional(),
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();
const networkConnectionSection = z
  .object({
    primaryNetworkConnectionIndex: z.number().int().optional(),
    networkConnection: z
      .array(
        z
          .object({
            network: z.string(),
            networkConnectionIndex: z.number().int().min(0).max(9).optional(),
            ipAddress: z.string().nullable().optional(),
            isConnected: z.boolean().optional(),
            ipAddressAllocationMode: z.enum(['POOL', 'MANUAL', 'DHCP', 'NONE']).optional(),
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();
const guestCustomizationSection = z
  .object({ enabled: z.boolean().optional(), computerName: z.string().max(63).optional() })
  .passthrough();
const productSection = z
  .object({ property: z.array(z.object({ key: z.string().min(1) }).passthrough()).optional() })
  .passthrough();

/** One NIC to create: the org VDC network, the mode and a manual IP if given. */
export interface PlannedNic {
  network: OrgVdcNetwork;
  index: number;
  mode: 'POOL' | 'MANUAL' | 'DHCP' | 'NONE';
  ipAddress: string | null;
  isConnected: boolean;
}

export interface PlannedVm {
  source: VAppTemplateVm;
  name: string;
  description: string;
  computerName: string;
  nics: PlannedNic[];
  properties: Map<string, string>;
  guestCustomization: boolean;
  sizingPolicyId: string;
  storageProfileId: string | null;
}

export interface InstantiationPlan {
  name: string;
  description: string;
  template: VAppTemplate;
  powerOn: boolean;
  vms: PlannedVm[];
}

function sectionsOf(params: z.infer<typeof instantiationParams> | undefined, type: string) {
  return (params?.section ?? []).filter((candidate) => candidate._type === type);
}

function refId(ref: z.infer<typeof reference> | null | undefined): string | undefined {
  if (!ref) return undefined;
  return ref.id ?? (ref.href ? uuidOf(ref.href) : undefined);
}

/** Same id as a URN or a bare UUID (hrefs carry bare UUIDs). */
function sameId(urn: string, candidate: string | undefined): boolean {
  return candidate !== undefined && (urn === candidate || uuidOf(urn) === uuidOf(candidate));
}

/**
 * Validates InstantiateVAppTemplateParams against the world and the caller's scope: the template
 * must be visible, networks must belong to the VDC's org, sizing policies must be assigned to the
 * VDC. Anything wrong is VCD's 400 before any task starts.
 */
export function planInstantiation(
  body: unknown,
  principal: Principal,
  world: World,
  vdc: OrgVdc,
): InstantiationPlan {
  const input = parseBody(instantiateInput, body);
  const sourceId = refId(input.source);
  const template = Object.values(world.vAppTemplates).find((candidate) => sameId(candidate.id, sourceId));
  if (!template || !templateVisibleTo(principal, world, template)) {
    fail('badRequest', {
      reason: `The source vApp template ${input.source.href ?? sourceId ?? ''} does not exist or is not accessible.`,
    });
  }
  if (template.status !== 8) fail('badRequest', { reason: `vApp template ${template.name} is not ready.` });

  const orgNetworks = Object.values(world.orgVdcNetworks).filter(
    (network) => network.orgRef.id === vdc.org.id,
  );
  // vApp network name → org VDC network (bridged to the parent network).
  const vAppNetworks = new Map<string, OrgVdcNetwork>();
  for (const raw of sectionsOf(input.instantiationParams, 'NetworkConfigSectionType')) {
    const config = parseBody(networkConfigSection, raw);
    for (const entry of config.networkConfig ?? []) {
      const parent = entry.configuration?.parentNetwork;
      const parentId = refId(parent);
      const network =
        orgNetworks.find(
          (candidate) =>
            sameId(candidate.id, parentId) || (parent?.name !== undefined && candidate.name === parent.name),
        ) ?? (parent ? undefined : orgNetworks.find((candidate) => candidate.name === entry.networkName));
      if (!network)
        fail('badRequest', {
          reason: `The parent network of vApp network ${entry.networkName} does not exist in the VDC.`,
        });
      vAppNetworks.set(entry.networkName, network);
    }
  }
  const resolveNetwork = (name: string) => {
    const network = vAppNetworks.get(name) ?? orgNetworks.find((candidate) => candidate.name === name);
    if (!network)
      fail('badRequest', {
        reason: `Network ${name} is not a vApp network of this vApp or an org VDC network of the VDC.`,
      });
    return network;
  };

  const sizingPolicy = (ref: z.infer<typeof reference> | null | undefined): string => {
    if (!ref) return vdc.defaultComputePolicyId;
    const id = refId(ref);
    const policy = vdc.computePolicyIds
      .map((policyId) => world.computePolicies[policyId]!)
      .find(
        (candidate) =>
          candidate && (sameId(candidate.id, id) || (ref.name !== undefined && candidate.name === ref.name)),
      );
    if (!policy)
      fail('badRequest', {
        reason: `VM sizing policy ${ref.name ?? id ?? ''} is not assigned to VDC ${vdc.name}.`,
      });
    return policy.id;
  };
  const storageProfile = (ref: z.infer<typeof reference> | undefined): string | null => {
    if (!ref)
      return (
        vdc.storageProfileIds.find((id) => world.storageProfiles[id]?.default) ??
        vdc.storageProfileIds[0] ??
        null
      );
    const id = refId(ref);
    const found = vdc.storageProfileIds.find(
      (candidate) => sameId(candidate, id) || world.storageProfiles[candidate]?.name === ref.name,
    );
    if (!found)
      fail('badRequest', {
        reason: `Storage profile ${ref.name ?? id ?? ''} is not available in VDC ${vdc.name}.`,
      });
    return found;
  };

  const items = input.sourcedItem ?? [];
  const vms = template.vms.map((source): PlannedVm => {
    const item = items.find((candidate) => sameId(source.id, refId(candidate.source)));
    const nics: PlannedNic[] = [];
    for (const raw of sectionsOf(item?.instantiationParams, 'NetworkConnectionSectionType')) {
      const parsed = parseBody(networkConnectionSection, raw);
      (parsed.networkConnection ?? []).forEach((connection, position) => {
        const network = resolveNetwork(connection.network);
        const mode = connection.ipAddressAllocationMode ?? 'POOL';
        const ip = connection.ipAddress ?? null;
        if (mode === 'MANUAL') {
          if (!ip || !isIpv4(ip) || !inNetworkSubnet(network, ip))
            fail('badRequest', {
              reason: `Manual IP ${ip ?? '(none)'} is not a valid address of network ${network.name}.`,
            });
        }
        nics.push({
          network,
          index: connection.networkConnectionIndex ?? position,
          mode,
          ipAddress: mode === 'MANUAL' ? ip : null,
          isConnected: connection.isConnected ?? true,
        });
      });
    }
    if (nics.length === 0 && vAppNetworks.size > 0) {
      nics.push({
        network: [...vAppNetworks.values()][0]!,
        index: 0,
        mode: 'POOL',
        ipAddress: null,
        isConnected: true,
      });
    }
    const properties = new Map<string, string>();
    for (const raw of sectionsOf(item?.instantiationParams, 'ProductSectionType')) {
      for (const property of parseBody(productSection, raw).property ?? []) {
        const value = propertyValueOf((property as { value?: unknown }).value);
        if (value === undefined)
          fail('badRequest', { reason: `Product property ${property.key} has no value.` });
        properties.set(property.key, value);
      }
    }
    const customization = sectionsOf(item?.instantiationParams, 'GuestCustomizationSectionType')[0];
    const guest = customization ? parseBody(guestCustomizationSection, customization) : undefined;
    const name = item?.vmGeneralParams?.name ?? source.name;
    return {
      source,
      name,
      description: item?.vmGeneralParams?.description ?? '',
      computerName: guest?.computerName ?? name.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 15),
      nics,
      properties,
      guestCustomization: guest?.enabled ?? true,
      sizingPolicyId: sizingPolicy(item?.computePolicy?.vmSizingPolicy),
      storageProfileId: storageProfile(item?.storageProfile),
    };
  });
  return {
    name: input.name,
    description: input.description ?? '',
    template,
    powerOn: input.powerOn ?? false,
    vms,
  };
}
