import type { Cluster, ClusterPhase } from '../../api/cluster-types';
import type { ClusterListQuery, ClusterSortField } from '../../api/cse-api';

/** One line of the cluster list, ready to show. */
export interface ClusterRow {
  id: string;
  name: string;
  phase: ClusterPhase | undefined;
  kubernetesVersion: string;
  controlPlaneEndpoint: string;
  ingressEndpoint: string;
  /** `ready/desired` over all worker pools, or empty before the worker reports pools. */
  nodes: string;
  /** Per pool, `name ready/desired`, for the cell's title. */
  nodesByPool: string;
  orgVdc: string;
  owner: string;
  createdAt: string;
}

export function clusterRow(cluster: Cluster): ClusterRow {
  const status = cluster.status ?? {};
  const pools = status.nodePools ?? [];
  const controlPlane = status.endpoints?.controlPlane;
  const ingress = status.endpoints?.ingress;
  const ready = pools.reduce((sum, pool) => sum + pool.ready, 0);
  const desired = pools.reduce((sum, pool) => sum + pool.desired, 0);
  return {
    id: cluster.id,
    name: cluster.name ?? cluster.spec?.name ?? cluster.id,
    phase: status.phase,
    kubernetesVersion: status.versions?.kubernetes ?? '',
    controlPlaneEndpoint: controlPlane ? `https://${controlPlane.host}:${controlPlane.port}` : '',
    ingressEndpoint: ingress ? ingress.host : '',
    nodes: pools.length ? `${ready}/${desired}` : '',
    nodesByPool: pools.map((pool) => `${pool.name} ${pool.ready}/${pool.desired}`).join(', '),
    orgVdc: cluster.spec?.orgVdc ?? '',
    owner: cluster.owner?.name ?? '',
    createdAt: cluster.createdAt ?? '',
  };
}

/** The part of Clarity's datagrid state the list sends to the API. */
export interface GridState {
  page?: { current?: number; size?: number };
  sort?: { by: unknown; reverse: boolean };
  filters?: { property?: unknown; value?: unknown }[];
}

const sortable: readonly ClusterSortField[] = [
  'name',
  'phase',
  'orgVdc',
  'owner',
  'createdAt',
  'kubernetesVersion',
];

/** Turns the datagrid's paging, sorting and column filters (plus the phase select) into an API query. */
export function listQueryOf(
  state: GridState,
  phase: ClusterPhase | undefined,
  defaultPageSize = 10,
): ClusterListQuery {
  const query: ClusterListQuery = {
    page: Math.max(1, state.page?.current ?? 1),
    pageSize: state.page?.size || defaultPageSize,
  };
  const by = state.sort?.by;
  if (typeof by === 'string' && (sortable as readonly string[]).includes(by)) {
    query.sort = { by: by as ClusterSortField, reverse: state.sort!.reverse };
  }
  for (const filter of state.filters ?? []) {
    if (typeof filter.value !== 'string' || !filter.value.trim()) continue;
    if (filter.property === 'name') query.name = filter.value;
    if (filter.property === 'orgVdc') query.vdc = filter.value;
  }
  if (phase) query.phase = phase;
  return query;
}
