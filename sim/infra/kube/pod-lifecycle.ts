import type { SimClock } from '../clock.ts';
import type { LatencyModel } from '../latency.ts';
import type { ClusterObjects } from './cluster-objects.ts';
import type { KubeObject } from './objects.ts';
import { objectAt, timestamp } from './objects.ts';
import type { ResourceType } from './resources.ts';
import { fitsNode } from './scheduling.ts';

/** Latency classes of the emulated kubelet (ms at speed 1). */
export const kubeLatencyClasses = {
  /** Scheduling to Ready: image pull, container start, readiness probe. */
  kubePodStartup: 4_000,
  /** A Job's container running to completion. */
  kubeJobRun: 3_000,
};

interface Container {
  name: string;
  image?: string;
}

/**
 * The scheduler and kubelet for emulated pods: a new pod is bound to a node that fits (or stays
 * Pending as Unschedulable), then after `kubePodStartup` it is Running and Ready with an IP (the
 * node's for `hostNetwork` pods); a Job's pod then Succeeds after `kubeJobRun`. An injected fault
 * on either class fails the pod instead.
 */
export class PodLifecycle {
  #starting = new Set<string>();
  #podIps = new Map<string, number>();
  #stopped = new AbortController();

  constructor(
    private readonly objects: ClusterObjects,
    private readonly clock: SimClock,
    private readonly latency: LatencyModel,
  ) {
    for (const [name, duration] of Object.entries(kubeLatencyClasses)) latency.define(name, duration);
    this.#pods = objects.resources.byUrl('', 'v1', 'pods')!;
    this.#nodes = objects.resources.byUrl('', 'v1', 'nodes')!;
  }

  readonly #pods: ResourceType;
  readonly #nodes: ResourceType;

  /** Waits one kubelet latency class; defines it again first, since `/sim/reset` drops added classes. */
  #wait(operationClass: keyof typeof kubeLatencyClasses): Promise<void> {
    this.latency.define(operationClass, kubeLatencyClasses[operationClass]);
    return this.latency.wait(operationClass, this.#stopped.signal);
  }

  stop(): void {
    this.#stopped.abort(new Error('kube API server stopped'));
  }

