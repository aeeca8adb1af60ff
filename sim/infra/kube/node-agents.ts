import type { ClusterObjects } from './cluster-objects.ts';
import type { KubeObject } from './objects.ts';
import { objectAt, timestamp } from './objects.ts';
import type { Taint } from './scheduling.ts';
import { isPodReady } from './service-network.ts';

/**
 * What a node's kubelet and the cloud provider's node controller decide after registration:
 *
 * - **Network.** A kubelet reports `Ready=False` while the container runtime's network is not ready, i.e. no CNI
 *   configuration exists yet (kubernetes `pkg/kubelet/kubelet_node_status.go` / containerd's CRI status:
 *   `NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not
 *   initialized`). The CNI's agent writes that configuration on each node: here, a Ready pod of Antrea's agent
 *   DaemonSet on the node (Antrea `build/yamls/antrea.yml`: `antrea-agent` in `kube-system`, labels `app: antrea`,
 *   `component: antrea-agent`; guessed label match, check against the release manifest in use). Only nodes
 *   registered with `cniRequired` follow this (the emulated CAPVCD's kubeadm nodes); others come with a network.
 * - **Cloud provider.** A kubelet with `cloud-provider: external` registers its node with the taint
 *   `node.cloudprovider.kubernetes.io/uninitialized=true:NoSchedule` and no `spec.providerID` (kubernetes
 *   `staging/src/k8s.io/cloud-provider/api/well_known_taints.go`); the cloud node controller of the CPI
 *   (cloud-provider-for-cloud-director's `vmware-cloud-director-ccm` Deployment, label
 *   `app: vmware-cloud-director-ccm`) sets `providerID` (`vmware-cloud-director://<vm uuid>`, CPI
 *   `pkg/ccm/common.go` `getProviderIDFromUUID`, `ProviderName` in `pkg/ccm/cloud.go`) and removes the taint
 *   (`cloud-provider/controllers/node/node_controller.go`).
 */

export const UNINITIALIZED_TAINT: Taint = {
  key: 'node.cloudprovider.kubernetes.io/uninitialized',
  value: 'true',
  effect: 'NoSchedule',
};

export const NETWORK_NOT_READY_MESSAGE =
  'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

const CNI_AGENT_LABELS = { app: 'antrea', component: 'antrea-agent' };
const CPI_LABELS = { app: 'vmware-cloud-director-ccm' };

/** What the caller (the emulated CAPVCD) knows of a node that the Node object does not say. */
export interface NodeFacts {
  /** The kubelet runs (false: NotReady whatever the network). */
  kubeletReady: boolean;
  /** The node has no network until a CNI agent runs on it. */
  cniRequired: boolean;
  /** kubelet `cloud-provider: external`: the CPI sets this providerID (the VM's) and lifts the taint. */
  cloudProviderID?: string;
}

const factsByCluster = new WeakMap<ClusterObjects, Map<string, NodeFacts>>();

export function nodeFactsOf(objects: ClusterObjects): Map<string, NodeFacts> {
  let facts = factsByCluster.get(objects);
  if (!facts) factsByCluster.set(objects, (facts = new Map()));
  return facts;
}

const hasLabels = (object: KubeObject, labels: Record<string, string>) =>
  Object.entries(labels).every(([key, value]) => object.metadata.labels?.[key] === value);

/** Ready pods of `kube-system`: listing copies every pod, so a pass reads them once and filters by labels. */
const readySystemPods = (objects: ClusterObjects): KubeObject[] =>
  objects.list(objects.typeOf('v1', 'Pod'), 'kube-system').filter(isPodReady);

const networkedNodes = (readyPods: KubeObject[]): ReadonlySet<string> =>
  new Set(
    readyPods
      .filter((pod) => hasLabels(pod, CNI_AGENT_LABELS))
      .map((pod) => String(objectAt(pod, 'spec')['nodeName'])),
  );

/**
 * Names of the nodes a Ready CNI agent runs on (their network is configured). Read once per pass over the nodes:
 * listing the pods copies every pod, so asking per node made a pass quadratic in a cluster's size.
 */
export function nodesWithNetwork(objects: ClusterObjects): ReadonlySet<string> {
  return networkedNodes(readySystemPods(objects));
}

/** The Ready condition the kubelet posts for the node now; `withNetwork` from `nodesWithNetwork` of this pass. */
export function kubeletReadyCondition(
  nodeName: string,
  facts: NodeFacts | undefined,
  withNetwork: ReadonlySet<string>,
): { ready: boolean; reason: string; message: string } {
  if (facts && !facts.kubeletReady)
    return { ready: false, reason: 'KubeletNotReady', message: 'Kubelet stopped posting node status.' };
  if (facts?.cniRequired && !withNetwork.has(nodeName))
    return { ready: false, reason: 'KubeletNotReady', message: NETWORK_NOT_READY_MESSAGE };
  return { ready: true, reason: 'KubeletReady', message: 'kubelet is posting ready status' };
}

/**
 * The kubelets' Ready conditions and the CPI's node initialisation, run on every pod or node change: a node whose
 * CNI agent became ready turns Ready; with a Ready CPI pod, nodes still tainted uninitialized get their providerID.
 */
export function reconcileNodeAgents(objects: ClusterObjects, now: number): void {
  const nodes = objects.typeOf('v1', 'Node');
  const facts = nodeFactsOf(objects);
  if (facts.size === 0) return; // no node the emulated CAPVCD registered: nothing to decide, no pod to read
  const readyPods = readySystemPods(objects);
  const cpiRunning = readyPods.some((pod) => hasLabels(pod, CPI_LABELS));
  const withNetwork = networkedNodes(readyPods);
  for (const node of objects.list(nodes)) {
    const name = node.metadata.name!;
    const fact = facts.get(name);
    if (!fact) continue;
    const wanted = kubeletReadyCondition(name, fact, withNetwork);
    const status = objectAt(node, 'status');
    const conditions = (status['conditions'] ?? []) as Array<Record<string, unknown>>;
    const current = conditions.find((condition) => condition['type'] === 'Ready');
    let latest = node;
    if (
      current?.['status'] !== (wanted.ready ? 'True' : 'False') ||
      current?.['message'] !== wanted.message
    ) {
      const time = timestamp(now);
      const ready = {
        type: 'Ready',
        status: wanted.ready ? 'True' : 'False',
        lastHeartbeatTime: time,
        lastTransitionTime: time,
        reason: wanted.reason,
        message: wanted.message,
      };
      latest = objects.update(
        nodes,
        '',
        name,
        {
          ...node,
          status: {
            ...status,
            conditions: [...conditions.filter((condition) => condition['type'] !== 'Ready'), ready],
          },
        },
        { subresource: 'status' },
      );
    }
    const spec = objectAt(latest, 'spec');
    const taints = (spec['taints'] ?? []) as unknown as Taint[];
    if (!cpiRunning || !fact.cloudProviderID) continue;
    if (!taints.some((taint) => taint.key === UNINITIALIZED_TAINT.key) && spec['providerID']) continue;
    const remaining = taints.filter((taint) => taint.key !== UNINITIALIZED_TAINT.key);
    const { taints: _dropped, ...rest } = spec;
    void _dropped;
    objects.update(nodes, '', name, {
      ...latest,
      spec: { ...rest, providerID: fact.cloudProviderID, ...(remaining.length ? { taints: remaining } : {}) },
    });
  }
}
