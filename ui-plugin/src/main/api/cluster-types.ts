import type { ClusterSpec, FieldError } from '@cse/cluster-spec-rules';

/** The wire shapes of `/api/cse/v1/clusters` (docs/api.md), as the plugin reads them. */

export const clusterPhases = ['Pending', 'Provisioning', 'Ready', 'Updating', 'Deleting', 'Failed'] as const;
export type ClusterPhase = (typeof clusterPhases)[number];

export interface ClusterEvent {
  time: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface NodePoolStatus {
  name: string;
  desired: number;
  ready: number;
}

/** A node of the workload cluster (`status.nodes`, written when the cluster becomes Ready). */
export interface ClusterNode {
  name: string;
  role: 'control-plane' | 'worker';
  /** `control-plane`, the worker pool, or null when the node's name matches no pool. */
  pool: string | null;
  ip: string;
  ready: boolean;
  kubernetesVersion: string | null;
  /** `urn:vcloud:vm:<uuid>` of the VCD VM behind the node. */
  vmId: string | null;
}

export interface ClusterStatus {
  phase?: ClusterPhase;
  message?: string;
  operation?: { name: string; step?: string; startedAt?: string; stepStartedAt?: string };
  bootstrap?: { phase?: string; status?: 'succeeded' | 'failed'; message?: string; reportedAt?: string };
  endpoints?: {
    controlPlane?: { host: string; port: number };
    ingress?: { host: string; ports?: number[] };
  };
  nodePools?: NodePoolStatus[];
  nodes?: ClusterNode[];
  versions?: { kubernetes?: string; tkg?: string; template?: string };
  events?: ClusterEvent[];
}

/** One line of `GET /api/cse/v1/clusters` (docs/api.md `ClusterSummary`); fields not known yet are null. */
export interface ClusterSummary {
  id: string;
  name: string;
  org?: { id?: string; name: string } | null;
  owner?: { id?: string; name: string } | null;
  vdc?: string | null;
  phase?: ClusterPhase | null;
  kubernetesVersion?: string | null;
  tkgVersion?: string | null;
  controlPlaneEndpoint?: string | null;
  ingressEndpoint?: string | null;
  /** Summed over every pool, the control plane included. */
  nodePools?: { ready: number; desired: number } | null;
  createdAt?: string | null;
}

/** `GET /api/cse/v1/clusters/{id}`: the summary plus the desired and observed state. */
export interface Cluster extends ClusterSummary {
  spec: ClusterSpec;
  status: ClusterStatus;
}

/** `GET …/{id}`: the cluster with its desired and observed state (`status.nodes` once it is Ready). */
export type ClusterDetail = Cluster;

/** VCD's paged collection body. */
export interface Page<T> {
  resultTotal: number;
  pageCount: number;
  page: number;
  pageSize: number;
  values: T[];
}

/** A Kubernetes template published to the organisation (`GET /api/cse/v1/templates`). */
export interface KubernetesTemplate {
  name: string;
  kubernetesVersion?: string;
  tkgVersion?: string;
  /** `supported`, `deprecated`, `expired`…: where the template is in its provider-set lifecycle. */
  lifecycle?: string;
  expiresAt?: string | null;
  description?: string;
  /** False when no cluster can be built from it; `unusableReason` says why. */
  usable?: boolean;
  unusableReason?: string | null;
}

/** `POST /api/cse/v1/clusters`: the spec plus the owner's VCD API token. */
export type ClusterCreateRequest = ClusterSpec & { apiToken: string; apiTokenId?: string };

export interface ClusterCreated {
  id: string;
}

/** The error body of the API: VCD's `{minorErrorCode, message}`, with field errors for a refused spec. */
export interface ApiErrorBody {
  minorErrorCode?: string;
  message?: string;
  errors?: FieldError[];
}
