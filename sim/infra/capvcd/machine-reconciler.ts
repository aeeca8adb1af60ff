import type { SimContext } from '../../context.ts';
import type { JsonObject } from '../../world/json.ts';
import type { ClusterObjects } from '../kube/cluster-objects.ts';
import type { KubeObject } from '../kube/objects.ts';
import { capiCrd, capiKinds } from './capi-crds.ts';
import type { CapvcdEmulator } from './capvcd.ts';
import type { RunningKubeApi } from './kube-api.ts';
import { CapvcdError, resolveMachineGroup } from './machines.ts';
import { quantityToMb, type ManifestObject } from './manifest.ts';
import type { WorkloadCluster, WorkloadMachine, WorkloadMachineGroup } from './workload-clusters.ts';

/** Time CAPVCD needs for a day-2 machine (create the VM, boot it, kubeadm join), ms at speed 1. */
export const machineProvisionClass = 'capvcd:machine';
const machineProvisionDuration = 60_000;

const kinds = {
  cluster: ['cluster.x-k8s.io/v1beta1', 'Cluster'],
  machine: ['cluster.x-k8s.io/v1beta1', 'Machine'],
  machineDeployment: ['cluster.x-k8s.io/v1beta1', 'MachineDeployment'],
  controlPlane: ['controlplane.cluster.x-k8s.io/v1beta1', 'KubeadmControlPlane'],
  machineTemplate: ['infrastructure.cluster.x-k8s.io/v1beta2', 'VCDMachineTemplate'],
} as const;

type Spec = Record<string, unknown>;
const specOf = (object: KubeObject): Spec => (object['spec'] as Spec | undefined) ?? {};

/**
 * Cluster API and CAPVCD after the pivot, inside the workload cluster: `moveObjects` is
 * `clusterctl move` (CRDs, then the manifest's objects, with the status the controllers report),
 * and changes of a MachineDeployment's replicas or version, or of the KubeadmControlPlane's
 * replicas or version, add, replace or remove VMs, nodes and control-plane pool members.
 */
export class MachineReconciler {
  #unsubscribe: (() => void) | undefined;
  #queue: Promise<void> = Promise.resolve();
  #queued = false;
  readonly #controller = new AbortController();
  /** Last seen `metadata.generation` per object: status writes do not wake the reconciler. */
  readonly #generations = new Map<string, number>();

  constructor(
    private readonly ctx: SimContext,
    private readonly capvcd: CapvcdEmulator,
    private readonly clusterId: string,
    private readonly api: RunningKubeApi,
  ) {
    ctx.latency.define(machineProvisionClass, machineProvisionDuration);
  }

