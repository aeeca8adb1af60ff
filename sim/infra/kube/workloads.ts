import { createHash } from 'node:crypto';
import type { ClusterObjects } from './cluster-objects.ts';
import { randomSuffix } from './cluster-objects.ts';
import type { KubeObject } from './objects.ts';
import { clone, isOwnedBy, objectAt, ownerReferenceTo, timestamp } from './objects.ts';
import { fitsNode } from './scheduling.ts';
import { isPodReady } from './service-network.ts';

/**
 * The workload controllers of kube-controller-manager, reduced to what readiness checks read:
 * Deployments own a ReplicaSet per template, ReplicaSets and Jobs own pods, DaemonSets own a pod
 * per node that fits. Each `reconcile…` is level-triggered and idempotent; status is written once
 * at the end of a pass (a write that changes nothing is dropped by `ClusterObjects`).
 */
export class WorkloadControllers {
  readonly types;

  constructor(
    private readonly objects: ClusterObjects,
    private readonly now: () => number,
  ) {
    this.types = {
      pods: this.objects.resources.byUrl('', 'v1', 'pods')!,
      nodes: this.objects.resources.byUrl('', 'v1', 'nodes')!,
      deployments: this.objects.resources.byUrl('apps', 'v1', 'deployments')!,
      replicaSets: this.objects.resources.byUrl('apps', 'v1', 'replicasets')!,
      daemonSets: this.objects.resources.byUrl('apps', 'v1', 'daemonsets')!,
      jobs: this.objects.resources.byUrl('batch', 'v1', 'jobs')!,
      secrets: this.objects.resources.byUrl('', 'v1', 'secrets')!,
    };
  }

