import { createHash } from 'node:crypto';
import { takePoolIp } from '../../api/network/ip-pool.ts';
import type { OrgVdc } from '../../world/compute.ts';
import type { OrgVdcNetwork } from '../../world/networking.ts';
import type { IdSource } from '../../world/store.ts';
import type { Org } from '../../world/tenancy.ts';
import { vAppsSlice, vcdStatus, type VApp, type Vm } from '../../world/vapps.ts';
import type { World } from '../../world/world.ts';
import type { MachineTemplate, WorkloadClusterManifest } from './manifest.ts';
import type { WorkloadMachine, WorkloadMachineGroup } from './workload-clusters.ts';

/** A failure CAPVCD would put in the VCDCluster/VCDMachine conditions (and the phase's output). */
export class CapvcdError extends Error {
  override readonly name = 'CapvcdError';
}

export interface ClusterPlacement {
  org: Org;
  vdc: OrgVdc;
  network: OrgVdcNetwork;
}

/** Finds org, VDC and network by the names in the VCDCluster, as CAPVCD's VCD client does. */
export function resolvePlacement(world: World, manifest: WorkloadClusterManifest): ClusterPlacement {
  const org = Object.values(world.orgs).find((candidate) => candidate.name === manifest.org);
  if (!org) throw new CapvcdError(`VCDClusterError: unable to find organization [${manifest.org}]`);
  const vdc = Object.values(world.vdcs).find(
    (candidate) => candidate.org.id === org.id && candidate.name === manifest.ovdc,
  );
  if (!vdc)
    throw new CapvcdError(`VCDClusterError: unable to find org VDC [${manifest.ovdc}] in org [${org.name}]`);
  const network = Object.values(world.orgVdcNetworks).find(
    (candidate) =>
      candidate.name === manifest.ovdcNetwork &&
      (candidate.orgVdc.id === vdc.id || (candidate.shared && candidate.orgRef.id === org.id)),
  );
  if (!network)
    throw new CapvcdError(
      `VCDClusterError: unable to find network [${manifest.ovdcNetwork}] in org VDC [${vdc.name}]`,
    );
  return { org, vdc, network };
}

/** Turns a VCDMachineTemplate into VCD ids (template, sizing policy, storage profile) or fails like CAPVCD. */
export function resolveMachineGroup(
  world: World,
  placement: ClusterPlacement,
  group: { name: string; replicas: number; version: string; machine: MachineTemplate },
  role: WorkloadMachineGroup['role'],
): WorkloadMachineGroup {
  const { org, vdc } = placement;
  const machine = group.machine;
  const catalog = Object.values(world.catalogs).find(
    (candidate) =>
      candidate.name === machine.catalog &&
      (candidate.org.id === org.id || candidate.sharedWithOrgIds.includes(org.id) || candidate.isPublished),
  );
  const template = catalog
    ? Object.values(world.vAppTemplates).find(
        (candidate) => candidate.catalog.id === catalog.id && candidate.name === machine.template,
      )
    : undefined;
  if (!template)
    throw new CapvcdError(
      `VCDMachineError: unable to find vApp template [${machine.template}] in catalog [${machine.catalog}]`,
    );
  let sizingPolicyId: string | null = vdc.defaultComputePolicyId;
  if (machine.sizingPolicy) {
    const policy = vdc.computePolicyIds
      .map((id) => world.computePolicies[id])
      .find((candidate) => candidate?.name === machine.sizingPolicy);
    if (!policy)
      throw new CapvcdError(
        `VCDMachineError: unable to find sizing policy [${machine.sizingPolicy}] in org VDC [${vdc.name}]`,
      );
    sizingPolicyId = policy.id;
  }
  const profiles = vdc.storageProfileIds
    .map((id) => world.storageProfiles[id])
    .filter((profile) => !!profile);
  const profile = machine.storageProfile
    ? profiles.find((candidate) => candidate.name === machine.storageProfile)
    : (profiles.find((candidate) => candidate.default) ?? profiles[0]);
  if (machine.storageProfile && !profile)
    throw new CapvcdError(
      `VCDMachineError: unable to find storage profile [${machine.storageProfile}] in org VDC [${vdc.name}]`,
    );
  return {
    name: group.name,
    role,
    replicas: group.replicas,
    version: group.version,
    templateId: template.id,
    sizingPolicyId,
    storageProfileId: profile?.id ?? null,
    diskSizeMb: machine.diskSizeMb,
  };
}

