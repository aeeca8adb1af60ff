import type { OrgVdc, OrgVdcStorageProfile, VdcComputePolicy } from './compute.ts';
import type { Ref } from './json.ts';
import type {
  AlbGatewaySettings,
  EdgeGateway,
  ExternalNetwork,
  OrgVdcNetwork,
  ServiceEngineGroup,
  Subnet,
} from './networking.ts';
import { rangeSize } from './ipv4.ts';
import type { IdSource } from './store.ts';
import type { World } from './world.ts';

/** The four sizing policies CSE requires by name (brief: 4 GiB for small, see README). */
export const tkgSizingPolicies = [
  { name: 'TKG small', cpuCount: 2, memory: 4096 },
  { name: 'TKG medium', cpuCount: 2, memory: 8192 },
  { name: 'TKG large', cpuCount: 4, memory: 16384 },
  { name: 'TKG extra-large', cpuCount: 8, memory: 32768 },
] as const;

const ref = (object: { id: string; name: string }): Ref => ({ id: object.id, name: object.name });

function subnet(
  gateway: string,
  prefixLength: number,
  ranges: [string, string][],
  extra: Partial<Subnet> = {},
): Subnet {
  return {
    gateway,
    prefixLength,
    dnsSuffix: 'example.com',
    dnsServer1: '1.1.1.1',
    dnsServer2: '8.8.8.8',
    ipRanges: { values: ranges.map(([startAddress, endAddress]) => ({ startAddress, endAddress })) },
    enabled: true,
    totalIpCount: ranges.reduce((sum, [start, end]) => sum + rangeSize(start, end), 0),
    usedIpCount: 0,
    ...extra,
  };
}

/**
 * Provider infrastructure and, per tenant, an org VDC with the TKG sizing policies and a storage
 * profile, three edge gateways and a routed network behind each:
 * - `<org>-edge-ipspace` — ALB on, VIPs from the public IP space (per-org floating IP quota);
 * - `<org>-edge-uplink` — ALB on, VIPs from sub-allocated legacy uplink IP ranges;
 * - `<org>-edge-noalb` — no load balancer, to exercise validation.
 */
