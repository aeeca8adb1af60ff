import type { ProductSection } from './compute.ts';
import { defineSlice } from './slices.ts';

/** VCD's numeric status of vApps and VMs (the subset the simulator uses). */
export const vcdStatus = {
  failedCreation: -1,
  unresolved: 0,
  resolved: 1,
  poweredOn: 4,
  poweredOff: 8,
  mixed: 10,
} as const;

export const vcdStatusNames: Readonly<Record<number, string>> = {
  [-1]: 'FAILED_CREATION',
  0: 'UNRESOLVED',
  1: 'RESOLVED',
  4: 'POWERED_ON',
  8: 'POWERED_OFF',
  10: 'MIXED',
};

export interface VmNetworkConnection {
  networkId: string;
  networkName: string;
  networkConnectionIndex: number;
  ipAddressAllocationMode: 'POOL' | 'MANUAL' | 'DHCP' | 'NONE';
  ipAddress: string | null;
  macAddress: string;
  isConnected: boolean;
}

/**
 * What the emulated guest is doing: `off`; `booting` (power-on in progress); `customizing` (guest
 * customisation / cloud-init running after power-on); `ready` (booted, reachable); `hung` (powered
 * on but never boots, an injected fault).
 */
export type GuestState = 'off' | 'booting' | 'customizing' | 'ready' | 'hung';

/** One VMX ExtraConfig item of a VM (`vmw:ExtraConfig`: key, value, required). */
export interface ExtraConfigEntry {
  key: string;
  value: string;
  required: boolean;
}

export interface Vm {
  id: string;
  name: string;
  description: string;
  vAppId: string;
  orgId: string;
  vdcId: string;
  templateId: string;
  templateVmId: string;
  status: number;
  deployed: boolean;
  computerName: string;
  osType: string;
  cpuCount: number;
  coresPerSocket: number;
  memoryMb: number;
  diskSizeMb: number;
  sizingPolicyId: string | null;
  storageProfileId: string | null;
  networkConnections: VmNetworkConnection[];
  /** The template's product sections with the values given at instantiation. */
  productSections: ProductSection[];
  /** VMX ExtraConfig set through the virtual hardware section (`guestinfo.userdata`, …); absent in old state files. */
  extraConfig?: ExtraConfigEntry[];
  guestCustomizationEnabled: boolean;
  guestState: GuestState;
  /** When the guest last finished booting (ISO time), for the bootstrap emulation. */
  bootedAt: string | null;
  dateCreated: string;
}

export interface VApp {
  id: string;
  name: string;
  description: string;
  orgId: string;
  vdcId: string;
  owner: { id: string; name: string };
  status: number;
  deployed: boolean;
  vmIds: string[];
  dateCreated: string;
  /** The task currently changing the vApp; another change meanwhile is BUSY_ENTITY. */
  busyTaskId: string | null;
}

export interface VAppsState {
  vApps: Record<string, VApp>;
  vms: Record<string, Vm>;
}

export const vAppsSlice = defineSlice('vApps', (): VAppsState => ({ vApps: {}, vms: {} }));
