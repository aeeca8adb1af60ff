import { loadBalancerSlice, type AlbPool } from '../../world/load-balancer.ts';
import type { OrgVdcNetwork } from '../../world/networking.ts';
import type { World } from '../../world/world.ts';
import { CapvcdError } from './machines.ts';

/**
 * The control-plane load balancer as CAPVCD handles it when an endpoint host is given: the pool and
 * virtual service `<cluster>-<infraId>-tcp` already exist on the network's gateway (the worker made
 * them), so CAPVCD adopts them by name and only maintains the pool's members. It never creates a
 * second pool or virtual service.
 */
export function controlPlanePoolName(clusterName: string, infraId: string): string {
  return `${clusterName}-${infraId}-tcp`;
}

export function gatewayOf(network: OrgVdcNetwork): string | null {
  return network.connection?.routerRef.id ?? null;
}

/** Finds the pool to adopt; fails like CAPVCD's gateway manager when it is missing. */
export function adoptControlPlanePool(world: World, gatewayId: string | null, name: string): AlbPool {
  if (!gatewayId)
    throw new CapvcdError(
      `VCDClusterLoadBalancerProvisionError: failed to create gateway manager: the network has no edge gateway (pool [${name}])`,
    );
  const state = loadBalancerSlice.of(world);
  const pool = Object.values(state.pools).find(
    (candidate) => candidate.gatewayRef.id === gatewayId && candidate.name === name,
  );
  const virtualService = Object.values(state.virtualServices).find(
    (candidate) => candidate.gatewayRef.id === gatewayId && candidate.name === name,
  );
  if (!pool)
    throw new CapvcdError(
      `VCDClusterLoadBalancerProvisionError: unable to find load balancer pool [${name}] on gateway [${gatewayId}]; ` +
        'the control plane endpoint was given, so CAPVCD expects its pool and virtual service to exist',
    );
  if (virtualService && virtualService.loadBalancerPoolRef.id !== pool.id)
    throw new CapvcdError(
      `VCDClusterLoadBalancerProvisionError: virtual service [${name}] uses pool [${virtualService.loadBalancerPoolRef.name}], not [${name}]`,
    );
  return pool;
}

/** Makes the pool's members exactly these control-plane IPs on the API server port. */
export function setControlPlaneMembers(pool: AlbPool, ips: readonly string[], port: number): void {
  const wanted = [...new Set(ips)];
  pool.members = wanted.map((ipAddress) => {
    const existing = pool.members.find((member) => member.ipAddress === ipAddress);
    return existing ?? { ipAddress, port, ratio: 1, enabled: true };
  });
}

/** The pool, if it still exists (the worker may have deleted it already). */
export function findPool(world: World, poolId: string | null): AlbPool | undefined {
  return poolId ? loadBalancerSlice.of(world).pools[poolId] : undefined;
}