  reconcileDeployment(namespace: string, name: string): void {
    const deployment = this.objects.find(this.types.deployments, namespace, name);
    if (!deployment) return;
    const spec = objectAt(deployment, 'spec');
    const replicas = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
    const template = objectAt(deployment, 'spec.template');
    const hash = templateHash(template);
    const owned = this.objects
      .list(this.types.replicaSets, namespace)
      .filter((replicaSet) => isOwnedBy(replicaSet, deployment));
    let current = owned.find((replicaSet) => replicaSet.metadata.labels?.['pod-template-hash'] === hash);
    for (const old of owned)
      if (old !== current) this.objects.delete(this.types.replicaSets, namespace, old.metadata.name!);
    const labels = {
      ...(objectAt(template, 'metadata')['labels'] as Record<string, string>),
      'pod-template-hash': hash,
    };
    const desired = {
      replicas,
      selector: {
        ...objectAt(spec, 'selector'),
        matchLabels: {
          ...(objectAt(spec, 'selector')['matchLabels'] as Record<string, string>),
          'pod-template-hash': hash,
        },
      },
      template: { ...clone(template), metadata: { ...objectAt(template, 'metadata'), labels } },
    };
    if (!current) {
      current = this.objects.create(this.types.replicaSets, namespace, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${name}-${hash}`,
          namespace,
          labels,
          annotations: { 'deployment.kubernetes.io/revision': String(deployment.metadata.generation ?? 1) },
          ownerReferences: [ownerReferenceTo(deployment)],
        },
        spec: desired,
      });
    } else if (JSON.stringify(current['spec']) !== JSON.stringify(desired)) {
      current = this.objects.update(this.types.replicaSets, namespace, current.metadata.name!, {
        ...current,
        spec: desired,
      });
    }
    const rsStatus = objectAt(current, 'status');
    const ready = Number(rsStatus['readyReplicas'] ?? 0);
    const available = Number(rsStatus['availableReplicas'] ?? 0);
    const total = Number(rsStatus['replicas'] ?? 0);
    const time = timestamp(this.now());
    const previous = objectAt(deployment, 'status');
    const isAvailable = available >= replicas;
    const complete = isAvailable && total === replicas;
    const status = {
      observedGeneration: deployment.metadata.generation,
      replicas: total,
      updatedReplicas: total,
      readyReplicas: ready,
      availableReplicas: available,
      ...(replicas - available > 0 ? { unavailableReplicas: replicas - available } : {}),
      conditions: [
        condition(
          previous,
          'Available',
          isAvailable ? 'True' : 'False',
          isAvailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          isAvailable
            ? 'Deployment has minimum availability.'
            : 'Deployment does not have minimum availability.',
          time,
        ),
        condition(
          previous,
          'Progressing',
          'True',
          complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
          complete
            ? `ReplicaSet "${current.metadata.name}" has successfully progressed.`
            : `ReplicaSet "${current.metadata.name}" is progressing.`,
          time,
        ),
      ],
    };
    this.#writeStatus(this.types.deployments, deployment, status);
  }

  reconcileReplicaSet(namespace: string, name: string): void {
    const replicaSet = this.objects.find(this.types.replicaSets, namespace, name);
    if (!replicaSet) return;
    const replicas = Number(objectAt(replicaSet, 'spec')['replicas'] ?? 1);
    const pods = this.#ownedPods(replicaSet).filter((pod) => !isFinished(pod));
    for (let count = pods.length; count < replicas; count++)
      pods.push(
        this.#createPod(replicaSet, objectAt(replicaSet, 'spec.template'), `${name}-${randomSuffix()}`),
      );
    for (const extra of pods.splice(replicas))
      this.objects.delete(this.types.pods, namespace, extra.metadata.name!);
    const ready = pods.filter(isPodReady).length;
    this.#writeStatus(this.types.replicaSets, replicaSet, {
      replicas: pods.length,
      fullyLabeledReplicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: replicaSet.metadata.generation,
    });
  }

  reconcileDaemonSet(namespace: string, name: string): void {
    const daemonSet = this.objects.find(this.types.daemonSets, namespace, name);
    if (!daemonSet) return;
    const template = objectAt(daemonSet, 'spec.template');
    const hash = templateHash(template);
    const nodes = this.objects
      .list(this.types.nodes)
      .filter((node) => fitsNode(objectAt(template, 'spec'), node));
    const pods = this.#ownedPods(daemonSet);
    for (const pod of pods) {
      const onNode = nodes.some((node) => node.metadata.name === objectAt(pod, 'spec')['nodeName']);
      if (!onNode || pod.metadata.labels?.['controller-revision-hash'] !== hash)
        this.objects.delete(this.types.pods, namespace, pod.metadata.name!);
    }
    const kept = this.#ownedPods(daemonSet);
    for (const node of nodes) {
      if (kept.some((pod) => objectAt(pod, 'spec')['nodeName'] === node.metadata.name)) continue;
      const labels = {
        ...(objectAt(template, 'metadata')['labels'] as Record<string, string>),
        'controller-revision-hash': hash,
      };
      const podTemplate = { ...clone(template), metadata: { ...objectAt(template, 'metadata'), labels } };
      kept.push(this.#createPod(daemonSet, podTemplate, `${name}-${randomSuffix()}`, node.metadata.name));
    }
    const ready = kept.filter(isPodReady).length;
    this.#writeStatus(this.types.daemonSets, daemonSet, {
      currentNumberScheduled: kept.length,
      desiredNumberScheduled: nodes.length,
      numberMisscheduled: 0,
      numberReady: ready,
      numberAvailable: ready,
      updatedNumberScheduled: kept.length,
      ...(nodes.length - ready > 0 ? { numberUnavailable: nodes.length - ready } : {}),
      observedGeneration: daemonSet.metadata.generation,
    });
  }

  reconcileJob(namespace: string, name: string): void {
    const job = this.objects.find(this.types.jobs, namespace, name);
    if (!job) return;
    const spec = objectAt(job, 'spec');
    const completions = Number(spec['completions'] ?? 1);
    const backoffLimit = Number(spec['backoffLimit'] ?? 6);
    const previous = objectAt(job, 'status');
    const finished = ((previous['conditions'] ?? []) as { type: string; status: string }[]).some(
      (entry) => (entry.type === 'Complete' || entry.type === 'Failed') && entry.status === 'True',
    );
    const pods = this.#ownedPods(job);
    const phase = (pod: KubeObject) => objectAt(pod, 'status')['phase'];
    const succeeded = pods.filter((pod) => phase(pod) === 'Succeeded').length;
    const failed = pods.filter((pod) => phase(pod) === 'Failed').length;
    let active = pods.filter((pod) => phase(pod) !== 'Succeeded' && phase(pod) !== 'Failed').length;
    if (!finished && failed <= backoffLimit)
      for (; succeeded + active < completions; active++) {
        const labels = {
          ...(objectAt(spec, 'template.metadata')['labels'] as Record<string, string>),
          'batch.kubernetes.io/controller-uid': job.metadata.uid!,
          'batch.kubernetes.io/job-name': name,
          'controller-uid': job.metadata.uid!,
          'job-name': name,
        };
        const template = {
          ...objectAt(spec, 'template'),
          metadata: { ...objectAt(spec, 'template.metadata'), labels },
        };
        this.#createPod(job, template, `${name}-${randomSuffix()}`);
      }
    const time = timestamp(this.now());
    const complete = succeeded >= completions;
    const failedForGood = !complete && failed > backoffLimit;
    const conditions = complete
      ? [
          condition(
            previous,
            'SuccessCriteriaMet',
            'True',
            'CompletionsReached',
            'Reached expected number of succeeded pods',
            time,
          ),
          condition(
            previous,
            'Complete',
            'True',
            'CompletionsReached',
            'Reached expected number of succeeded pods',
            time,
          ),
        ]
      : failedForGood
        ? [
            condition(
              previous,
              'Failed',
              'True',
              'BackoffLimitExceeded',
              'Job has reached the specified backoff limit',
              time,
            ),
          ]
        : undefined;
    this.#writeStatus(this.types.jobs, job, {
      startTime: previous['startTime'] ?? time,
      ...(complete ? { completionTime: previous['completionTime'] ?? time } : {}),
      ...(active && !complete ? { active } : {}),
      ...(succeeded ? { succeeded } : {}),
      ...(failed ? { failed } : {}),
      ready: pods.filter(isPodReady).length,
      ...(conditions ? { conditions } : {}),
    });
    if (complete && !finished) this.#emulateJobEffects(job);
  }

  /**
   * What a finished Job's program would have written. Contour's certgen Job creates the TLS
   * secrets of the Contour–Envoy link, which Contour's readiness checks look for.
   */
  #emulateJobEffects(job: KubeObject): void {
    const containers = (objectAt(job, 'spec.template.spec')['containers'] ?? []) as {
      command?: string[];
      args?: string[];
    }[];
    const certgen = containers.some((container) =>
      [...(container.command ?? []), ...(container.args ?? [])].includes('certgen'),
    );
    if (!certgen) return;
    const namespace = job.metadata.namespace!;
    for (const name of ['contourcert', 'envoycert']) {
      if (this.objects.find(this.types.secrets, namespace, name)) continue;
      const fake = Buffer.from(`emulated ${name}`).toString('base64');
      this.objects.create(this.types.secrets, namespace, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace, labels: { app: 'contour' } },
        type: 'kubernetes.io/tls',
        data: { 'ca.crt': fake, 'tls.crt': fake, 'tls.key': fake },
      });
    }
  }

  #ownedPods(owner: KubeObject): KubeObject[] {
    return this.objects
      .list(this.types.pods, owner.metadata.namespace)
      .filter((pod) => isOwnedBy(pod, owner));
  }

  #createPod(
    owner: KubeObject,
    template: Record<string, unknown>,
    name: string,
    nodeName?: string,
  ): KubeObject {
    const podSpec = clone(objectAt(template, 'spec'));
    if (nodeName) podSpec['nodeName'] = nodeName;
    return this.objects.create(this.types.pods, owner.metadata.namespace!, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...clone(objectAt(template, 'metadata')),
        name,
        namespace: owner.metadata.namespace,
        ownerReferences: [ownerReferenceTo(owner)],
      },
      spec: podSpec,
      status: { phase: 'Pending' },
    });
  }

  #writeStatus(
    type: (typeof this.types)[keyof typeof this.types],
    object: KubeObject,
    status: Record<string, unknown>,
  ): void {
    if (JSON.stringify(object['status']) === JSON.stringify(status)) return;
    this.objects.update(
      type,
      object.metadata.namespace ?? '',
      object.metadata.name!,
      { ...object, status },
      { subresource: 'status' },
    );
  }
}

/** A condition that keeps its transition time while its status stays the same. */
export function condition(
  previousStatus: Record<string, unknown>,
  type: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
  time: string,
): Record<string, string> {
  const before = ((previousStatus['conditions'] ?? []) as Record<string, string>[]).find(
    (entry) => entry.type === type,
  );
  const since = before && before['status'] === status ? before : undefined;
  return {
    type,
    status,
    lastUpdateTime: since && before?.['reason'] === reason ? (before['lastUpdateTime'] ?? time) : time,
    lastTransitionTime: since?.['lastTransitionTime'] ?? time,
    reason,
    message,
  };
}

const isFinished = (pod: KubeObject): boolean =>
  ['Succeeded', 'Failed'].includes(String(objectAt(pod, 'status')['phase']));

/** A short, stable hash of a pod template, like `pod-template-hash` (10 characters). */
export function templateHash(template: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(template)).digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...digest.subarray(0, 10)].map((byte) => alphabet[byte % alphabet.length]).join('');
}
