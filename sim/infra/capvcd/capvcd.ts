import type { SimContext } from '../../context.ts';
import { vAppsSlice, vcdStatus } from '../../world/vapps.ts';
import type { KubeNodeSpec } from '../kube/api-server.ts';
import type { ClusterProvisioner } from '../bootstrap/bootstrap-run.ts';
import {
  adoptControlPlanePool,
  controlPlanePoolName,
  findPool,
  gatewayOf,
  setControlPlaneMembers,
} from './control-plane-pool.ts';
import { MachineReconciler } from './machine-reconciler.ts';
import {
  addMachine,
  CapvcdError,
  createClusterVApp,
  machineName,
  markMachinesReady,
  removeMachine,
  resolveMachineGroup,
  resolvePlacement,
} from './machines.ts';
import type { WorkloadClusterManifest } from './manifest.ts';
import { kubeadmImagePullError } from './tkg-registry.ts';
import { startWorkloadKubeApi, type RunningKubeApi } from './kube-api.ts';
import { applyObjects, nodeProblems, rolloutState, type RolloutState } from './addons.ts';
import type { ManifestObject } from './manifest.ts';
import type { JsonObject } from '../../world/json.ts';
import {
  workloadClustersSlice,
  type WorkloadCluster,
  type WorkloadMachine,
  type WorkloadMachineGroup,
} from './workload-clusters.ts';

/**
 * The emulated CAPVCD (with Cluster API's kubeadm providers): builds a workload cluster's VMs in
 * VCD from the applied manifest, keeps the adopted control-plane pool's members, runs the cluster's
 * Kubernetes API, and after the pivot reconciles MachineDeployment and KubeadmControlPlane changes
 * made there. Its state is the `workloadClusters` slice; deleting the cluster's vApp tears it down.
 */
export class CapvcdEmulator implements ClusterProvisioner {
  readonly #kubeApis = new Map<string, RunningKubeApi>();
  readonly #starting = new Map<string, Promise<RunningKubeApi>>();
  readonly #reconcilers = new Map<string, MachineReconciler>();

  constructor(private readonly ctx: SimContext) {}