  /** Starts pods that are Pending and not yet starting (called on pod and node changes). */
  startPending(): void {
    for (const pod of this.objects.list(this.#pods)) {
      if (objectAt(pod, 'status')['phase'] !== 'Pending' || this.#starting.has(pod.metadata.uid!)) continue;
      if (!objectAt(pod, 'spec')['nodeName'] && !this.#bind(pod)) continue;
      this.#starting.add(pod.metadata.uid!);
      void this.#run(pod.metadata.namespace!, pod.metadata.name!, pod.metadata.uid!).finally(() =>
        this.#starting.delete(pod.metadata.uid!),
      );
    }
  }

  #bind(pod: KubeObject): boolean {
    const nodes = this.objects.list(this.#nodes).filter((node) => fitsNode(objectAt(pod, 'spec'), node));
    const load = (node: KubeObject) =>
      this.objects
        .list(this.#pods)
        .filter((other) => objectAt(other, 'spec')['nodeName'] === node.metadata.name).length;
    const node = nodes.sort((a, b) => load(a) - load(b))[0];
    const time = timestamp(this.clock.now());
    if (!node) {
      this.#setStatus(pod, {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            lastTransitionTime: time,
            message: '0/0 nodes are available: no node fits the pod (taints, selector or readiness).',
          },
        ],
      });
      return false;
    }
    this.objects.update(this.#pods, pod.metadata.namespace!, pod.metadata.name!, {
      ...pod,
      spec: { ...objectAt(pod, 'spec'), nodeName: node.metadata.name },
    });
    return true;
  }

  async #run(namespace: string, name: string, uid: string): Promise<void> {
    const current = () => {
      const pod = this.objects.find(this.#pods, namespace, name);
      return pod?.metadata.uid === uid ? pod : undefined;
    };
    const scheduled = current();
    if (!scheduled) return;
    const start = timestamp(this.clock.now());
    const node = this.objects.find(this.#nodes, '', String(objectAt(scheduled, 'spec')['nodeName']));
    const hostIp = nodeIp(node);
    this.#setStatus(scheduled, {
      phase: 'Pending',
      hostIP: hostIp,
      startTime: start,
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: start }],
      containerStatuses: containersOf(scheduled).map((container) => ({
        name: container.name,
        image: container.image ?? '',
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason: 'ContainerCreating' } },
      })),
    });
    const isJob = (scheduled.metadata.ownerReferences ?? []).some((owner) => owner.kind === 'Job');
    try {
      await this.#wait('kubePodStartup');
    } catch (error) {
      if (this.#stopped.signal.aborted) return;
      return this.#fail(current(), error);
    }
    const running = current();
    if (!running) return;
    const time = timestamp(this.clock.now());
    const podIp = objectAt(running, 'spec')['hostNetwork'] === true ? hostIp : this.#allocateIp(node);
    const conditions = [
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled',
    ].map((type) => ({ type, status: 'True', lastTransitionTime: type === 'PodScheduled' ? start : time }));
    this.#setStatus(running, {
      phase: 'Running',
      hostIP: hostIp,
      hostIPs: [{ ip: hostIp }],
      podIP: podIp,
      podIPs: [{ ip: podIp }],
      startTime: start,
      qosClass: 'BestEffort',
      conditions,
      containerStatuses: containersOf(running).map((container) => ({
        name: container.name,
        image: container.image ?? '',
        imageID: '',
        containerID: `containerd://${uid.replace(/-/g, '')}`,
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: time } },
      })),
    });
    if (!isJob) return;
    try {
      await this.#wait('kubeJobRun');
    } catch (error) {
      if (this.#stopped.signal.aborted) return;
      return this.#fail(current(), error);
    }
    const done = current();
    if (!done) return;
    const finished = timestamp(this.clock.now());
    this.#setStatus(done, {
      ...objectAt(done, 'status'),
      phase: 'Succeeded',
      conditions: conditions.map((entry) =>
        entry.type === 'Ready' || entry.type === 'ContainersReady'
          ? { ...entry, status: 'False', reason: 'PodCompleted', lastTransitionTime: finished }
          : entry,
      ),
      containerStatuses: containersOf(done).map((container) => ({
        name: container.name,
        image: container.image ?? '',
        ready: false,
        restartCount: 0,
        started: false,
        state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: time, finishedAt: finished } },
      })),
    });
  }

  #fail(pod: KubeObject | undefined, error: unknown): void {
    if (!pod) return;
    const message = error instanceof Error ? error.message : String(error);
    this.#setStatus(pod, {
      ...objectAt(pod, 'status'),
      phase: 'Failed',
      reason: 'Error',
      message: `emulated failure: ${message}`,
    });
  }

  #allocateIp(node: KubeObject | undefined): string {
    const cidr = String(objectAt(node, 'spec')['podCIDR'] ?? '100.96.0.0/24');
    const base = cidr.split('/')[0]!.split('.').slice(0, 3).join('.');
    const next = (this.#podIps.get(base) ?? 1) + 1;
    this.#podIps.set(base, next > 254 ? 2 : next);
    return `${base}.${next}`;
  }

  #setStatus(pod: KubeObject, status: Record<string, unknown>): void {
    const fresh = this.objects.find(this.#pods, pod.metadata.namespace!, pod.metadata.name!);
    if (!fresh || fresh.metadata.uid !== pod.metadata.uid) return;
    this.objects.update(
      this.#pods,
      pod.metadata.namespace!,
      pod.metadata.name!,
      { ...fresh, status },
      { subresource: 'status' },
    );
  }
}

const containersOf = (pod: KubeObject): Container[] =>
  (objectAt(pod, 'spec')['containers'] ?? []) as Container[];

function nodeIp(node: KubeObject | undefined): string {
  const addresses = (objectAt(node, 'status')['addresses'] ?? []) as { type: string; address: string }[];
  return addresses.find((address) => address.type === 'InternalIP')?.address ?? '';
}
