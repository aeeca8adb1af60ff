import type { SimClock } from '../clock.ts';
import type { LatencyModel } from '../latency.ts';
import type { ClusterObjects } from './cluster-objects.ts';
import type { StoreChange } from './object-store.ts';
import type { KubeObject } from './objects.ts';
import { objectAt } from './objects.ts';
import { reconcileNodeAgents } from './node-agents.ts';
import { PodLifecycle } from './pod-lifecycle.ts';
import { endpointsFor } from './service-network.ts';
import { WorkloadControllers } from './workloads.ts';

/**
 * Runs the emulated controllers: every stored change queues the reconciles it concerns, and
 * the queue drains on the next turn of the event loop (each key once per drain), so a burst of
 * writes (a whole `kubectl apply`) costs one pass per object.
 */
export class ControllerManager {
  readonly #queue = new Map<string, () => void>();
  #scheduled = false;
  #unsubscribe: (() => void) | undefined;
  readonly #workloads: WorkloadControllers;
  readonly pods: PodLifecycle;
  readonly #now: () => number;

  constructor(
    private readonly objects: ClusterObjects,
    clock: SimClock,
    latency: LatencyModel,
  ) {
    this.#now = () => clock.now();
    this.#workloads = new WorkloadControllers(objects, () => clock.now());
    this.pods = new PodLifecycle(objects, clock, latency);
  }

  start(): void {
    this.#unsubscribe = this.objects.store.onChange((change) => this.#route(change));
    for (const entry of this.objects.store.entries())
      this.#route({ type: 'ADDED', resource: entry, object: entry.object });
  }

  stop(): void {
    this.#unsubscribe?.();
    this.pods.stop();
    this.#queue.clear();
  }

  #route({ type, resource, object }: StoreChange): void {
    const namespace = object.metadata.namespace ?? '';
    const name = object.metadata.name!;
    const w = this.#workloads;
    switch (`${resource.group}/${resource.plural}`) {
      case 'apps/deployments':
        return this.#enqueue(`deploy/${namespace}/${name}`, () => w.reconcileDeployment(namespace, name));
      case 'apps/replicasets':
        this.#enqueueOwner(object);
        return this.#enqueue(`rs/${namespace}/${name}`, () => w.reconcileReplicaSet(namespace, name));
      case 'apps/daemonsets':
        return this.#enqueue(`ds/${namespace}/${name}`, () => w.reconcileDaemonSet(namespace, name));
      case 'batch/jobs':
        return this.#enqueue(`job/${namespace}/${name}`, () => w.reconcileJob(namespace, name));
      case '/pods':
        this.#enqueueOwner(object);
        this.#enqueue(`endpoints/${namespace}`, () => this.#reconcileEndpoints(namespace));
        this.#enqueue('node-agents', () => reconcileNodeAgents(this.objects, this.#now()));
        return this.#enqueue('pods', () => this.pods.startPending());
      case '/nodes':
        this.#enqueue('node-agents', () => reconcileNodeAgents(this.objects, this.#now()));
        for (const daemonSet of this.objects.list(w.types.daemonSets))
          this.#enqueue(`ds/${daemonSet.metadata.namespace}/${daemonSet.metadata.name}`, () =>
            w.reconcileDaemonSet(daemonSet.metadata.namespace!, daemonSet.metadata.name!),
          );
        return this.#enqueue('pods', () => this.pods.startPending());
      case '/services':
        return this.#enqueue(`endpoints/${namespace}`, () =>
          this.#reconcileEndpoints(namespace, type === 'DELETED' ? name : undefined),
        );
      case '/namespaces':
        if (type === 'ADDED') this.#enqueue(`namespace/${name}`, () => this.#defaultServiceAccount(name));
        return;
      case 'apiextensions.k8s.io/customresourcedefinitions':
        if (type !== 'DELETED') this.#enqueue(`crd/${name}`, () => this.#establish(name));
        return;
    }
  }

  #enqueueOwner(object: KubeObject): void {
    const owner = (object.metadata.ownerReferences ?? []).find((reference) => reference.controller);
    if (!owner) return;
    const namespace = object.metadata.namespace ?? '';
    const w = this.#workloads;
    const reconcile: Record<string, () => void> = {
      Deployment: () => w.reconcileDeployment(namespace, owner.name),
      ReplicaSet: () => w.reconcileReplicaSet(namespace, owner.name),
      DaemonSet: () => w.reconcileDaemonSet(namespace, owner.name),
      Job: () => w.reconcileJob(namespace, owner.name),
    };
    const run = reconcile[owner.kind];
    if (run) this.#enqueue(`${owner.kind}/${namespace}/${owner.name}`, run);
  }

  #enqueue(key: string, run: () => void): void {
    this.#queue.set(key, run);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#drain());
  }

  #drain(): void {
    this.#scheduled = false;
    const batch = [...this.#queue.values()];
    this.#queue.clear();
    for (const run of batch) {
      try {
        run();
      } catch {
        // A reconcile that lost a race (object gone, name taken) is retried by the next change.
      }
    }
  }

  #reconcileEndpoints(namespace: string, deletedService?: string): void {
    const endpointsType = this.objects.resources.byUrl('', 'v1', 'endpoints')!;
    const servicesType = this.objects.resources.byUrl('', 'v1', 'services')!;
    if (deletedService && this.objects.find(endpointsType, namespace, deletedService))
      this.objects.delete(endpointsType, namespace, deletedService);
    const pods = this.objects.list(this.#workloads.types.pods, namespace);
    for (const service of this.objects.list(servicesType, namespace)) {
      const desired = endpointsFor(service, pods);
      if (!desired) continue;
      const existing = this.objects.find(endpointsType, namespace, service.metadata.name!);
      if (!existing) this.objects.create(endpointsType, namespace, desired);
      else if (JSON.stringify(existing['subsets']) !== JSON.stringify(desired['subsets']))
        this.objects.update(endpointsType, namespace, service.metadata.name!, {
          ...existing,
          subsets: desired['subsets'],
        });
    }
  }

  #defaultServiceAccount(namespace: string): void {
    const serviceAccounts = this.objects.resources.byUrl('', 'v1', 'serviceaccounts')!;
    if (this.objects.find(serviceAccounts, namespace, 'default')) return;
    this.objects.create(serviceAccounts, namespace, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default' },
    });
  }

  /** The apiextensions controller: names accepted, CRD established. */
  #establish(name: string): void {
    const crds = this.objects.resources.byUrl('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
    const crd = this.objects.find(crds, '', name);
    if (!crd) return;
    const spec = objectAt(crd, 'spec');
    const versions = (spec['versions'] ?? []) as { name: string; storage?: boolean }[];
    const previous = objectAt(crd, 'status');
    const since = (type: string) =>
      ((previous['conditions'] ?? []) as { type: string; lastTransitionTime: string }[]).find(
        (entry) => entry.type === type,
      )?.lastTransitionTime ?? crd.metadata.creationTimestamp;
    const status = {
      acceptedNames: spec['names'],
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          lastTransitionTime: since('NamesAccepted'),
          reason: 'NoConflicts',
          message: 'no conflicts found',
        },
        {
          type: 'Established',
          status: 'True',
          lastTransitionTime: since('Established'),
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
        },
      ],
      storedVersions: versions.filter((version) => version.storage).map((version) => version.name),
    };
    if (JSON.stringify(crd['status']) === JSON.stringify(status)) return;
    this.objects.update(crds, '', name, { ...crd, status }, { subresource: 'status' });
  }
}
