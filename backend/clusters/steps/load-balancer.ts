/**
 * One ALB pool and one L4 virtual service on a VIP and port, by name: looked up before created, recorded before
 * created, members kept as given. A virtual service needs room in a service engine group assigned to the gateway.
 */
import {
  createPool,
  createVirtualService,
  findPool,
  findVirtualService,
  getPool,
  segAssignments,
  segWithCapacity,
  updatePool,
  type PoolMember,
} from '../../vcd/alb.ts';
import { VcdError } from '../../vcd/errors.ts';
import { findResource, PhaseFailure, recordCreated, recordIntent, type ClusterScope } from '../scope.ts';

export interface LoadBalancerRequest {
  poolName: string;
  virtualServiceName: string;
  vip: string;
  port: number;
  /** Port of the members (defaults to `port`). */
  memberPort?: number;
  /** Member IPs; undefined leaves the members to someone else (CAPVCD fills the control-plane pool). */
  members?: string[];
  purpose: string;
}

export async function ensureLoadBalancer(scope: ClusterScope, request: LoadBalancerRequest): Promise<void> {
  const gateway = scope.gateway!;
  const gatewayRef = { id: gateway.id, name: gateway.name };
  const memberPort = request.memberPort ?? request.port;
  const members: PoolMember[] | undefined = request.members?.map((ipAddress) => ({
    ipAddress,
    port: memberPort,
    ratio: 1,
    enabled: true,
  }));

  // Pool.
  let pool = findResource(scope.status, 'loadBalancerPool', request.poolName);
  if (!pool || pool.id === request.poolName) {
    const existing = await findPool(scope.tenant, gateway.id, request.poolName);
    pool = await recordIntent(scope, {
      type: 'loadBalancerPool',
      id: request.poolName,
      name: request.poolName,
      parentId: gateway.id,
      purpose: request.purpose,
    });
    const id =
      existing?.id ??
      (await createPool(
        scope.tenant,
        {
          name: request.poolName,
          gatewayRef,
          enabled: true,
          algorithm: 'ROUND_ROBIN',
          defaultPort: memberPort,
          gracefulTimeoutPeriod: 0,
          healthMonitors: [{ type: 'TCP' }],
          members: members ?? [],
        },
        scope.taskWait,
      ));
    await recordCreated(scope, pool, { id });
  } else if (members) {
    const current = await getPool(scope.tenant, pool.id);
    const have = (current?.members ?? [])
      .map((member) => `${member.ipAddress}:${member.port}`)
      .sort()
      .join(',');
    const want = members
      .map((member) => `${member.ipAddress}:${member.port}`)
      .sort()
      .join(',');
    if (current && have !== want) await updatePool(scope.tenant, { ...current, members }, scope.taskWait);
  }

  // Virtual service.
  let service = findResource(scope.status, 'virtualService', request.virtualServiceName);
  if (service && service.id !== request.virtualServiceName) return;
  const existing = await findVirtualService(scope.tenant, gateway.id, request.virtualServiceName);
  service = await recordIntent(scope, {
    type: 'virtualService',
    id: request.virtualServiceName,
    name: request.virtualServiceName,
    parentId: gateway.id,
    ip: request.vip,
    purpose: request.purpose,
  });
  if (existing) {
    await recordCreated(scope, service, { id: existing.id });
    return;
  }
  const seg = segWithCapacity(await segAssignments(scope.tenant, gateway.id));
  if (!seg) {
    throw new PhaseFailure(
      'ServiceEngineCapacity',
      `No service engine group assigned to edge gateway "${gateway.name}" has room for another virtual service.`,
      'Delete unused virtual services or ask your provider for more service engine capacity, then retry.',
    );
  }
  try {
    const id = await createVirtualService(
      scope.tenant,
      {
        name: request.virtualServiceName,
        enabled: true,
        applicationProfile: { type: 'L4', systemDefined: true, name: 'System-L4-Application' },
        gatewayRef,
        loadBalancerPoolRef: { id: pool.id, name: request.poolName },
        serviceEngineGroupRef: seg.serviceEngineGroupRef,
        servicePorts: [
          {
            portStart: request.port,
            sslEnabled: false,
            tcpUdpProfile: { type: 'TCP_PROXY', systemDefined: true },
          },
        ],
        virtualIpAddress: request.vip,
      },
      scope.taskWait,
    );
    await recordCreated(scope, service, { id });
  } catch (error) {
    // Only our status writes send If-Match: a 412 means someone else wrote the entity (read again), not a refusal.
    if (error instanceof VcdError && error.status === 412) throw error;
    if (error instanceof VcdError && error.status >= 400 && error.status < 500) {
      throw new PhaseFailure(
        'LoadBalancerRefused',
        `The load balancer refused virtual service ${request.virtualServiceName} on ${request.vip}:${request.port}: ${error.message}`,
      );
    }
    throw error;
  }
}
