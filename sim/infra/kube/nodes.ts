import { createHash } from 'node:crypto';
import type { ClusterObjects } from './cluster-objects.ts';
import type { KubeObject } from './objects.ts';
import { ownerReferenceTo, timestamp } from './objects.ts';
import type { Taint } from './scheduling.ts';
import {
  kubeletReadyCondition,
  nodeFactsOf,
  nodesWithNetwork,
  UNINITIALIZED_TAINT,
  type NodeFacts,
} from './node-agents.ts';

/** A node of the emulated cluster, as the caller (the emulated CAPVCD) describes it. */
export interface KubeNodeSpec {
  name: string;
  /** InternalIP (the VM's address on the cluster network). */
  ip: string;
  role: 'control-plane' | 'worker';
  labels?: Record<string, string>;
  /** Default for control-plane nodes: `node-role.kubernetes.io/control-plane:NoSchedule`. */
  taints?: Taint[];
  /** Default true. */
  ready?: boolean;
  unschedulable?: boolean;
  cpu?: number;
  memoryMiB?: number;
  /** e.g. `vmware-cloud-director://<vm uuid>` */
  providerID?: string;
  /** kubeadm nodes: NotReady (NetworkPluginNotReady) until a CNI agent runs on them (`node-agents.ts`). */
  cniRequired?: boolean;
  /**
   * kubelet `cloud-provider: external`: the node registers tainted uninitialized and without `providerID`; the CPI
   * sets `providerID` (this spec's) and lifts the taint.
   */
  cloudProvider?: 'external';
}

const controlPlaneTaint: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
const staticPods = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

function stableId(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function nodeObject(
  spec: KubeNodeSpec,
  index: number,
  kubernetesVersion: string,
  time: string,
  readyCondition: { ready: boolean; reason: string; message: string },
): KubeObject {
  const ready = readyCondition.ready;
  const external = spec.cloudProvider === 'external';
  const roleTaints = spec.taints ?? (spec.role === 'control-plane' ? [controlPlaneTaint] : []);
  const taints = external ? [...roleTaints, UNINITIALIZED_TAINT] : roleTaints;
  const capacity = {
    cpu: String(spec.cpu ?? 2),
    memory: `${(spec.memoryMiB ?? 4096) * 1024}Ki`,
    pods: '110',
    'ephemeral-storage': '20463184Ki',
  };
  const pressure = (type: string, reason: string, message: string) => ({
    type,
    status: 'False',
    lastHeartbeatTime: time,
    lastTransitionTime: time,
    reason,
    message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': spec.name,
        'kubernetes.io/os': 'linux',
        ...(spec.role === 'control-plane'
          ? {
              'node-role.kubernetes.io/control-plane': '',
              'node.kubernetes.io/exclude-from-external-load-balancers': '',
            }
          : {}),
        ...spec.labels,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR: `100.96.${index + 1}.0/24`,
      podCIDRs: [`100.96.${index + 1}.0/24`],
      ...(spec.providerID && !external ? { providerID: spec.providerID } : {}),
      ...(spec.unschedulable ? { unschedulable: true } : {}),
      ...(taints.length ? { taints } : {}),
    },
    status: {
      addresses: [
        { type: 'InternalIP', address: spec.ip },
        { type: 'Hostname', address: spec.name },
      ],
      capacity,
      allocatable: capacity,
      conditions: [
        pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          lastHeartbeatTime: time,
          lastTransitionTime: time,
          reason: readyCondition.reason,
          message: readyCondition.message,
        },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: stableId(`${spec.name}/boot`),
        containerRuntimeVersion: 'containerd://1.6.28',
        kernelVersion: '5.15.0-105-generic',
        kubeProxyVersion: kubernetesVersion,
        kubeletVersion: kubernetesVersion,
        machineID: stableId(`${spec.name}/machine`).replace(/-/g, ''),
        operatingSystem: 'linux',
        osImage: 'Ubuntu 22.04.4 LTS',
        systemUUID: stableId(`${spec.name}/system`),
      },
    },
  };
}

/**
 * Makes the Node objects match `specs` (what kubelets would register): new ones are added,
 * changed ones updated, missing ones deleted (their pods go with them). Control-plane nodes get
 * kubeadm's static pods as mirror pods owned by the node.
 */