function macAddressOf(vmId: string): string {
  const hex = createHash('sha1').update(`${vmId}:0`).digest('hex');
  return `00:50:56:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}

const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * Machine names as Cluster API gives them: `<kcp>-<5 chars>` for control-plane machines and
 * `<md>-<10 hex>-<5 chars>` (MachineSet hash, then the machine) for workers; CAPVCD names the VM
 * after its Machine.
 */
export function machineName(
  group: WorkloadMachineGroup,
  random: () => number,
  taken: ReadonlySet<string>,
): string {
  const pick = (length: number) =>
    Array.from({ length }, () => nameAlphabet[Math.floor(random() * nameAlphabet.length)]).join('');
  const setHash = createHash('sha256').update(`${group.name}:${group.version}`).digest('hex').slice(0, 10);
  for (;;) {
    const name =
      group.role === 'control-plane' ? `${group.name}-${pick(5)}` : `${group.name}-${setHash}-${pick(5)}`;
    if (!taken.has(name)) return name;
  }
}

/** The cluster's vApp (created empty, powered on, owned by the API token's user). */
export function createClusterVApp(
  world: World,
  ids: IdSource,
  placement: ClusterPlacement,
  name: string,
  owner: { id: string; name: string },
  now: string,
): VApp {
  const state = vAppsSlice.of(world);
  const existing = Object.values(state.vApps).find(
    (candidate) => candidate.vdcId === placement.vdc.id && candidate.name === name,
  );
  if (existing) return existing;
  const vApp: VApp = {
    id: ids.urn('vapp'),
    name,
    description: `Cluster API cluster ${name} (created by CAPVCD)`,
    orgId: placement.org.id,
    vdcId: placement.vdc.id,
    owner,
    status: vcdStatus.poweredOn,
    deployed: true,
    vmIds: [],
    dateCreated: now,
    busyTaskId: null,
  };
  state.vApps[vApp.id] = vApp;
  return vApp;
}

/**
 * Adds one VM for a Machine to the vApp, with an address from the network's static pool. It is
 * powered on and `booting`; `markMachinesReady` finishes the boot once the phase's time passed.
 */
export function addMachine(
  world: World,
  ids: IdSource,
  vApp: VApp,
  network: OrgVdcNetwork,
  group: WorkloadMachineGroup,
  name: string,
  now: string,
): WorkloadMachine {
  const ip = takePoolIp(world, network);
  if (!ip)
    throw new CapvcdError(
      `VCDMachineError: unable to create VM [${name}]: the static IP pool of network [${network.name}] is exhausted`,
    );
  const template = world.vAppTemplates[group.templateId]!;
  const source = template.vms[0]!;
  const policy = group.sizingPolicyId ? world.computePolicies[group.sizingPolicyId] : undefined;
  const id = ids.urn('vm');
  const vm: Vm = {
    id,
    name,
    description: `${group.role === 'control-plane' ? 'Control plane' : 'Worker'} machine of ${group.name}`,
    vAppId: vApp.id,
    orgId: vApp.orgId,
    vdcId: vApp.vdcId,
    templateId: template.id,
    templateVmId: source.id,
    status: vcdStatus.poweredOn,
    deployed: true,
    computerName: name.slice(0, 63),
    osType: source.osType,
    cpuCount: policy?.cpuCount ?? source.cpuCount,
    coresPerSocket: policy?.coresPerSocket ?? 1,
    memoryMb: policy?.memory ?? source.memoryMb,
    diskSizeMb: Math.max(group.diskSizeMb ?? 0, source.diskSizeMb),
    sizingPolicyId: group.sizingPolicyId,
    storageProfileId: group.storageProfileId,
    networkConnections: [
      {
        networkId: network.id,
        networkName: network.name,
        networkConnectionIndex: 0,
        ipAddressAllocationMode: 'POOL',
        ipAddress: ip,
        macAddress: macAddressOf(id),
        isConnected: true,
      },
    ],
    productSections: structuredClone(source.productSections),
    guestCustomizationEnabled: true,
    guestState: 'booting',
    bootedAt: null,
    dateCreated: now,
  };
  vAppsSlice.of(world).vms[id] = vm;
  vApp.vmIds.push(id);
  return { vmId: id, name, role: group.role, group: group.name, ip, version: group.version };
}

/** The machines' guests finished booting (they answer ALB health checks from now on). */
export function markMachinesReady(world: World, machines: readonly WorkloadMachine[], now: string): void {
  const vms = vAppsSlice.of(world).vms;
  for (const machine of machines) {
    const vm = vms[machine.vmId];
    if (vm && vm.guestState === 'booting') {
      vm.guestState = 'ready';
      vm.bootedAt = now;
    }
  }
}

/** Deletes a Machine's VM (its pool address is free again). */
export function removeMachine(world: World, machine: WorkloadMachine): void {
  const state = vAppsSlice.of(world);
  const vm = state.vms[machine.vmId];
  if (!vm) return;
  delete state.vms[machine.vmId];
  const vApp = state.vApps[vm.vAppId];
  if (vApp) vApp.vmIds = vApp.vmIds.filter((id) => id !== machine.vmId);
}
