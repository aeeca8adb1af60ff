import type { Ref } from './json.ts';
import { defineSlice } from './slices.ts';

/** Realisation state of an ALB object, as VCD shows it in summaries (`status`). */
export type RealizationStatus = 'PENDING' | 'REALIZED' | 'REALIZATION_FAILED';

export interface AlbPoolMember {
  ipAddress: string;
  port: number | null;
  ratio: number;
  enabled: boolean;
}

export interface AlbHealthMonitor {
  type: 'HTTP' | 'HTTPS' | 'TCP' | 'UDP' | 'PING';
  name: string | null;
  systemDefined: boolean;
}

/** `loadBalancer/pools/{id}` (NsxtAlbPool) without its read-only, computed fields. */
export interface AlbPool {
  id: string;
  name: string;
  description: string;
  gatewayRef: Ref;
  orgId: string;
  enabled: boolean;
  algorithm: string;
  defaultPort: number | null;
  gracefulTimeoutPeriod: number;
  passiveMonitoringEnabled: boolean;
  healthMonitors: AlbHealthMonitor[];
  members: AlbPoolMember[];
  persistenceProfile: { type: string; value?: string; name?: string } | null;
  sslEnabled: boolean;
  commonNameCheckEnabled: boolean;
  domainNames: string[];
  caCertificateRefs: Ref[];
  status: RealizationStatus;
}

export interface AlbServicePort {
  portStart: number;
  portEnd: number | null;
  sslEnabled: boolean;
  tcpUdpProfile: { type: 'TCP_PROXY' | 'TCP_FAST_PATH' | 'UDP_FAST_PATH'; systemDefined: boolean } | null;
}

/** `loadBalancer/virtualServices/{id}` (NsxtAlbVirtualService) without read-only fields. */
export interface AlbVirtualService {
  id: string;
  name: string;
  description: string;
  gatewayRef: Ref;
  orgId: string;
  enabled: boolean;
  applicationProfile: { type: 'HTTP' | 'HTTPS' | 'L4' | 'L4_TLS'; systemDefined: boolean; name?: string };
  loadBalancerPoolRef: Ref;
  serviceEngineGroupRef: Ref;
  certificateRef: Ref | null;
  servicePorts: AlbServicePort[];
  virtualIpAddress: string;
  status: RealizationStatus;
}

export interface LoadBalancerState {
  pools: Record<string, AlbPool>;
  virtualServices: Record<string, AlbVirtualService>;
}

export const loadBalancerSlice = defineSlice('loadBalancer', (): LoadBalancerState => ({
  pools: {},
  virtualServices: {},
}));