  #clusters(): Record<string, WorkloadCluster> {
    return workloadClustersSlice.of(this.ctx.store.world).clusters;
  }

  cluster(clusterId: string): WorkloadCluster {
    const cluster = this.#clusters()[clusterId];
    if (!cluster) throw new CapvcdError(`VCDClusterError: cluster ${clusterId} has no infrastructure yet`);
    return cluster;
  }

  provisionControlPlane(
    clusterId: string,
    manifest: WorkloadClusterManifest,
    owner: { id: string; name: string },
  ): void {
    const world = this.ctx.store.world;
    const now = this.ctx.clock.iso();
    const placement = resolvePlacement(world, manifest);
    const gatewayId = gatewayOf(placement.network);
    const poolName = controlPlanePoolName(manifest.clusterName, manifest.rdeId ?? clusterId);
    // The load balancer comes first in CAPVCD's VCDCluster reconcile: no VM without it. It is
    // looked up by name on every pass (the worker may have re-created it for a retry).
    const pool = adoptControlPlanePool(world, gatewayId, poolName);
    let cluster = this.#clusters()[clusterId];
    if (!cluster) {
      const controlPlane = resolveMachineGroup(world, placement, manifest.controlPlane, 'control-plane');
      const workerPools = manifest.workerPools.map((group) =>
        resolveMachineGroup(world, placement, group, 'worker'),
      );
      const vApp = createClusterVApp(world, this.ctx.store.ids, placement, manifest.clusterName, owner, now);
      cluster = {
        clusterId,
        clusterName: manifest.clusterName,
        namespace: manifest.namespace,
        orgId: placement.org.id,
        vdcId: placement.vdc.id,
        networkId: placement.network.id,
        gatewayId,
        vAppId: vApp.id,
        controlPlanePoolId: pool.id,
        controlPlanePoolName: poolName,
        controlPlanePort: manifest.controlPlaneEndpoint?.port ?? 6443,
        controlPlane,
        workerPools,
        machines: [],
        kubeApi: null,
        pivoted: false,
        capiObjects: [],
        nodesNeedCni: true,
        createdAt: now,
      };
      this.#clusters()[clusterId] = cluster;
    }
    cluster.controlPlanePoolId = pool.id;
    cluster.externalCloudProvider = usesExternalCloudProvider(manifest.objects);
    this.#scaleGroup(cluster, cluster.controlPlane);
    this.#updatePoolMembers(cluster);
    // kubeadm init on the first control-plane machine pulls its images from the registry.
    const first = cluster.machines.find((machine) => machine.role === 'control-plane');
    cluster.kubeadmFailure = first
      ? (kubeadmImagePullError(first.name, manifest.kubeadmImages, manifest.controlPlane.version) ?? null)
      : null;
    this.ctx.store.changed();
  }

  provisionWorkers(clusterId: string): void {
    const cluster = this.cluster(clusterId);
    for (const pool of cluster.workerPools) this.#scaleGroup(cluster, pool);
    this.ctx.store.changed();
  }

  machinesBooted(clusterId: string): void {
    const cluster = this.cluster(clusterId);
    // The VMs run, but kubeadm failed on them: the control plane is never initialised.
    if (cluster.kubeadmFailure) throw new CapvcdError(cluster.kubeadmFailure);
    markMachinesReady(this.ctx.store.world, cluster.machines, this.ctx.clock.iso());
    this.ctx.store.changed();
  }

  async kubeconfig(clusterId: string): Promise<string> {
    const api = await this.#kubeApiOf(this.cluster(clusterId));
    return api.kubeconfig();
  }

  async syncNodes(clusterId: string): Promise<void> {
    const cluster = this.cluster(clusterId);
    const api = this.#kubeApis.get(clusterId);
    if (api) await api.setNodes(this.nodesOf(cluster));
  }

  /** `kubectl apply` of add-on objects to the workload cluster; kept for a restart. */
  async applyAddons(clusterId: string, objects: readonly ManifestObject[]): Promise<void> {
    const cluster = this.cluster(clusterId);
    const api = await this.#kubeApiOf(cluster);
    applyObjects(api.objects, objects);
    const key = (object: { apiVersion: unknown; kind: unknown; metadata?: unknown }) =>
      `${String(object.apiVersion)}/${String(object.kind)}/${JSON.stringify(object.metadata ?? {})}`;
    const added = objects.map((object) => structuredClone(object) as unknown as JsonObject);
    const keys = new Set(added.map((object) => key(object as never)));
    cluster.addonObjects = [
      ...(cluster.addonObjects ?? []).filter((object) => !keys.has(key(object as never))),
      ...added,
    ];
    this.ctx.store.changed();
  }

  rollout(clusterId: string, kind: string, namespace: string, name: string): RolloutState {
    const api = this.#kubeApis.get(clusterId);
    return api ? rolloutState(api.objects, kind, namespace, name) : 'missing';
  }

  /** Why the cluster's booted machines are not all Ready, initialised nodes (empty when they are). */
  nodeProblems(clusterId: string): string[] {
    const cluster = this.cluster(clusterId);
    const api = this.#kubeApis.get(clusterId);
    const expected = this.nodesOf(cluster).map((node) => node.name);
    return api ? nodeProblems(api.objects, expected) : ['the cluster has no API server'];
  }

  async pivot(clusterId: string, manifest: WorkloadClusterManifest): Promise<void> {
    const cluster = this.cluster(clusterId);
    const api = await this.#kubeApiOf(cluster);
    const reconciler = this.#reconcilerOf(cluster, api);
    await reconciler.moveObjects(manifest.objects);
    cluster.pivoted = true;
    this.ctx.store.changed();
    reconciler.start();
  }

  /** Node specs of the cluster's booted machines (what the kubelets register). */
  nodesOf(cluster: WorkloadCluster): KubeNodeSpec[] {
    const vms = vAppsSlice.of(this.ctx.store.world).vms;
    return cluster.machines
      .filter((machine) => this.isMachineReady(machine))
      .map((machine): KubeNodeSpec => {
        const vm = vms[machine.vmId]!;
        return {
          name: machine.name,
          ip: machine.ip,
          role: machine.role,
          cpu: vm.cpuCount,
          memoryMiB: vm.memoryMb,
          providerID: `vmware-cloud-director://${vm.id.split(':').pop()}`,
          // kubeadm nodes have no pod network until a CNI runs (CAPVCD docs/CRS.md).
          cniRequired: cluster.nodesNeedCni === true,
          ...(cluster.externalCloudProvider ? { cloudProvider: 'external' as const } : {}),
        };
      });
  }

  /** Adds the group's missing machines (VMs booting) up to its replicas. */
  #scaleGroup(cluster: WorkloadCluster, group: WorkloadMachineGroup): void {
    const world = this.ctx.store.world;
    const vApp = vAppsSlice.of(world).vApps[cluster.vAppId];
    const network = world.orgVdcNetworks[cluster.networkId];
    if (!vApp || !network)
      throw new CapvcdError(`VCDMachineError: the vApp of cluster ${cluster.clusterName} is gone`);
    const taken = new Set(cluster.machines.map((machine) => machine.name));
    const current = () =>
      cluster.machines.filter((machine) => machine.group === group.name && machine.version === group.version)
        .length;
    while (current() < group.replicas) {
      const name = machineName(group, this.ctx.random, taken);
      taken.add(name);
      cluster.machines.push(
        addMachine(world, this.ctx.store.ids, vApp, network, group, name, this.ctx.clock.iso()),
      );
    }
  }

  /** The adopted pool holds exactly the control-plane machines' addresses. */
  #updatePoolMembers(cluster: WorkloadCluster): void {
    const pool = findPool(this.ctx.store.world, cluster.controlPlanePoolId);
    if (!pool) return;
    const ips = cluster.machines
      .filter((machine) => machine.role === 'control-plane')
      .map((machine) => machine.ip);
    setControlPlaneMembers(pool, ips, cluster.controlPlanePort);
  }

  /** Day-2 changes go through here too (the reconciler owns no world state). */
  scaleAndSync(cluster: WorkloadCluster): void {
    for (const group of [cluster.controlPlane, ...cluster.workerPools]) this.#scaleGroup(cluster, group);
    this.#updatePoolMembers(cluster);
    this.ctx.store.changed();
  }

  /** Deletes the machines' VMs (pool members first, as CAPVCD drains them from the load balancer). */
  retireMachines(cluster: WorkloadCluster, machines: readonly WorkloadMachine[]): void {
    const retired = new Set(machines.map((machine) => machine.vmId));
    cluster.machines = cluster.machines.filter((machine) => !retired.has(machine.vmId));
    this.#updatePoolMembers(cluster);
    for (const machine of machines) removeMachine(this.ctx.store.world, machine);
    this.ctx.store.changed();
  }

  isMachineReady(machine: WorkloadMachine): boolean {
    const vm = vAppsSlice.of(this.ctx.store.world).vms[machine.vmId];
    return vm?.guestState === 'ready' && vm.status === vcdStatus.poweredOn;
  }

  kubeApiOf(clusterId: string): RunningKubeApi | undefined {
    return this.#kubeApis.get(clusterId);
  }

  async #kubeApiOf(cluster: WorkloadCluster): Promise<RunningKubeApi> {
    const running = this.#kubeApis.get(cluster.clusterId);
    if (running) return running;
    let starting = this.#starting.get(cluster.clusterId);
    if (!starting) {
      starting = startWorkloadKubeApi(this.ctx, {
        clusterName: cluster.clusterName,
        kubernetesVersion: cluster.controlPlane.version,
        nodes: this.nodesOf(cluster),
        previous: cluster.kubeApi,
      });
      this.#starting.set(cluster.clusterId, starting);
    }
    try {
      const api = await starting;
      // The cluster may have been torn down while the server started.
      if (this.#clusters()[cluster.clusterId] !== cluster) {
        await api.stop();
        throw new CapvcdError(`VCDClusterError: cluster ${cluster.clusterName} was deleted`);
      }
      this.#kubeApis.set(cluster.clusterId, api);
      // A re-created API server (simulator restart) gets the add-ons back, as the cluster's etcd would keep them.
      if (cluster.addonObjects?.length)
        applyObjects(api.objects, cluster.addonObjects as unknown as ManifestObject[]);
      cluster.kubeApi = api.record();
      this.ctx.store.changed();
      return api;
    } finally {
      this.#starting.delete(cluster.clusterId);
    }
  }

  #reconcilerOf(cluster: WorkloadCluster, api: RunningKubeApi): MachineReconciler {
    let reconciler = this.#reconcilers.get(cluster.clusterId);
    if (!reconciler) {
      reconciler = new MachineReconciler(this.ctx, this, cluster.clusterId, api);
      this.#reconcilers.set(cluster.clusterId, reconciler);
    }
    return reconciler;
  }

  /** Stops the cluster's API server and reconciler and forgets the cluster (its vApp is gone). */
  async teardown(clusterId: string): Promise<void> {
    const cluster = this.#clusters()[clusterId];
    delete this.#clusters()[clusterId];
    if (cluster) {
      // VMs left behind (a vApp deleted VM by VM) go with it; their addresses are free again.
      const vApps = vAppsSlice.of(this.ctx.store.world);
      for (const machine of cluster.machines) {
        const vm = vApps.vms[machine.vmId];
        if (vm && !vApps.vApps[vm.vAppId]) delete vApps.vms[machine.vmId];
      }
      this.ctx.store.changed();
    }
    this.#reconcilers.get(clusterId)?.stop();
    this.#reconcilers.delete(clusterId);
    const api = this.#kubeApis.get(clusterId);
    this.#kubeApis.delete(clusterId);
    await api?.stop();
  }

  /** Tears down clusters whose vApp no longer exists (called on every world change). */
  sweep(): void {
    const vApps = vAppsSlice.of(this.ctx.store.world).vApps;
    for (const cluster of Object.values(this.#clusters())) {
      if (!vApps[cluster.vAppId]) void this.teardown(cluster.clusterId);
    }
  }

  /** After a load: every cluster with an API server gets it back (same port and token when free). */
  async restore(): Promise<void> {
    for (const cluster of Object.values(this.#clusters())) {
      if (!cluster.kubeApi) continue;
      try {
        const api = await this.#kubeApiOf(cluster);
        if (cluster.pivoted) {
          const reconciler = this.#reconcilerOf(cluster, api);
          await reconciler.restoreObjects();
          reconciler.start();
        }
      } catch {
        // A cluster that cannot come back stays in the state without an API server.
      }
    }
  }

  /** Stops every API server (simulator close, world replaced). */
  async stopAll(): Promise<void> {
    for (const reconciler of this.#reconcilers.values()) reconciler.stop();
    this.#reconcilers.clear();
    const apis = [...this.#kubeApis.values()];
    this.#kubeApis.clear();
    await Promise.all(apis.map((api) => api.stop().catch(() => undefined)));
  }
}

/** Whether the manifest's kubelets run with `cloud-provider: external` (kubeadm `kubeletExtraArgs`). */
function usesExternalCloudProvider(objects: readonly ManifestObject[]): boolean {
  const found = (value: unknown): boolean => {
    if (!value || typeof value !== 'object') return false;
    if (Array.isArray(value)) return value.some(found);
    const record = value as Record<string, unknown>;
    const args = record['kubeletExtraArgs'];
    if (
      args &&
      typeof args === 'object' &&
      (args as Record<string, unknown>)['cloud-provider'] === 'external'
    )
      return true;
    return Object.values(record).some(found);
  };
  return objects.some(
    (object) => ['KubeadmControlPlane', 'KubeadmConfigTemplate'].includes(object.kind) && found(object),
  );
}
