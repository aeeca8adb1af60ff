/**
 * The read side of clusters: `GET /api/cse/v1/clusters` (one page of our cluster RDEs, read through VCD at the
 * moment of the request: no cache another replica's write could make stale) and `GET /api/cse/v1/clusters/{id}`.
 * VCD scopes what the caller sees; the worker checks the org of every entity again before showing it.
 */
import {
  CLUSTER_ENTITY_ID_PREFIX,
  CLUSTER_NSS,
  CLUSTER_TYPE_VERSION,
  CLUSTER_VENDOR,
} from '../../behaviours/index.ts';
import { clusterPhases, type ClusterEntity } from '../clusters/spec.ts';
import { and, eq, matches, type Fiql } from '../vcd/fiql.ts';
import { MAX_PAGE_SIZE } from '../vcd/paging.ts';
import { getEntity, listEntities, type RdeEntity } from '../vcd/rde.ts';
import { assertVisible } from './auth.ts';
import { clusterDetail, clusterSummary, type ClusterSummary } from './cluster-view.ts';
import { callerVcd, type ApiDependencies } from './dependencies.ts';
import { ApiError } from './errors.ts';
import type { QueryParameter } from './query.ts';
import type { ApiResult, RouteContext } from './route.ts';

export const clusterType = { vendor: CLUSTER_VENDOR, nss: CLUSTER_NSS, version: CLUSTER_TYPE_VERSION };
const clusterTypePrefix = `urn:vcloud:type:${CLUSTER_VENDOR}:${CLUSTER_NSS}:`;
export const clusterIdPattern = new RegExp(
  `^${CLUSTER_ENTITY_ID_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$`,
);

/** API sort keys → the entity's fields as VCD sorts them. */
const sortFields: Record<string, string> = {
  name: 'name',
  phase: 'entity.status.phase',
  vdc: 'entity.spec.orgVdc',
  createdAt: 'creationDate',
};
const sortValues = Object.keys(sortFields).flatMap((key) => [key, `-${key}`]);

export const clusterListQuery: readonly QueryParameter[] = [
  {
    name: 'page',
    kind: 'integer',
    minimum: 1,
    maximum: 1_000_000,
    default: 1,
    description: 'Page number, from 1.',
  },
  {
    name: 'pageSize',
    kind: 'integer',
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: 25,
    description: `Clusters per page, at most ${MAX_PAGE_SIZE}.`,
  },
  {
    name: 'name',
    kind: 'string',
    maxLength: 64,
    pattern: /^[a-z0-9*-]+$/,
    patternHint: 'may hold lower-case letters, digits, "-" and "*" (any run of characters)',
    description: 'Cluster name; `*` matches any run of characters (`web-*`).',
  },
  { name: 'phase', kind: 'enum', values: clusterPhases, description: 'Only clusters in this phase.' },
  {
    name: 'vdc',
    kind: 'string',
    maxLength: 128,
    description: 'Only clusters in this organisation VDC (by name).',
  },
  {
    name: 'org',
    kind: 'string',
    maxLength: 128,
    description: 'Provider only: only clusters of this organisation (by name). Tenants always see their own.',
  },
  {
    name: 'sort',
    kind: 'enum',
    values: sortValues,
    default: 'name',
    description: 'Sort key; a leading `-` sorts descending.',
  },
];

export interface ClusterPage {
  resultTotal: number;
  pageCount: number;
  page: number;
  pageSize: number;
  values: ClusterSummary[];
}

function isOurs(entity: RdeEntity<ClusterEntity>): boolean {
  return entity.entityType?.startsWith(clusterTypePrefix) ?? entity.id.startsWith(CLUSTER_ENTITY_ID_PREFIX);
}

export async function listClusters(dependencies: ApiDependencies, context: RouteContext): Promise<ApiResult> {
  const { principal, query } = context;
  if (query['org'] !== undefined && !principal.isProvider) {
    throw new ApiError('invalidQueryParameter', {
      parameter: 'org',
      reason: 'is available to providers only',
    });
  }
  const sort = String(query['sort']);
  const descending = sort.startsWith('-');
  const sortField = sortFields[descending ? sort.slice(1) : sort]!;
  const filters: (Fiql | undefined)[] = [
    // The explicit org filter makes the service account path as narrow as the caller's own view.
    principal.isProvider ? undefined : eq('org.id', principal.orgId),
    query['org'] !== undefined ? eq('org.name', String(query['org'])) : undefined,
    query['name'] !== undefined ? matches('name', String(query['name'])) : undefined,
    query['phase'] !== undefined ? eq('entity.status.phase', String(query['phase'])) : undefined,
    query['vdc'] !== undefined ? eq('entity.spec.orgVdc', String(query['vdc'])) : undefined,
  ];
  const page = await listEntities<ClusterEntity>(callerVcd(dependencies, principal), clusterType, {
    page: Number(query['page']),
    pageSize: Number(query['pageSize']),
    filter: and(...filters),
    sortAsc: descending ? undefined : sortField,
    sortDesc: descending ? sortField : undefined,
  });
  const visible = page.values.filter((entity) => {
    const ok = isOurs(entity) && (principal.isProvider || entity.org?.id === principal.orgId);
    if (!ok) {
      dependencies.logger?.warn(
        { entity: entity.id, org: entity.org?.id, caller: principal.orgId },
        'VCD listed an entity outside the caller organisation; left out',
      );
    }
    return ok;
  });
  const body: ClusterPage = {
    resultTotal: page.resultTotal,
    pageCount: page.pageCount,
    page: page.page,
    pageSize: page.pageSize,
    values: visible.map(clusterSummary),
  };
  return { status: 200, body };
}

export async function getCluster(dependencies: ApiDependencies, context: RouteContext): Promise<ApiResult> {
  const id = context.params['id']!;
  const notFound = { name: 'clusterNotFound' as const, parameters: { id } };
  if (!clusterIdPattern.test(id)) throw new ApiError(notFound.name, notFound.parameters);
  const found = await getEntity<ClusterEntity>(callerVcd(dependencies, context.principal), id);
  if (!found || !isOurs(found.entity)) throw new ApiError(notFound.name, notFound.parameters);
  assertVisible(context.principal, found.entity.org?.id, notFound);
  return { status: 200, body: clusterDetail(found.entity), headers: found.etag ? { ETag: found.etag } : {} };
}