export function syncNodes(
  objects: ClusterObjects,
  specs: KubeNodeSpec[],
  kubernetesVersion: string,
  now: number,
): void {
  const nodes = objects.resources.byUrl('', 'v1', 'nodes')!;
  const pods = objects.resources.byUrl('', 'v1', 'pods')!;
  const time = timestamp(now);
  const wanted = new Set(specs.map((spec) => spec.name));
  const facts = nodeFactsOf(objects);
  for (const name of [...facts.keys()]) if (!wanted.has(name)) facts.delete(name);
  for (const spec of specs) {
    const fact: NodeFacts = {
      kubeletReady: spec.ready ?? true,
      cniRequired: spec.cniRequired === true,
      ...(spec.cloudProvider === 'external' && spec.providerID ? { cloudProviderID: spec.providerID } : {}),
    };
    facts.set(spec.name, fact);
  }
  for (const node of objects.list(nodes)) {
    if (wanted.has(node.metadata.name!)) continue;
    objects.delete(nodes, '', node.metadata.name!);
    for (const pod of objects.list(pods))
      if ((pod['spec'] as { nodeName?: string } | undefined)?.nodeName === node.metadata.name)
        objects.delete(pods, pod.metadata.namespace!, pod.metadata.name!);
  }
  const withNetwork = nodesWithNetwork(objects);
  specs.forEach((spec, index) => {
    const readyCondition = kubeletReadyCondition(spec.name, facts.get(spec.name), withNetwork);
    const desired = nodeObject(spec, index, kubernetesVersion, time, readyCondition);
    const existing = objects.find(nodes, '', spec.name);
    let node: KubeObject;
    if (!existing) node = objects.create(nodes, '', desired);
    else {
      // After registration the cloud provider owns providerID and the uninitialized taint.
      const existingSpec = (existing['spec'] ?? {}) as Record<string, unknown>;
      const spec$ = { ...(desired['spec'] as Record<string, unknown>) };
      if (spec.cloudProvider === 'external') {
        if (existingSpec['providerID']) spec$['providerID'] = existingSpec['providerID'];
        const initialised = !((existingSpec['taints'] ?? []) as Taint[]).some(
          (taint) => taint.key === UNINITIALIZED_TAINT.key,
        );
        if (initialised) {
          const taints = ((spec$['taints'] ?? []) as Taint[]).filter(
            (taint) => taint.key !== UNINITIALIZED_TAINT.key,
          );
          if (taints.length) spec$['taints'] = taints;
          else delete spec$['taints'];
        }
      }
      node = objects.update(nodes, '', spec.name, {
        ...existing,
        metadata: { ...existing.metadata, labels: desired.metadata.labels },
        spec: spec$,
      });
      const keepTimes = JSON.stringify(desired['status']).replace(
        /"(lastHeartbeatTime|lastTransitionTime)":"[^"]*"/g,
        '',
      );
      const before = JSON.stringify(existing['status']).replace(
        /"(lastHeartbeatTime|lastTransitionTime)":"[^"]*"/g,
        '',
      );
      if (keepTimes !== before)
        node = objects.update(
          nodes,
          '',
          spec.name,
          { ...node, status: desired['status'] },
          { subresource: 'status' },
        );
    }
    if (spec.role !== 'control-plane') return;
    for (const component of staticPods) {
      const name = `${component}-${spec.name}`;
      if (objects.find(pods, 'kube-system', name)) continue;
      objects.create(pods, 'kube-system', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: 'kube-system',
          labels: { component, tier: 'control-plane' },
          annotations: { 'kubernetes.io/config.source': 'file' },
          ownerReferences: [{ ...ownerReferenceTo(node), controller: true }],
        },
        spec: {
          nodeName: spec.name,
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
          containers: [{ name: component, image: imageOf(component, kubernetesVersion) }],
        },
        status: { phase: 'Pending' },
      });
    }
  });
}

const imageOf = (component: string, kubernetesVersion: string): string =>
  component === 'etcd'
    ? 'registry.k8s.io/etcd:3.5.12-0'
    : `registry.k8s.io/${component}:${kubernetesVersion.split('+')[0]}`;