  get #objects(): ClusterObjects {
    return this.api.objects;
  }

  #type(kind: readonly [string, string]) {
    return this.#objects.typeOf(kind[0], kind[1]);
  }

  #cluster(): WorkloadCluster | undefined {
    try {
      return this.capvcd.cluster(this.clusterId);
    } catch {
      return undefined;
    }
  }

  /** `clusterctl move`: the providers' CRDs, then every object of the manifest. */
  async moveObjects(objects: readonly ManifestObject[]): Promise<void> {
    const cluster = this.capvcd.cluster(this.clusterId);
    cluster.capiObjects = structuredClone(objects) as unknown as JsonObject[];
    this.#install(objects);
    this.#reportStatus(cluster);
  }

  /** After a restart: the moved objects again, with the replicas and versions reached before. */
  async restoreObjects(): Promise<void> {
    const cluster = this.capvcd.cluster(this.clusterId);
    const groups = new Map(
      [cluster.controlPlane, ...cluster.workerPools].map((group) => [group.name, group]),
    );
    const objects = (cluster.capiObjects as unknown as ManifestObject[]).map((object) => {
      const group = groups.get(object.metadata.name);
      if (!group || !['MachineDeployment', 'KubeadmControlPlane'].includes(object.kind)) return object;
      const copy = structuredClone(object) as ManifestObject & { spec: Spec };
      copy.spec = { ...copy.spec, replicas: group.replicas };
      if (object.kind === 'KubeadmControlPlane') copy.spec['version'] = group.version;
      else
        copy.spec['template'] = {
          ...(copy.spec['template'] as Spec),
          spec: { ...((copy.spec['template'] as Spec)?.['spec'] as Spec), version: group.version },
        };
      return copy;
    });
    this.#install(objects);
    this.#reportStatus(cluster);
  }

  #install(objects: readonly ManifestObject[]): void {
    const crdType = this.#objects.typeOf('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
    for (const kind of capiKinds) {
      const crd = capiCrd(kind);
      if (!this.#objects.find(crdType, '', (crd['metadata'] as { name: string }).name))
        this.#objects.create(crdType, '', crd, { fieldManager: 'clusterctl' });
    }
    const ordered = [...objects].sort(
      (a, b) => Number(b.kind === 'Namespace') - Number(a.kind === 'Namespace'),
    );
    for (const object of ordered) {
      const type = this.#objects.resources.byKind(object.apiVersion, object.kind);
      if (!type) continue;
      const namespace = type.namespaced ? (object.metadata.namespace ?? 'default') : '';
      if (this.#objects.find(type, namespace, object.metadata.name)) continue;
      const { status: _status, ...withoutStatus } = object;
      this.#objects.create(
        type,
        namespace,
        { ...withoutStatus, metadata: { ...object.metadata, namespace: namespace || undefined } },
        {
          fieldManager: 'clusterctl',
        },
      );
    }
  }

  /** Reconciles whenever a MachineDeployment or the KubeadmControlPlane changes its spec. */
  start(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#objects.store.onChange((change) => {
      const relevant =
        (change.resource.group === 'cluster.x-k8s.io' && change.resource.plural === 'machinedeployments') ||
        (change.resource.group === 'controlplane.cluster.x-k8s.io' &&
          change.resource.plural === 'kubeadmcontrolplanes');
      if (!relevant) return;
      const key = `${change.resource.plural}/${change.object.metadata.namespace}/${change.object.metadata.name}`;
      const generation = change.type === 'DELETED' ? -1 : (change.object.metadata.generation ?? 0);
      if (this.#generations.get(key) === generation) return;
      this.#generations.set(key, generation);
      this.#schedule();
    });
    this.#schedule();
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#controller.abort(new Error('reconciler stopped'));
  }

  #schedule(): void {
    if (this.#queued) return;
    this.#queued = true;
    this.#queue = this.#queue.then(async () => {
      this.#queued = false;
      if (this.#controller.signal.aborted) return;
      try {
        await this.#reconcile();
      } catch {
        // A failed pass (VCD error, the cluster deleted meanwhile) waits for the next change.
      }
    });
  }

  /** Desired groups from the objects in the workload cluster. */
  #desiredGroups(cluster: WorkloadCluster): {
    controlPlane: WorkloadMachineGroup;
    workerPools: WorkloadMachineGroup[];
  } {
    const objects = this.#objects;
    const kcp = objects.find(this.#type(kinds.controlPlane), cluster.namespace, cluster.controlPlane.name);
    const controlPlane = { ...cluster.controlPlane };
    if (kcp) {
      const spec = specOf(kcp);
      if (typeof spec['replicas'] === 'number') controlPlane.replicas = spec['replicas'];
      if (typeof spec['version'] === 'string') controlPlane.version = spec['version'];
    }
    const world = this.ctx.store.world;
    const deployments = objects
      .list(this.#type(kinds.machineDeployment), cluster.namespace)
      .filter((deployment) => specOf(deployment)['clusterName'] === cluster.clusterName);
    const workerPools = deployments.map((deployment): WorkloadMachineGroup => {
      const name = deployment.metadata.name!;
      const spec = specOf(deployment);
      const template = ((spec['template'] as Spec | undefined)?.['spec'] as Spec | undefined) ?? {};
      const replicas = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
      const version =
        typeof template['version'] === 'string' ? template['version'] : cluster.controlPlane.version;
      const known = cluster.workerPools.find((pool) => pool.name === name);
      if (known) return { ...known, replicas, version };
      // A new MachineDeployment: its VCDMachineTemplate says where and how big.
      const templateName = String((template['infrastructureRef'] as Spec | undefined)?.['name'] ?? '');
      const machineTemplate = objects.find(
        this.#type(kinds.machineTemplate),
        cluster.namespace,
        templateName,
      );
      if (!machineTemplate) throw new CapvcdError(`VCDMachineTemplate ${templateName} not found`);
      const machineSpec =
        ((specOf(machineTemplate)['template'] as Spec | undefined)?.['spec'] as Spec | undefined) ?? {};
      const text = (key: string) =>
        typeof machineSpec[key] === 'string' ? (machineSpec[key] as string) : null;
      const placement = {
        org: world.orgs[cluster.orgId]!,
        vdc: world.vdcs[cluster.vdcId]!,
        network: world.orgVdcNetworks[cluster.networkId]!,
      };
      return resolveMachineGroup(
        world,
        placement,
        {
          name,
          replicas,
          version,
          machine: {
            name: templateName,
            catalog: text('catalog') ?? '',
            template: text('template') ?? '',
            sizingPolicy: text('sizingPolicy'),
            placementPolicy: text('placementPolicy'),
            storageProfile: text('storageProfile'),
            diskSizeMb: quantityToMb(machineSpec['diskSize']),
          },
        },
        'worker',
      );
    });
    return { controlPlane, workerPools };
  }

  async #reconcile(): Promise<void> {
    const cluster = this.#cluster();
    if (!cluster) return;
    const desired = this.#desiredGroups(cluster);
    cluster.controlPlane = desired.controlPlane;
    // Pools whose MachineDeployment is gone keep no machines.
    cluster.workerPools = desired.workerPools;
    const groups = [cluster.controlPlane, ...cluster.workerPools];
    const current = (machine: WorkloadMachine) =>
      groups.some((group) => group.name === machine.group && group.version === machine.version);
    const before = new Set(cluster.machines.map((machine) => machine.vmId));
    this.capvcd.scaleAndSync(cluster);
    const added = cluster.machines.filter((machine) => !before.has(machine.vmId));
    if (added.length > 0) {
      this.#reportStatus(cluster);
      await this.ctx.latency.wait(machineProvisionClass, this.#controller.signal);
      if (this.#cluster() !== cluster) return;
      this.capvcd.machinesBooted(this.clusterId);
    }
    // Outdated machines (old version, deleted pool) go once their replacements run; then surplus.
    const keep: WorkloadMachine[] = [];
    const retired: WorkloadMachine[] = [];
    for (const machine of cluster.machines) (current(machine) ? keep : retired).push(machine);
    for (const group of groups) {
      const members = keep.filter((machine) => machine.group === group.name);
      for (const surplus of members.slice(group.replicas)) {
        retired.push(surplus);
        keep.splice(keep.indexOf(surplus), 1);
      }
    }
    if (retired.length > 0) this.capvcd.retireMachines(cluster, retired);
    await this.capvcd.syncNodes(this.clusterId);
    this.#reportStatus(cluster);
  }

  /** What Cluster API's controllers write: Cluster, KubeadmControlPlane, MachineDeployments, Machines. */
  #reportStatus(cluster: WorkloadCluster): void {
    const objects = this.#objects;
    const time = this.ctx.clock.iso();
    const ready = (group: WorkloadMachineGroup) =>
      cluster.machines.filter(
        (machine) => machine.group === group.name && this.capvcd.isMachineReady(machine),
      );
    const writeStatus = (kind: readonly [string, string], name: string, status: Spec) => {
      const type = this.#type(kind);
      const object = objects.find(type, cluster.namespace, name);
      if (!object) return;
      if (JSON.stringify(object['status'] ?? {}) === JSON.stringify(status)) return;
      objects.update(
        type,
        cluster.namespace,
        name,
        { ...object, status },
        { subresource: 'status', fieldManager: 'capi-controller' },
      );
    };
    const condition = (type: string, ok: boolean) => ({
      type,
      status: ok ? 'True' : 'False',
      lastTransitionTime: time,
      ...(ok ? {} : { reason: 'WaitingForMachines', severity: 'Info' }),
    });
    const groupStatus = (group: WorkloadMachineGroup) => {
      const all = cluster.machines.filter((machine) => machine.group === group.name);
      const readyCount = ready(group).length;
      const updated = all.filter((machine) => machine.version === group.version).length;
      return {
        all: all.length,
        readyCount,
        updated,
        settled: readyCount >= group.replicas && all.length === group.replicas && updated === all.length,
      };
    };

    const cp = groupStatus(cluster.controlPlane);
    writeStatus(kinds.controlPlane, cluster.controlPlane.name, {
      replicas: cp.all,
      readyReplicas: cp.readyCount,
      updatedReplicas: cp.updated,
      unavailableReplicas: cp.all - cp.readyCount,
      version: cluster.controlPlane.version,
      initialized: cp.readyCount > 0,
      ready: cp.readyCount > 0,
      selector: `cluster.x-k8s.io/cluster-name=${cluster.clusterName},cluster.x-k8s.io/control-plane`,
      conditions: [
        condition('Ready', cp.settled),
        condition('Available', cp.readyCount > 0),
        condition('MachinesReady', cp.settled),
      ],
    });
    let allSettled = cp.settled;
    for (const pool of cluster.workerPools) {
      const status = groupStatus(pool);
      allSettled &&= status.settled;
      writeStatus(kinds.machineDeployment, pool.name, {
        replicas: status.all,
        readyReplicas: status.readyCount,
        availableReplicas: status.readyCount,
        updatedReplicas: status.updated,
        unavailableReplicas: Math.max(0, status.all - status.readyCount),
        phase: status.settled ? 'Running' : status.all < pool.replicas ? 'ScalingUp' : 'ScalingDown',
        selector: `cluster.x-k8s.io/cluster-name=${cluster.clusterName},cluster.x-k8s.io/deployment-name=${pool.name}`,
        conditions: [
          condition('Ready', status.settled),
          condition('Available', status.readyCount >= pool.replicas),
        ],
      });
    }
    writeStatus(kinds.cluster, cluster.clusterName, {
      phase: 'Provisioned',
      controlPlaneReady: cp.readyCount > 0,
      infrastructureReady: true,
      conditions: [
        condition('Ready', allSettled),
        condition('ControlPlaneInitialized', cp.readyCount > 0),
        condition('ControlPlaneReady', cp.readyCount > 0),
      ],
    });
    this.#syncMachineObjects(cluster);
  }

  /** One Machine object per VM, as `kubectl get machines` shows them. */
  #syncMachineObjects(cluster: WorkloadCluster): void {
    const objects = this.#objects;
    const type = this.#type(kinds.machine);
    const wanted = new Map(cluster.machines.map((machine) => [machine.name, machine]));
    for (const existing of objects.list(type, cluster.namespace)) {
      if (!wanted.has(existing.metadata.name!))
        objects.delete(type, cluster.namespace, existing.metadata.name!);
    }
    for (const machine of cluster.machines) {
      const vmUuid = machine.vmId.split(':').pop();
      const labels: Record<string, string> = { 'cluster.x-k8s.io/cluster-name': cluster.clusterName };
      if (machine.role === 'control-plane') labels['cluster.x-k8s.io/control-plane'] = '';
      else labels['cluster.x-k8s.io/deployment-name'] = machine.group;
      let object = objects.find(type, cluster.namespace, machine.name);
      object ??= objects.create(
        type,
        cluster.namespace,
        {
          apiVersion: kinds.machine[0],
          kind: 'Machine',
          metadata: { name: machine.name, namespace: cluster.namespace, labels },
          spec: {
            clusterName: cluster.clusterName,
            version: machine.version,
            providerID: `vmware-cloud-director://${vmUuid}`,
          },
        },
        { fieldManager: 'capi-controller' },
      );
      const running = this.capvcd.isMachineReady(machine);
      const status = {
        phase: running ? 'Running' : 'Provisioning',
        bootstrapReady: true,
        infrastructureReady: running,
        addresses: [{ type: 'InternalIP', address: machine.ip }],
        ...(running ? { nodeRef: { apiVersion: 'v1', kind: 'Node', name: machine.name } } : {}),
      };
      if (JSON.stringify(object['status'] ?? {}) !== JSON.stringify(status))
        objects.update(
          type,
          cluster.namespace,
          machine.name,
          { ...object, status },
          { subresource: 'status', fieldManager: 'capi-controller' },
        );
    }
  }
}
