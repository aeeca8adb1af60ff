import type { ClusterSummary } from '../../api/cluster-types';
import { type ClusterRow, clusterRow } from '../../clusters/list/cluster-row';

/** A line of the provider's cluster list: the tenant list's row plus the organisation that owns the cluster. */
export interface ProviderClusterRow extends ClusterRow {
  org: string;
}

export function providerClusterRow(cluster: ClusterSummary): ProviderClusterRow {
  return { ...clusterRow(cluster), org: cluster.org?.name ?? '' };
}
