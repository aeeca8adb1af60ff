/**
 * What the API shows of a cluster RDE: a summary for lists and the full cluster (spec and status) for GET by id.
 * Built field by field from the entity, so the secure `private` section (kubeconfig, tokens, bootstrap secret) can
 * never leak through, whatever VCD returns.
 */
import type { ClusterEntity, ClusterPhase, ClusterStatus, CompleteClusterSpec } from '../clusters/spec.ts';
import type { RdeEntity } from '../vcd/rde.ts';
import type { JsonSchema } from './route.ts';

export interface Reference {
  id: string;
  name: string;
}

export interface ClusterSummary {
  id: string;
  name: string;
  org: Reference;
  owner: Reference;
  vdc: string;
  phase: ClusterPhase;
  kubernetesVersion: string | null;
  tkgVersion: string | null;
  /** `https://<host>:<port>` of the Kubernetes API once reserved. */
  controlPlaneEndpoint: string | null;
  /** Virtual IP of the ingress once created. */
  ingressEndpoint: string | null;
  nodePools: { ready: number; desired: number };
  createdAt: string | null;
}

export interface ClusterDetail extends ClusterSummary {
  spec: CompleteClusterSpec;
  status: Omit<ClusterStatus, never>;
}

function reference(ref: { id?: string; name?: string } | undefined): Reference {
  return { id: ref?.id ?? '', name: ref?.name ?? '' };
}

function desiredCount(spec: CompleteClusterSpec | undefined): number {
  if (!spec) return 0;
  return (
    (spec.controlPlane?.count ?? 0) +
    (spec.workerPools ?? []).reduce((sum, pool) => sum + (pool.count ?? 0), 0)
  );
}

export function clusterSummary(rde: RdeEntity<ClusterEntity>): ClusterSummary {
  const spec = rde.entity?.spec;
  const status = rde.entity?.status ?? {};
  const pools = status.nodePools ?? [];
  const controlPlane = status.endpoints?.controlPlane;
  return {
    id: rde.id,
    name: spec?.name ?? rde.name,
    org: reference(rde.org),
    owner: reference(rde.owner),
    vdc: spec?.orgVdc ?? '',
    phase: status.phase ?? 'Pending',
    kubernetesVersion: status.versions?.kubernetes ?? null,
    tkgVersion: status.versions?.tkg ?? null,
    controlPlaneEndpoint: controlPlane ? `https://${controlPlane.host}:${controlPlane.port}` : null,
    ingressEndpoint: status.endpoints?.ingress?.host ?? null,
    nodePools: {
      ready: pools.reduce((sum, pool) => sum + pool.ready, 0),
      desired: pools.length > 0 ? pools.reduce((sum, pool) => sum + pool.desired, 0) : desiredCount(spec),
    },
    createdAt: rde.creationDate ?? null,
  };
}

const statusKeys: readonly (keyof ClusterStatus)[] = [
  'phase',
  'message',
  'conditions',
  'operation',
  'bootstrap',
  'endpoints',
  'nodePools',
  'nodes',
  'versions',
  'resources',
  'events',
];

export function clusterDetail(rde: RdeEntity<ClusterEntity>): ClusterDetail {
  const status: ClusterStatus = {};
  const source = (rde.entity?.status ?? {}) as Record<string, unknown>;
  for (const key of statusKeys) {
    if (source[key] !== undefined) (status as Record<string, unknown>)[key] = source[key];
  }
  return { ...clusterSummary(rde), spec: rde.entity?.spec, status };
}

// Schemas for the OpenAPI document -----------------------------------------------------------------------------

const referenceSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'name'],
  properties: { id: { type: 'string' }, name: { type: 'string' } },
};

export const clusterSummarySchema: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'org', 'owner', 'vdc', 'phase', 'nodePools'],
  properties: {
    id: { type: 'string', description: 'RDE id, urn:vcloud:entity:cseoss:k8scluster:<uuid>' },
    name: { type: 'string' },
    org: referenceSchema,
    owner: referenceSchema,
    vdc: { type: 'string', description: 'Organisation VDC name' },
    phase: { type: 'string', enum: ['Pending', 'Provisioning', 'Ready', 'Updating', 'Deleting', 'Failed'] },
    kubernetesVersion: { type: ['string', 'null'] },
    tkgVersion: { type: ['string', 'null'] },
    controlPlaneEndpoint: { type: ['string', 'null'], description: 'https://<vip>:<port>' },
    ingressEndpoint: { type: ['string', 'null'], description: 'Ingress virtual IP' },
    nodePools: {
      type: 'object',
      required: ['ready', 'desired'],
      properties: { ready: { type: 'integer' }, desired: { type: 'integer' } },
    },
    createdAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

/** `status.nodes`: written by workers that know it; the entity type accepts it as a field added later. */
const clusterNodesSchema: JsonSchema = {
  type: 'array',
  description: 'Each node of the workload cluster as the worker saw it when the cluster became Ready.',
  items: {
    type: 'object',
    required: ['name', 'role', 'pool', 'ip', 'ready', 'kubernetesVersion', 'vmId'],
    properties: {
      name: { type: 'string' },
      role: { type: 'string', enum: ['control-plane', 'worker'] },
      pool: { type: ['string', 'null'], description: 'control-plane, the worker pool, or null when unknown' },
      ip: { type: 'string', description: 'InternalIP' },
      ready: { type: 'boolean' },
      kubernetesVersion: { type: ['string', 'null'], description: "The kubelet's version" },
      vmId: { type: ['string', 'null'], description: 'urn:vcloud:vm:<uuid> of the VCD VM behind the node' },
    },
  },
};

export function clusterDetailSchema(specSchema: JsonSchema, statusSchema: JsonSchema): JsonSchema {
  const statusProperties = (statusSchema['properties'] as Record<string, JsonSchema> | undefined) ?? {};
  return {
    allOf: [
      { $ref: '#/components/schemas/ClusterSummary' },
      {
        type: 'object',
        required: ['spec', 'status'],
        properties: {
          spec: specSchema,
          status: { ...statusSchema, properties: { ...statusProperties, nodes: clusterNodesSchema } },
        },
      },
    ],
  };
}
