import type { SimContext } from '../../context.ts';
import { startKubeApiServer, type KubeApiServer, type KubeNodeSpec } from '../kube/api-server.ts';
import type { ClusterObjects } from '../kube/cluster-objects.ts';
import type { WorkloadKubeApi } from './workload-clusters.ts';

/** A workload cluster's running API server, as the emulated CAPVCD uses it. */
export interface RunningKubeApi {
  kubeconfig(): string;
  setNodes(nodes: KubeNodeSpec[]): void;
  /** In-process object access (what the moved Cluster API controllers read and write). */
  objects: ClusterObjects;
  /** What the world keeps, to bring the server back after a restart. */
  record(): WorkloadKubeApi;
  stop(): Promise<void>;
}

/**
 * Starts the per-cluster API server on the simulator's host with its clock and latency model. The
 * kubeconfig points at the server's loopback URL: in VCD it would be the control-plane VIP on
 * 6443, which is not routable here. After a restart the server comes back on the same port and
 * token when the port is free (its CA is new, so clients need the kubeconfig again).
 */
export async function startWorkloadKubeApi(
  ctx: SimContext,
  input: {
    clusterName: string;
    kubernetesVersion: string;
    nodes: KubeNodeSpec[];
    previous: WorkloadKubeApi | null;
  },
): Promise<RunningKubeApi> {
  const start = (port: number): Promise<KubeApiServer> =>
    startKubeApiServer({
      host: ctx.options.host,
      port,
      clusterName: input.clusterName,
      kubernetesVersion: input.kubernetesVersion,
      nodes: input.nodes,
      token: input.previous?.token,
      clock: ctx.clock,
      latency: ctx.latency,
    });
  let server: KubeApiServer;
  try {
    server = await start(input.previous?.port ?? 0);
  } catch (error) {
    if (!input.previous) throw error;
    server = await start(0);
  }
  return {
    kubeconfig: () => server.kubeconfig(),
    setNodes: (nodes) => server.setNodes(nodes),
    objects: server.objects,
    record: () => ({
      url: server.url,
      port: Number(new URL(server.url).port),
      token: server.token,
      kubeconfig: server.kubeconfig(),
    }),
    stop: () => server.stop(),
  };
}
