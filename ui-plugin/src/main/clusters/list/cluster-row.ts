import type { ClusterPhase, ClusterSummary } from '../../api/cluster-types';
import type { ClusterListQuery, ClusterSortField } from '../../api/cse-api';

/** One line of the cluster list, ready to show. */
export interface ClusterRow {
  id: string;
  name: string;
  phase: ClusterPhase | undefined;
  kubernetesVersion: string;
  controlPlaneEndpoint: string;
  ingressEndpoint: string;
  /** `ready/desired` over all pools (the control plane included), or empty while unknown. */
  nodes: string;
  orgVdc: string;
  owner: string;
  createdAt: string;
}

export function clusterRow(cluster: ClusterSummary): ClusterRow {
  const pools = cluster.nodePools;
  return {
    id: cluster.id,
    name: cluster.name,
    phase: cluster.phase ?? undefined,
    kubernetesVersion: cluster.kubernetesVersion ?? '',
    controlPlaneEndpoint: cluster.controlPlaneEndpoint ?? '',
    ingressEndpoint: cluster.ingressEndpoint ?? '',
    nodes: pools ? `${pools.ready}/${pools.desired}` : '',
    orgVdc: cluster.vdc ?? '',
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

const sortable: readonly ClusterSortField[] = ['name', 'phase', 'vdc', 'createdAt'];

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
    if (filter.property === 'vdc') query.vdc = filter.value;
  }
  if (phase) query.phase = phase;
  return query;
}
