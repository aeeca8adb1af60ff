import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { SimClock } from '../clock.ts';
import { FaultInjector } from '../faults.ts';
import { LatencyModel } from '../latency.ts';
import { registerAdmissions } from './admissions.ts';
import { createServingCertificates } from './certificates.ts';
import { ClusterObjects } from './cluster-objects.ts';
import { ControllerManager } from './controller-manager.ts';
import { createHttpApi } from './http-api.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import type { KubeNodeSpec } from './nodes.ts';
import { syncNodes } from './nodes.ts';
import { ObjectStore } from './object-store.ts';
import type { KubeObject } from './objects.ts';
import { objectAt } from './objects.ts';
import { ResourceRegistry, groupVersionOf } from './resources.ts';
import { seedSystemWorkloads } from './system-workloads.ts';

export type { KubeNodeSpec } from './nodes.ts';

export interface KubeApiServerOptions {
  host: string;
  /** 0 for a free port. */
  port: number;
  clusterName: string;
  /** As kubelets report it, e.g. `v1.28.7+vmware.1`. */
  kubernetesVersion: string;
  nodes: KubeNodeSpec[];
  /** HTTPS with an in-process CA (default), or plain HTTP. */
  tls?: boolean;
  /** Extra names/IPs for the serving certificate (e.g. the control-plane VIP). */
  certificateHosts?: string[];
  /** Bearer token of the kubeconfig's user; random by default. */
  token?: string;
  /** The simulator's clock and latency model; a private pair (speed `speed`, default 1) otherwise. */
  clock?: SimClock;
  latency?: LatencyModel;
  speed?: number;
}

export interface KubeClusterSnapshot {
  clusterName: string;
  kubernetesVersion: string;
  url: string;
  nodes: { name: string; ip: string; roles: string[]; ready: boolean }[];
  namespaces: string[];
  objects: { apiVersion: string; kind: string; namespace?: string; name: string; ready?: boolean }[];
}

export interface KubeApiServer {
  url: string;
  /** Base64 PEM of the cluster CA, as in `certificate-authority-data` (TLS only). */
  caData?: string;
  token: string;
  /** The admin kubeconfig; `server` overrides the URL written in it. */
  kubeconfig(options?: { server?: string }): string;
  /** Makes the Node objects match (nodes joining, leaving, becoming NotReady). */
  setNodes(nodes: KubeNodeSpec[]): void;
  /** In-process access to the objects (the emulated bootstrap may write CAPI objects directly). */
  objects: ClusterObjects;
  state(): KubeClusterSnapshot;
  stop(): Promise<void>;
}

/** Ready as the usual readiness checks judge it, for the snapshot. */
function readiness(object: KubeObject): boolean | undefined {
  const status = objectAt(object, 'status');
  const spec = objectAt(object, 'spec');
  const conditions = (status['conditions'] ?? []) as { type: string; status: string }[];
  const isTrue = (type: string) => conditions.some((entry) => entry.type === type && entry.status === 'True');
  switch (object.kind) {
    case 'Deployment':
      return Number(status['availableReplicas'] ?? 0) >= Number(spec['replicas'] ?? 1) && isTrue('Available');
    case 'DaemonSet':
      return Number(status['numberReady'] ?? -1) === Number(status['desiredNumberScheduled'] ?? -2);
    case 'Job':
      return isTrue('Complete');
    case 'Pod':
    case 'Node':
      return isTrue('Ready');
    default:
      return undefined;
  }
}

/**
 * Starts one emulated workload cluster's Kubernetes API server: a fresh object store with the
 * system namespaces and pods, the given nodes, controllers driven by the simulator's latency
 * model, served over HTTPS (own CA) with a bearer token.
 */
export async function startKubeApiServer(options: KubeApiServerOptions): Promise<KubeApiServer> {
  const clock = options.clock ?? new SimClock();
  const latency =
    options.latency ?? new LatencyModel(options.speed ?? 1, clock, new FaultInjector(() => Math.random()));
  const token = options.token ?? randomBytes(24).toString('base64url');
  const store = new ObjectStore();
  const objects = new ClusterObjects(store, new ResourceRegistry(), () => clock.now());
  registerAdmissions(objects);
  const controllers = new ControllerManager(objects, clock, latency);
  seedSystemWorkloads(objects, options.kubernetesVersion);
  syncNodes(objects, options.nodes, options.kubernetesVersion, clock.now());
  controllers.start();

  const tls = options.tls ?? true;
  const certificates = tls
    ? createServingCertificates([
        options.host,
        '127.0.0.1',
        'localhost',
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local',
        '10.96.0.1',
        ...(options.certificateHosts ?? []),
      ])
    : undefined;
  const watches = new Set<ServerResponse>();
  let address = `${options.host}:${options.port}`;
  const handler = createHttpApi({
    objects,
    token,
    kubernetesVersion: options.kubernetesVersion,
    now: () => clock.now(),
    serverAddress: () => address,
    watches,
  });
  const server: Server = certificates
    ? createHttpsServer(
        { key: certificates.keyPem, cert: certificates.certPem + certificates.caPem },
        handler,
      )
    : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  address = `${hostForUrl}:${port}`;
  const url = `${tls ? 'https' : 'http'}://${address}`;
  const caData = certificates ? Buffer.from(certificates.caPem).toString('base64') : undefined;

  return {
    url,
    caData,
    token,
    objects,
    kubeconfig: (overrides) =>
      renderKubeconfig({ clusterName: options.clusterName, server: overrides?.server ?? url, caData, token }),
    setNodes: (nodes) => syncNodes(objects, nodes, options.kubernetesVersion, clock.now()),
    state: () => {
      const nodes = objects.list(objects.typeOf('v1', 'Node'));
      return {
        clusterName: options.clusterName,
        kubernetesVersion: options.kubernetesVersion,
        url,
        nodes: nodes.map((node) => ({
          name: node.metadata.name!,
          ip:
            ((objectAt(node, 'status')['addresses'] ?? []) as { type: string; address: string }[]).find(
              (entry) => entry.type === 'InternalIP',
            )?.address ?? '',
          roles: Object.keys(node.metadata.labels ?? {})
            .filter((label) => label.startsWith('node-role.kubernetes.io/'))
            .map((label) => label.slice('node-role.kubernetes.io/'.length)),
          ready: readiness(node) ?? false,
        })),
        namespaces: objects
          .list(objects.typeOf('v1', 'Namespace'))
          .map((namespace) => namespace.metadata.name!),
        objects: store.entries().map(({ group, plural, object }) => {
          const type = objects.resources
            .all()
            .find((candidate) => candidate.group === group && candidate.plural === plural);
          const ready = readiness(object);
          return {
            apiVersion: type ? groupVersionOf(type) : object.apiVersion,
            kind: object.kind,
            ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
            name: object.metadata.name!,
            ...(ready === undefined ? {} : { ready }),
          };
        }),
      };
    },
    stop: async () => {
      controllers.stop();
      for (const watch of watches) watch.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
