/**
 * A workload cluster's Kubernetes API from its admin kubeconfig (`@kubernetes/client-node`): server-side apply of
 * a multi-document manifest, reads, and waiting until Deployments, DaemonSets and Jobs are done rolling out —
 * polled with short backoff, since a watch per object is more machinery than these few objects need.
 */
import { Agent } from 'node:https';
import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
  type RequestContext,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

export const FIELD_MANAGER = 'cse';

export interface KubeObject extends KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The documents of a YAML stream that are Kubernetes objects (empty documents dropped). */
export function parseManifest(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0)
      throw new Error(`manifest is not valid YAML: ${document.errors[0]!.message}`);
    const value = document.toJSON() as unknown;
    if (value === null || value === undefined) continue;
    const object = value as Partial<KubeObject>;
    if (typeof object !== 'object' || !object.apiVersion || !object.kind || !object.metadata?.name) {
      throw new Error('manifest holds a document that is not a Kubernetes object');
    }
    objects.push(object as KubeObject);
  }
  return objects;
}

/**
 * client-node gives every request a new HTTPS agent, so every request pays a TLS handshake; this keeps one
 * keep-alive agent with the same TLS options for all requests of a client (proxy agents are left as they are).
 */
class KeepAliveKubeConfig extends KubeConfig {
  #agent: Agent | undefined;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getAgent();
    if (!(fresh instanceof Agent)) return;
    this.#agent ??= new Agent({ ...fresh.options, keepAlive: true });
    context.setAgent(this.#agent);
  }

  close(): void {
    this.#agent?.destroy();
    this.#agent = undefined;
  }
}

export class KubeClient {
  readonly api: KubernetesObjectApi;
  readonly #config = new KeepAliveKubeConfig();

  constructor(kubeconfig: string) {
    this.#config.loadFromString(kubeconfig);
    this.api = KubernetesObjectApi.makeApiClient(this.#config);
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.#config.close();
  }

  /** Server-side apply, our field manager, conflicts forced (we own these objects). */
  async apply(object: KubeObject): Promise<KubeObject> {
    return (await this.api.patch(
      object,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    )) as KubeObject;
  }

  /**
   * Applies namespaces and CRDs first (later documents need their kinds), then everything else, each group in
   * parallel (a manifest's objects do not depend on each other's creation order beyond that).
   */
  async applyAll(objects: KubeObject[], parallel = 8): Promise<void> {
    const first = objects.filter(
      (object) => object.kind === 'Namespace' || object.kind === 'CustomResourceDefinition',
    );
    const rest = objects.filter((object) => !first.includes(object));
    for (const group of [first, rest]) {
      let next = 0;
      const lanes = Array.from({ length: Math.min(parallel, group.length) }, async () => {
        while (next < group.length) await this.apply(group[next++]!);
      });
      await Promise.all(lanes);
    }
  }

  async read(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): Promise<KubeObject | undefined> {
    try {
      return (await this.api.read({ apiVersion, kind, metadata: { name, namespace } })) as KubeObject;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }

  async list(apiVersion: string, kind: string, namespace?: string): Promise<KubeObject[]> {
    return (await this.api.list(apiVersion, kind, namespace)).items as KubeObject[];
  }
}

/** Whether a workload object has finished rolling out (Deployment available, DaemonSet ready, Job complete). */
export function rolledOut(object: KubeObject | undefined): boolean {
  if (!object) return false;
  const status = (object.status ?? {}) as Record<string, unknown>;
  const number = (key: string) => (typeof status[key] === 'number' ? (status[key] as number) : 0);
  switch (object.kind) {
    case 'Deployment': {
      const desired = typeof object.spec?.['replicas'] === 'number' ? (object.spec['replicas'] as number) : 1;
      return number('availableReplicas') >= desired && number('updatedReplicas') >= desired;
    }
    case 'DaemonSet': {
      const desired = number('desiredNumberScheduled');
      return desired > 0 && number('numberReady') >= desired && number('updatedNumberScheduled') >= desired;
    }
    case 'Job': {
      const conditions = (status['conditions'] as Array<{ type: string; status: string }> | undefined) ?? [];
      return number('succeeded') >= 1 || conditions.some((c) => c.type === 'Complete' && c.status === 'True');
    }
    default:
      return true;
  }
}

/** Waits until every named workload has rolled out; short backoff, bounded by `timeoutMs`. */
export async function waitForRollout(
  client: KubeClient,
  workloads: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
    /** A finished Job may be gone already (`ttlSecondsAfterFinished`): absent counts as done. */
    doneWhenAbsent?: boolean;
  }>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  for (;;) {
    const pending: string[] = [];
    for (const workload of workloads) {
      const object = await client.read(workload.apiVersion, workload.kind, workload.name, workload.namespace);
      if (object === undefined && workload.doneWhenAbsent) continue;
      if (!rolledOut(object)) pending.push(`${workload.kind}/${workload.name}`);
    }
    if (pending.length === 0) return;
    if (Date.now() + delay > deadline) {
      throw new RolloutTimeoutError(
        `not ready within ${Math.round(timeoutMs / 1000)} s: ${pending.join(', ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(500, delay * 2);
  }
}

export class RolloutTimeoutError extends Error {
  override readonly name = 'RolloutTimeoutError';
}

export interface NodeSummary {
  name: string;
  /** InternalIP. */
  ip: string;
  ready: boolean;
  controlPlane: boolean;
  /** `status.nodeInfo.kubeletVersion`, or '' when the kubelet has not said. */
  kubeletVersion: string;
  /** `spec.providerID` (CAPVCD: `vmware-cloud-director://<vm uuid>`), or ''. */
  providerId: string;
}

/** Each node with an InternalIP; `workersOnly` leaves out control-plane nodes. */
export async function nodeAddresses(client: KubeClient, workersOnly: boolean): Promise<NodeSummary[]> {
  const nodes = await client.list('v1', 'Node');
  return nodes
    .map((node): NodeSummary => {
      const labels = node.metadata.labels ?? {};
      const controlPlane =
        'node-role.kubernetes.io/control-plane' in labels || 'node-role.kubernetes.io/master' in labels;
      const status = (node.status ?? {}) as {
        addresses?: Array<{ type: string; address: string }>;
        conditions?: Array<{ type: string; status: string }>;
        nodeInfo?: { kubeletVersion?: string };
      };
      const ip = status.addresses?.find((address) => address.type === 'InternalIP')?.address ?? '';
      const ready = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      const providerId = node.spec?.['providerID'];
      return {
        name: node.metadata.name,
        ip,
        ready,
        controlPlane,
        kubeletVersion: status.nodeInfo?.kubeletVersion ?? '',
        providerId: typeof providerId === 'string' ? providerId : '',
      };
    })
    .filter((node) => node.ip !== '' && (!workersOnly || !node.controlPlane));
}