export function seedInfrastructure(world: World, ids: IdSource): void {
  const policies: VdcComputePolicy[] = [
    {
      id: ids.urn('vdcComputePolicy'),
      name: 'System Default',
      description: 'Default compute policy',
      policyType: 'VdcVmPolicy',
      isSizingOnly: false,
      isVgpuPolicy: false,
      cpuCount: null,
      coresPerSocket: null,
      memory: null,
    },
    ...tkgSizingPolicies.map((policy): VdcComputePolicy => ({
      id: ids.urn('vdcComputePolicy'),
      name: policy.name,
      description: `${policy.cpuCount} vCPU, ${policy.memory / 1024} GiB memory`,
      policyType: 'VdcVmPolicy',
      isSizingOnly: true,
      isVgpuPolicy: false,
      cpuCount: policy.cpuCount,
      coresPerSocket: 1,
      memory: policy.memory,
    })),
  ];
  for (const policy of policies) world.computePolicies[policy.id] = policy;

  const ipSpaceNetwork: ExternalNetwork = {
    id: ids.urn('network'),
    name: 'provider-gateway-ipspace',
    description: 'Provider gateway whose IPs come from IP spaces',
    subnets: { values: [] },
    usingIpSpace: true,
    networkBackings: {
      values: [{ backingId: ids.uuid(), backingType: 'NSXT_TIER0', name: 'tier0-ipspace' }],
    },
  };
  const legacyNetwork: ExternalNetwork = {
    id: ids.urn('network'),
    name: 'provider-gateway-legacy',
    description: 'Provider gateway with IP ranges sub-allocated to edge gateways',
    subnets: { values: [subnet('198.51.100.1', 24, [['198.51.100.10', '198.51.100.200']])] },
    usingIpSpace: false,
    networkBackings: { values: [{ backingId: ids.uuid(), backingType: 'NSXT_TIER0', name: 'tier0-legacy' }] },
  };
  world.externalNetworks[ipSpaceNetwork.id] = ipSpaceNetwork;
  world.externalNetworks[legacyNetwork.id] = legacyNetwork;

  const ipSpace = {
    id: ids.urn('ipSpace'),
    name: 'public-ip-space',
    description: 'Public IPs for edge gateways and load balancer VIPs',
    type: 'PUBLIC' as const,
    orgRef: null,
    ipSpaceInternalScope: ['203.0.113.0/24'],
    ipSpaceExternalScope: '0.0.0.0/0',
    ipSpaceRanges: {
      ipRanges: [
        {
          startIpAddress: '203.0.113.10',
          endIpAddress: '203.0.113.250',
          totalIpCount: String(rangeSize('203.0.113.10', '203.0.113.250')),
          allocatedIpCount: '0',
        },
      ],
      defaultFloatingIpQuota: 5,
    },
    ipSpacePrefixes: [],
    routeAdvertisementEnabled: false,
    status: 'REALIZED' as const,
  };
  world.ipSpaces[ipSpace.id] = ipSpace;
  const uplink = {
    id: ids.urn('ipSpaceUplink'),
    name: 'public-ip-space-uplink',
    externalNetworkRef: ref(ipSpaceNetwork),
    ipSpaceRef: ref(ipSpace),
    ipSpaceType: ipSpace.type,
    status: 'REALIZED' as const,
  };
  world.ipSpaceUplinks[uplink.id] = uplink;

  const controller = {
    id: ids.urn('loadBalancerController'),
    name: 'avi-controller-01',
    url: 'https://avi.sim.example.com',
    username: 'admin',
    version: '22.1.5',
  };
  world.albControllers[controller.id] = controller;
  const cloud = {
    id: ids.urn('loadBalancerCloud'),
    name: 'nsxt-cloud-01',
    loadBalancerControllerRef: ref(controller),
    backingId: `cloud-${ids.uuid()}`,
    backingType: 'NSXT_CLOUD' as const,
    healthStatus: 'UP' as const,
  };
  world.albClouds[cloud.id] = cloud;
  const seg: ServiceEngineGroup = {
    id: ids.urn('serviceEngineGroup'),
    name: 'tenant-shared-seg',
    description: 'Shared service engine group for tenant load balancers',
    serviceEngineGroupBacking: {
      backingId: `serviceenginegroup-${ids.uuid()}`,
      backingType: 'AVI_SERVICE_ENGINE_GROUP',
      loadBalancerCloudRef: ref(cloud),
    },
    haMode: 'ELASTIC_N_PLUS_M_BUFFER',
    reservationType: 'SHARED',
    maxVirtualServices: 200,
    numDeployedVirtualServices: 0,
    reservedVirtualServices: 0,
    overAllocated: false,
    supportedFeatureSet: 'STANDARD',
  };
  world.serviceEngineGroups[seg.id] = seg;

  const tenants = Object.values(world.orgs).filter((org) => !org.isProvider);
  tenants.forEach((org, index) => {
    const n = index + 1;
    const orgRef = ref(org);
    const storage: OrgVdcStorageProfile = {
      id: ids.urn('vdcstorageProfile'),
      name: 'gold-storage-policy',
      vdc: { id: '', name: '' },
      enabled: true,
      default: true,
      limit: 1_048_576,
      used: 0,
      units: 'MB',
      iopsLimit: 0,
    };
    const vdc: OrgVdc = {
      id: ids.urn('vdc'),
      name: `${org.name}-vdc`,
      description: `Org VDC of ${org.name}`,
      org: orgRef,
      allocationType: 'Flex',
      isEnabled: true,
      computeProviderScope: 'region-a',
      networkProviderScope: 'nsxt-manager-01',
      computeCapacity: {
        cpu: { allocated: 200_000, limit: 200_000, used: 0, units: 'MHz' },
        memory: { allocated: 524_288, limit: 524_288, used: 0, units: 'MB' },
      },
      vmQuota: 0,
      computePolicyIds: policies.map((policy) => policy.id),
      defaultComputePolicyId: policies.find((policy) => policy.name === 'TKG small')!.id,
      storageProfileIds: [storage.id],
    };
    storage.vdc = ref(vdc);
    world.vdcs[vdc.id] = vdc;
    world.storageProfiles[storage.id] = storage;
    const vdcRef = ref(vdc);

    const legacyBase = 10 + (n - 1) * 40; // acme .10–.49, globex .50–.89
    const gateways: { suffix: string; alb: boolean; uplink: EdgeGateway['edgeGatewayUplinks'][number] }[] = [
      {
        suffix: 'ipspace',
        alb: true,
        uplink: {
          uplinkId: ipSpaceNetwork.id,
          uplinkName: ipSpaceNetwork.name,
          subnets: {
            values: [
              subnet('203.0.113.1', 24, [], { primaryIp: `203.0.113.${1 + n}`, autoAllocateIpRanges: false }),
            ],
          },
          connected: true,
          dedicated: false,
          usingIpSpace: true,
        },
      },
      {
        suffix: 'uplink',
        alb: true,
        uplink: {
          uplinkId: legacyNetwork.id,
          uplinkName: legacyNetwork.name,
          subnets: {
            values: [
              subnet('198.51.100.1', 24, [[`198.51.100.${legacyBase}`, `198.51.100.${legacyBase + 19}`]], {
                primaryIp: `198.51.100.${legacyBase}`,
                usedIpCount: 1,
                autoAllocateIpRanges: false,
              }),
            ],
          },
          connected: true,
          dedicated: false,
          usingIpSpace: false,
        },
      },
      {
        suffix: 'noalb',
        alb: false,
        uplink: {
          uplinkId: legacyNetwork.id,
          uplinkName: legacyNetwork.name,
          subnets: {
            values: [
              subnet(
                '198.51.100.1',
                24,
                [[`198.51.100.${legacyBase + 20}`, `198.51.100.${legacyBase + 29}`]],
                {
                  primaryIp: `198.51.100.${legacyBase + 20}`,
                  usedIpCount: 1,
                  autoAllocateIpRanges: false,
                },
              ),
            ],
          },
          connected: true,
          dedicated: false,
          usingIpSpace: false,
        },
      },
    ];
    const networkNames: Record<string, string> = {
      ipspace: `${org.name}-k8s-net`,
      uplink: `${org.name}-k8s-net-uplink`,
      noalb: `${org.name}-plain-net`,
    };
    gateways.forEach((spec, gatewayIndex) => {
      const gateway: EdgeGateway = {
        id: ids.urn('gateway'),
        name: `${org.name}-edge-${spec.suffix}`,
        description: spec.alb
          ? 'NSX-T edge gateway with NSX ALB'
          : 'NSX-T edge gateway without a load balancer',
        ownerRef: vdcRef,
        orgVdc: vdcRef,
        orgRef,
        edgeGatewayUplinks: [spec.uplink],
        distributedRoutingEnabled: false,
        gatewayBacking: {
          backingId: ids.uuid(),
          gatewayType: 'NSXT_BACKED',
          networkProvider: { id: '', name: 'nsxt-manager-01' },
        },
        status: 'REALIZED',
      };
      world.edgeGateways[gateway.id] = gateway;
      const alb: AlbGatewaySettings = {
        enabled: spec.alb,
        supportedFeatureSet: 'STANDARD',
        loadBalancerCloudRef: spec.alb ? ref(cloud) : null,
        serviceNetworkDefinition: '192.168.255.1/25',
        transparentModeEnabled: false,
      };
      world.albGatewaySettings[gateway.id] = alb;
      if (spec.alb) {
        const assignment = {
          id: ids.urn('serviceEngineGroupAssignment'),
          gatewayRef: ref(gateway),
          serviceEngineGroupRef: ref(seg),
          gatewayOrgRef: orgRef,
          gatewayOwnerRef: vdcRef,
          maxVirtualServices: 10,
          minVirtualServices: 0,
          numDeployedVirtualServices: 0,
        };
        world.serviceEngineGroupAssignments[assignment.id] = assignment;
      }
      const third = gatewayIndex + 1;
      const prefix = `10.${n * 10}.${third}`;
      const network: OrgVdcNetwork = {
        id: ids.urn('network'),
        name: networkNames[spec.suffix]!,
        description: `Routed network behind ${gateway.name}`,
        orgRef,
        ownerRef: vdcRef,
        orgVdc: vdcRef,
        networkType: 'NAT_ROUTED',
        connection: { routerRef: ref(gateway), connectionType: 'INTERNAL' },
        subnets: { values: [subnet(`${prefix}.1`, 24, [[`${prefix}.10`, `${prefix}.200`]])] },
        status: 'REALIZED',
        shared: false,
      };
      world.orgVdcNetworks[network.id] = network;
    });

    const assignment = {
      id: ids.urn('ipSpaceOrgAssignment'),
      ipSpaceRef: ref(ipSpace),
      orgRef,
      ipSpaceType: ipSpace.type,
      customQuotas: { floatingIpQuota: 10, ipPrefixQuotas: [] },
    };
    world.ipSpaceOrgAssignments[assignment.id] = assignment;
  });
}
