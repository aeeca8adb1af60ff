import type { TaskRecord } from '../../world/tasks.ts';
import type { VApp, Vm } from '../../world/vapps.ts';
import { vcdStatus } from '../../world/vapps.ts';
import type { World } from '../../world/world.ts';
import { productSectionJson } from '../catalogs/product-sections.ts';
import { href, legacyRef, link, media } from '../compute/legacy.ts';
import { taskJson } from '../tasks/tasks.ts';
import { virtualHardwareSectionMedia } from './virtual-hardware.ts';

/** A vApp's status follows its VMs: all on 4, all off 8, otherwise 10 (mixed). */
export function vAppStatusOf(vApp: VApp, vms: Vm[]): number {
  if (vApp.status === vcdStatus.unresolved || vApp.status === vcdStatus.failedCreation) return vApp.status;
  if (vms.length === 0) return vcdStatus.poweredOff;
  const statuses = new Set(vms.map((vm) => vm.status));
  return statuses.size === 1 ? vms[0]!.status : vcdStatus.mixed;
}

function powerLinks(base: string, self: string, status: number, deployed: boolean) {
  const links = [];
  if (status === vcdStatus.poweredOff || status === vcdStatus.mixed)
    links.push(link('power:powerOn', `${self}/power/action/powerOn`));
  if (status === vcdStatus.poweredOn || status === vcdStatus.mixed) {
    links.push(link('power:powerOff', `${self}/power/action/powerOff`));
    links.push(link('power:reset', `${self}/power/action/reset`));
  }
  if (deployed) links.push(link('undeploy', `${self}/action/undeploy`, media.undeployParams));
  else links.push(link('remove', self));
  void base;
  return links;
}

function runningTasks(base: string, world: World, taskId: string | null) {
  const task: TaskRecord | undefined = taskId ? world.tasks[taskId] : undefined;
  return task && !['success', 'error', 'aborted'].includes(task.status)
    ? { task: [taskJson(base, task)] }
    : null;
}

const guestCustomizationStatus: Record<Vm['guestState'], string> = {
  off: 'GC_PENDING',
  booting: 'GC_PENDING',
  customizing: 'POST_GC_PENDING',
  ready: 'GC_COMPLETE',
  hung: 'GC_PENDING',
};

export function guestCustomizationStatusOf(vm: Vm): string {
  return vm.guestCustomizationEnabled ? guestCustomizationStatus[vm.guestState] : 'GC_COMPLETE';
}

