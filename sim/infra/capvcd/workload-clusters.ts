import type { JsonObject } from '../../world/json.ts';
import { defineSlice } from '../../world/slices.ts';

/** One VM CAPVCD made for a Machine (control plane or a MachineDeployment's worker). */
export interface WorkloadMachine {
  vmId: string;
  /** VM name = Machine name = node name. */
  name: string;
  role: 'control-plane' | 'worker';
  /** KubeadmControlPlane or MachineDeployment name. */
  group: string;
  ip: string;
  version: string;
}

/** A KubeadmControlPlane or MachineDeployment as CAPVCD provisions it. */
export interface WorkloadMachineGroup {
  name: string;
  role: 'control-plane' | 'worker';
  replicas: number;
  version: string;
  templateId: string;
  sizingPolicyId: string | null;
  storageProfileId: string | null;
  diskSizeMb: number | null;
}

/** Where the cluster's Kubernetes API listens, and how to reach it (restored after a restart). */
export interface WorkloadKubeApi {
  url: string;
  port: number;
  token: string;
  kubeconfig: string;
}

/**
 * A workload cluster the emulated CAPVCD built: its vApp and VMs, the control-plane pool it
 * adopted, its Kubernetes API. Part of the world (saved with the state file, shown by
 * `/sim/state` under `slices.workloadClusters`); deleting the vApp tears it down.
 */
export interface WorkloadCluster {
  clusterId: string;
  clusterName: string;
  namespace: string;
  orgId: string;
  vdcId: string;
  networkId: string;
  gatewayId: string | null;
  vAppId: string;
  /** `<cluster>-<rdeId>-tcp`, adopted on the gateway (null until the control plane exists). */
  controlPlanePoolId: string | null;
  controlPlanePoolName: string;
  /** Port of the API server behind the pool (members listen on it). */
  controlPlanePort: number;
  controlPlane: WorkloadMachineGroup;
  workerPools: WorkloadMachineGroup[];
  machines: WorkloadMachine[];
  kubeApi: WorkloadKubeApi | null;
  /** Cluster API runs inside the workload cluster: later changes there are reconciled. */
  pivoted: boolean;
  /** The moved Cluster API objects, to put back into a re-created API server after a restart. */
  capiObjects: JsonObject[];
  /**
   * The nodes follow kubelet's add-on rules (NotReady until a CNI runs). Absent in worlds saved before the rule
   * existed: their nodes keep the network they had.
   */
  nodesNeedCni?: boolean;
  /** The manifest's kubelets run with `cloud-provider: external` (nodes wait for the CPI). */
  externalCloudProvider?: boolean;
  /** The add-on objects the bootstrap applied (CNI, CPI, CSI), put back after a restart like `capiObjects`. */
  addonObjects?: JsonObject[];
  /**
   * kubeadm's error on the control-plane machines (an image the registry does not have): they boot but never
   * become nodes. Absent or null while there is none.
   */
  kubeadmFailure?: string | null;
  createdAt: string;
}

export interface WorkloadClustersState {
  /** By cluster id. */
  clusters: Record<string, WorkloadCluster>;
}

export const workloadClustersSlice = defineSlice('workloadClusters', (): WorkloadClustersState => ({
  clusters: {},
}));
