import type { HttpTestingController } from '@angular/common/http/testing';
import type { Cluster, ClusterNode, ClusterPhase, Page } from '../main/api/cluster-types';

/** Canned VCD and CSE API answers for specs, shaped like the simulator's. */
export const api = 'https://vcd.example.test';

export const vdc = { id: 'urn:vcloud:vdc:1111', name: 'acme-vdc' };
export const networks = [
  {
    id: 'urn:vcloud:network:a',
    name: 'acme-k8s-net',
    orgVdc: vdc,
    connection: { routerRef: { id: 'urn:vcloud:gateway:alb', name: 'acme-edge-ipspace' } },
    subnets: { values: [{ gateway: '10.10.1.1', prefixLength: 24 }] },
  },
  {
    id: 'urn:vcloud:network:b',
    name: 'acme-plain-net',
    orgVdc: vdc,
    connection: { routerRef: { id: 'urn:vcloud:gateway:noalb', name: 'acme-edge-noalb' } },
    subnets: { values: [{ gateway: '10.10.3.1', prefixLength: 24 }] },
  },
];
export const templates = [
  {
    name: 'ubuntu-2204-kube-v1.28.11',
    kubernetesVersion: 'v1.28.11',
    tkgVersion: 'v2.5.2',
    lifecycle: 'supported',
  },
  {
    name: 'ubuntu-2204-kube-v1.26.8',
    kubernetesVersion: 'v1.26.8',
    tkgVersion: 'v2.3.1',
    lifecycle: 'deprecated',
  },
];

export function page<T>(values: T[], total = values.length, pageNumber = 1, pageSize = 128): Page<T> {
  return {
    resultTotal: total,
    pageCount: Math.max(1, Math.ceil(total / pageSize)),
    page: pageNumber,
    pageSize,
    values,
  };
}

const path = (url: string) => url.split('?')[0];

/**
 * Answers `GET /cloudapi/1.0.0/sessions/current/rights?filter=name==…` from the session's right names; `null`: VCD
 * will not say (500).
 */
export function flushSessionRights(http: HttpTestingController, rights: string[] | null): void {
  const request = http.expectOne((r) => path(r.url) === `${api}/cloudapi/1.0.0/sessions/current/rights`);
  if (rights === null) {
    request.flush({ minorErrorCode: 'INTERNAL_SERVER_ERROR' }, { status: 500, statusText: 'Server Error' });
    return;
  }
  const wanted = /^name==(.*)$/.exec(request.request.params.get('filter') ?? '')?.[1];
  const held = rights.filter((name) => wanted === undefined || name === wanted);
  request.flush(page(held.map((name, index) => ({ id: `urn:vcloud:right:${index}`, name }))));
}

/** Answers the requests the wizard makes when it opens: VDCs, templates and the session's rights. */
export function flushWizardStart(
  http: HttpTestingController,
  rights: string[] | null = ['API Tokens: Manage', 'Organization vDC: View'],
): void {
  http.expectOne((r) => path(r.url) === `${api}/cloudapi/1.0.0/vdcs`).flush(page([vdc]));
  http.expectOne(`${api}/api/cse/v1/templates`).flush(templates);
  flushSessionRights(http, rights);
}

/** Answers the requests for a VDC's policies, profiles, networks and their gateways' load balancers. */
export function flushVdcOptions(http: HttpTestingController): void {
  http
    .expectOne(
      (r) => path(r.url) === `${api}/cloudapi/2.0.0/vdcs/${encodeURIComponent(vdc.id)}/computePolicies`,
    )
    .flush(
      page([
        { id: 'p0', name: 'System Default', cpuCount: null, memory: null },
        { id: 'p1', name: 'TKG small', isSizingOnly: true, cpuCount: 2, memory: 4096 },
        { id: 'p2', name: 'TKG medium', isSizingOnly: true, cpuCount: 2, memory: 8192 },
      ]),
    );
  http
    .expectOne(
      (r) =>
        path(r.url) === `${api}/cloudapi/1.0.0/orgVdcStoragePolicies` &&
        r.params.get('filter') === `orgVdcRef.id==${vdc.id}`,
    )
    .flush(
      page([
        {
          id: 'urn:vcloud:vdcstorageProfile:s1',
          name: 'gold-storage-policy',
          isEnabled: true,
          isDefaultStoragePolicy: true,
          storageLimitMb: 1048576,
          orgVdcRef: vdc,
        },
      ]),
    );
  http.expectOne((r) => path(r.url) === `${api}/cloudapi/1.0.0/orgVdcNetworks`).flush(page(networks));
  http
    .expectOne(`${api}/cloudapi/1.0.0/edgeGateways/urn%3Avcloud%3Agateway%3Aalb/loadBalancer`)
    .flush({ enabled: true });
  http
    .expectOne(`${api}/cloudapi/1.0.0/edgeGateways/urn%3Avcloud%3Agateway%3Anoalb/loadBalancer`)
    .flush({ enabled: false });
}

/** A node as `status.nodes` reports it (the VM id derived from the address, so each node's differs). */
export function clusterNode(name: string, pool: string, ip: string, ready: boolean): ClusterNode {
  const last = ip.split('.').at(-1)!.padStart(12, '0');
  return {
    name,
    role: pool === 'control-plane' ? 'control-plane' : 'worker',
    pool,
    ip,
    ready,
    kubernetesVersion: 'v1.28.11+vmware.2',
    vmId: `urn:vcloud:vm:00000000-0000-4000-8000-${last}`,
  };
}

export function cluster(name: string, phase: ClusterPhase, extra: Partial<Cluster> = {}): Cluster {
  const ready = phase === 'Ready';
  return {
    id: `urn:vcloud:entity:cseoss:k8scluster:${name}`,
    name,
    owner: { name: 'acme-author' },
    createdAt: '2026-11-25T10:00:00Z',
    vdc: 'acme-vdc',
    phase,
    kubernetesVersion: ready ? 'v1.28.11+vmware.2' : null,
    controlPlaneEndpoint: ready ? 'https://203.0.113.10:6443' : null,
    ingressEndpoint: ready ? '203.0.113.11' : null,
    nodePools: { ready: ready ? 3 : 0, desired: 3 },
    spec: {
      name,
      orgVdc: 'acme-vdc',
      network: 'acme-k8s-net',
      template: templates[0]!.name,
      controlPlane: { count: 1, diskGiB: 20 },
      workerPools: [{ name: 'workers', count: 2, diskGiB: 20 }],
    },
    status: {
      phase,
      ...(phase === 'Ready'
        ? {
            versions: { kubernetes: 'v1.28.11+vmware.2', tkg: 'v2.5.2' },
            endpoints: {
              controlPlane: { host: '203.0.113.10', port: 6443 },
              ingress: { host: '203.0.113.11' },
            },
            nodePools: [
              { name: 'control-plane', desired: 1, ready: 1 },
              { name: 'workers', desired: 2, ready: 2 },
            ],
            nodes: [
              clusterNode(`${name}-control-plane-k7x2q`, 'control-plane', '10.10.1.20', true),
              clusterNode(`${name}-workers-5d8f7c9a1b-x2k4p`, 'workers', '10.10.1.21', true),
              clusterNode(`${name}-workers-5d8f7c9a1b-m3n8r`, 'workers', '10.10.1.22', false),
            ],
          }
        : {}),
    },
    ...extra,
  };
}