/** VmType in VCD's JSON. */
export function vmJson(base: string, world: World, vm: Vm, busyTaskId: string | null = null) {
  const self = href.vm(base, vm.id);
  const policy = vm.sizingPolicyId ? world.computePolicies[vm.sizingPolicyId] : undefined;
  const profile = vm.storageProfileId ? world.storageProfiles[vm.storageProfileId] : undefined;
  const primary = vm.networkConnections[0];
  return {
    otherAttributes: {},
    href: self,
    type: media.vm,
    id: vm.id,
    name: vm.name,
    description: vm.description,
    status: vm.status,
    deployed: vm.deployed,
    needsCustomization: vm.guestCustomizationEnabled && vm.guestState === 'off' && vm.bootedAt === null,
    nestedHypervisorEnabled: false,
    vAppScopedLocalId: vm.name,
    dateCreated: vm.dateCreated,
    tasks: runningTasks(base, world, busyTaskId),
    link: [
      ...powerLinks(base, self, vm.status, vm.deployed),
      link('up', href.vApp(base, vm.vAppId), media.vApp),
      link('down', `${self}/productSections`, media.productSections),
      link('down', `${self}/guestcustomizationstatus`, media.guestCustomizationStatus),
      link('down', `${self}/virtualHardwareSection/`, virtualHardwareSectionMedia),
    ],
    computePolicy: {
      vmSizingPolicy: policy
        ? legacyRef(href.computePolicy(base, policy.id), policy.id, 'application/json', policy.name)
        : null,
      vmSizingPolicyFinal: true,
      vmPlacementPolicy: null,
      vmPlacementPolicyFinal: false,
    },
    storageProfile: profile
      ? legacyRef(href.storageProfile(base, profile.id), profile.id, media.storageProfile, profile.name)
      : null,
    section: [
      {
        _type: 'NetworkConnectionSectionType',
        info: { value: 'Specifies the available VM network connections' },
        primaryNetworkConnectionIndex: primary?.networkConnectionIndex ?? 0,
        networkConnection: vm.networkConnections.map((nic) => ({
          network: nic.networkName,
          networkConnectionIndex: nic.networkConnectionIndex,
          ipAddress: nic.ipAddress,
          externalIpAddress: null,
          isConnected: nic.isConnected,
          macAddress: nic.macAddress,
          ipAddressAllocationMode: nic.ipAddressAllocationMode,
          networkAdapterType: 'VMXNET3',
        })),
      },
      {
        _type: 'GuestCustomizationSectionType',
        info: { value: 'Specifies Guest OS Customization Settings' },
        enabled: vm.guestCustomizationEnabled,
        changeSid: false,
        joinDomainEnabled: false,
        adminPasswordEnabled: false,
        resetPasswordRequired: false,
        computerName: vm.computerName,
      },
      // The OS type is VmSpecSection's OsType (go-vcloud-director types/v56/vm_types.go); the OVF
      // section's `vmw:osType` is a foreign XML attribute with no JSON field in @vcd/bindings.
      { _type: 'OperatingSystemSectionType', info: { value: 'Guest operating system' } },
      ...vm.productSections.map(productSectionJson),
    ],
    vmSpecSection: {
      modified: false,
      info: { value: 'Virtual hardware' }, // ovf:Info is an OVF Msg_Type, as everywhere
      osType: vm.osType,
      numCpus: vm.cpuCount,
      numCoresPerSocket: vm.coresPerSocket,
      memoryResourceMb: { configured: vm.memoryMb },
      diskSection: { diskSettings: [{ diskId: '2000', sizeMb: vm.diskSizeMb, unitNumber: 0, busNumber: 0 }] },
    },
  };
}

/** VAppType in VCD's JSON, with its VMs as `children.vm[]`. */
export function vAppJson(base: string, world: World, vApp: VApp, vms: Vm[]) {
  const self = href.vApp(base, vApp.id);
  const status = vAppStatusOf(vApp, vms);
  const networks = new Map(
    vms.flatMap((vm) => vm.networkConnections.map((nic) => [nic.networkName, nic.networkId] as const)),
  );
  return {
    otherAttributes: {},
    href: self,
    type: media.vApp,
    id: vApp.id,
    name: vApp.name,
    description: vApp.description,
    status,
    deployed: vApp.deployed,
    ovfDescriptorUploaded: true,
    inMaintenanceMode: false,
    dateCreated: vApp.dateCreated,
    owner: {
      type: 'application/vnd.vmware.vcloud.owner+json',
      user: legacyRef(href.user(base, vApp.owner.id), vApp.owner.id, media.user, vApp.owner.name),
    },
    tasks: runningTasks(base, world, vApp.busyTaskId),
    link: [
      ...(status === vcdStatus.unresolved ? [] : powerLinks(base, self, status, vApp.deployed)),
      link('up', href.vdc(base, vApp.vdcId), media.vdc),
    ],
    section: [
      {
        _type: 'NetworkConfigSectionType',
        info: { value: 'The configuration parameters for logical networks' },
        networkConfig: [...networks].map(([networkName, networkId]) => ({
          networkName,
          isDeployed: vApp.deployed,
          configuration: {
            parentNetwork: legacyRef(href.network(base, networkId), networkId, media.network, networkName),
            fenceMode: 'bridged',
          },
        })),
      },
    ],
    children: { vm: vms.map((vm) => vmJson(base, world, vm)) },
  };
}
