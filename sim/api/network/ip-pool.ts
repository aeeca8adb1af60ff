import { expandRange, inRange, ipToNumber } from '../../world/ipv4.ts';
import type { OrgVdcNetwork } from '../../world/networking.ts';
import { vAppsSlice, type Vm } from '../../world/vapps.ts';
import type { World } from '../../world/world.ts';

/**
 * Static IP pools of org VDC networks. Nothing is stored besides the VMs' NICs: an address is in
 * use while a VM has it, so deleting the VM releases it. Allocation runs synchronously inside one
 * tick, so two VMs never get the same address.
 */
export function ipsInUse(world: World, networkId: string): Map<string, Vm> {
  const used = new Map<string, Vm>();
  for (const vm of Object.values(vAppsSlice.of(world).vms)) {
    for (const nic of vm.networkConnections) {
      if (nic.networkId === networkId && nic.ipAddress) used.set(nic.ipAddress, vm);
    }
  }
  return used;
}

/** The VM, other than `exceptVmId`, holding an address on a network. */
export function holderOf(world: World, networkId: string, ip: string, exceptVmId: string): Vm | undefined {
  return Object.values(vAppsSlice.of(world).vms).find(
    (vm) =>
      vm.id !== exceptVmId &&
      vm.networkConnections.some((nic) => nic.networkId === networkId && nic.ipAddress === ip),
  );
}

export function poolSize(network: OrgVdcNetwork): number {
  return network.subnets.values
    .flatMap((subnet) => subnet.ipRanges.values)
    .reduce((sum, range) => sum + ipToNumber(range.endAddress) - ipToNumber(range.startAddress) + 1, 0);
}

/** The lowest free pool address, or undefined when the pools are exhausted. */
export function takePoolIp(
  world: World,
  network: OrgVdcNetwork,
  alsoTaken: ReadonlySet<string> = new Set(),
): string | undefined {
  const used = ipsInUse(world, network.id);
  for (const subnet of network.subnets.values) {
    for (const range of subnet.ipRanges.values) {
      for (const ip of expandRange(range.startAddress, range.endAddress)) {
        if (!used.has(ip) && !alsoTaken.has(ip)) return ip;
      }
    }
  }
  return undefined;
}

/** Whether a manual address lies in one of the network's subnets (and is not its gateway). */
export function inNetworkSubnet(network: OrgVdcNetwork, ip: string): boolean {
  return network.subnets.values.some((subnet) => {
    const size = 2 ** (32 - subnet.prefixLength);
    const first = (ipToNumber(subnet.gateway) & ~(size - 1)) >>> 0;
    const value = ipToNumber(ip);
    return value > first && value < first + size - 1 && ip !== subnet.gateway;
  });
}

export function inPool(network: OrgVdcNetwork, ip: string): boolean {
  return network.subnets.values.some((subnet) =>
    subnet.ipRanges.values.some((range) => inRange(ip, range.startAddress, range.endAddress)),
  );
}
