/**
 * The cluster's secrets (owner's API token, bootstrap secret, kubeconfig) live only in the entity's secure
 * `private` section, which the entity API never shows in clear (masked from API 38.0, omitted before): VCD hands it
 * to behaviour executors, and to `fullContents` for explicit Full Control. So
 * this vault learns them from behaviour invocations this worker receives (hooks carry the entity), from the API
 * call that created the cluster, and, when it knows nothing (after a restart), by invoking a behaviour on the
 * entity itself and reading the invocation that comes back. Only values that never change, plus the kubeconfig
 * once set, are kept in memory. Over AMQP VCD runs no behaviour for us, so there the worker grants its own account
 * explicit Full Control of each cluster it creates and reads the secure section through `fullContents` instead.
 */
import { clusterBehaviourId } from '../../behaviours/index.ts';
import type { VcdClient } from '../vcd/client.ts';
import { SECURE_MASK, type SecureMask } from '../vcd/rde-secure-fields.ts';
import { getFullContents, grantEntityAccess, invokeBehavior } from '../vcd/rde-writes.ts';
import type { ClusterSecrets } from './spec.ts';

export class SecretsUnavailableError extends Error {
  override readonly name = 'SecretsUnavailableError';
}

export interface SecretSource {
  read(clusterId: string): Promise<ClusterSecrets>;
  /** Learns the secure section from a place that has it in clear; a masked or missing one teaches nothing. */
  remember(clusterId: string, secrets: ClusterSecrets | SecureMask | undefined): void;
  forget(clusterId: string): void;
  /** Called once a cluster entity exists, before anything needs its secrets again. */
  prepare?(clusterId: string): Promise<void>;
}

/** Where the secure section comes from when the vault does not know it: an MQTT behaviour, or `fullContents`. */
export type SecureSectionSource = 'behaviour' | 'fullContents';

export class SecretVault implements SecretSource {
  readonly #known = new Map<string, ClusterSecrets>();
  readonly #pending = new Map<string, Promise<ClusterSecrets>>();
  /** Who waits for a cluster's secure section to come in with a behaviour invocation. */
  readonly #arrivals = new Map<string, Set<() => void>>();

  #selfId?: Promise<string>;

  constructor(
    private readonly vcd: VcdClient,
    private readonly source: SecureSectionSource = 'behaviour',
  ) {}

  /** With `fullContents`: grants the worker's account the explicit Full Control VCD asks for that read. */
  async prepare(clusterId: string): Promise<void> {
    if (this.source !== 'fullContents') return;
    this.#selfId ??= this.vcd
      .get<{ user: { id: string } }>('/cloudapi/1.0.0/sessions/current')
      .then((response) => response.body.user.id)
      .catch((error: unknown) => {
        this.#selfId = undefined;
        throw error;
      });
    await grantEntityAccess(this.vcd, clusterId, await this.#selfId, 'urn:vcloud:accessLevel:FullControl');
  }

  remember(clusterId: string, secrets: ClusterSecrets | SecureMask | undefined): void {
    if (!secrets || typeof secrets !== 'object') return;
    const clean: ClusterSecrets = {};
    for (const key of ['kubeconfig', 'apiToken', 'apiTokenId', 'bootstrapSecret'] as const) {
      const value = secrets[key];
      if (typeof value === 'string' && value !== '' && value !== SECURE_MASK) clean[key] = value;
    }
    if (Object.keys(clean).length === 0) return;
    this.#known.set(clusterId, { ...this.#known.get(clusterId), ...clean });
    for (const wake of this.#arrivals.get(clusterId) ?? []) wake();
  }

  forget(clusterId: string): void {
    this.#known.delete(clusterId);
  }

  async read(clusterId: string): Promise<ClusterSecrets> {
    const known = this.#known.get(clusterId);
    if (known?.apiToken && known.bootstrapSecret) return known;
    let pending = this.#pending.get(clusterId);
    if (!pending) {
      pending = this.#fetch(clusterId).finally(() => this.#pending.delete(clusterId));
      this.#pending.set(clusterId, pending);
    }
    return pending;
  }

  /** Fresh read of the kubeconfig (set once, after the bootstrap reported it). */
  async kubeconfig(clusterId: string): Promise<string | undefined> {
    const known = await this.read(clusterId);
    if (known.kubeconfig) return known.kubeconfig;
    return (await this.#fetch(clusterId)).kubeconfig;
  }

  async #fetch(clusterId: string): Promise<ClusterSecrets> {
    if (this.source === 'fullContents') {
      const rde = await getFullContents<{ private?: ClusterSecrets | SecureMask }>(this.vcd, clusterId);
      this.remember(clusterId, rde.entity.private);
      return this.#known.get(clusterId) ?? {};
    }
    // The invocation reaches this worker's behaviour handler, or on an MQTT standby replica its observer (another
    // replica answers it), and either calls `remember`: the secrets count from then, whenever the task ends.
    let arrived = false;
    let wake!: () => void;
    const arrival = new Promise<void>((resolve) => (wake = resolve)).then(() => void (arrived = true));
    const waiters = this.#arrivals.get(clusterId) ?? new Set<() => void>();
    waiters.add(wake);
    this.#arrivals.set(clusterId, waiters);
    try {
      const invoked = invokeBehavior(
        this.vcd,
        clusterId,
        clusterBehaviourId('reconcileAfterUpdate'),
        { arguments: { reason: 'read-secrets' } },
        { initialPollMs: 10, maxPollMs: 100, timeoutMs: 60_000 },
      );
      invoked.catch(() => undefined);
      try {
        await Promise.race([arrival, invoked]);
      } catch (error) {
        if (!arrived) throw error;
      }
      // Answered by another replica: this replica's copy of the invocation may trail the answer a little.
      if (!arrived)
        await Promise.race([arrival, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    } finally {
      waiters.delete(wake);
      if (waiters.size === 0) this.#arrivals.delete(clusterId);
    }
    const known = this.#known.get(clusterId);
    if (!known) {
      throw new SecretsUnavailableError(
        `the secure section of cluster ${clusterId} did not reach this worker; check that the worker receives MQTT behaviour invocations`,
      );
    }
    return known;
  }
}
