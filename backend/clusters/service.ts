/**
 * The cluster operations behind the API and the behaviours: create (validated against the caller's org and the
 * capacity it needs, then one RDE with the secrets only in its secure section), delete and force delete, retry,
 * kubeconfig (audited), events, and the bootstrap VM's phase reports (one-time secret, constant-time compare).
 * Each change is an ETag-guarded write, followed by a wake-up of the reconciler.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  CLUSTER_NSS,
  CLUSTER_TYPE_ID,
  CLUSTER_TYPE_VERSION,
  CLUSTER_VENDOR,
} from '../../behaviours/index.ts';
import { bootstrapPhaseNames, isBootstrapPhase, type BootstrapReport } from '../bootstrap/phases.ts';
import type { VcdClient } from '../vcd/client.ts';
import { eq } from '../vcd/fiql.ts';
import { createEntity, listEntities } from '../vcd/rde.ts';
import { checkCapacity, lookUpContext, type CapacityProblem } from './context-checks.ts';
import { recordEvent } from './events.ts';
import { createStepNames } from './phases.ts';
import type { SecretSource } from './secrets.ts';
import {
  validateCreateRequest,
  type ClusterEntity,
  type ClusterSecrets,
  type FieldError,
  type TemplateOffer,
} from './spec.ts';
import type { ClusterRde, ClusterStore } from './store.ts';

export type ClusterProblem =
  | { kind: 'invalid'; errors: Array<FieldError | CapacityProblem> }
  | { kind: 'notFound' }
  | { kind: 'conflict'; message: string }
  | { kind: 'secret' }
  | { kind: 'report'; message: string };

export class ClusterRequestError extends Error {
  override readonly name = 'ClusterRequestError';
  constructor(readonly problem: ClusterProblem) {
    super(problem.kind === 'invalid' ? problem.errors.map((error) => error.message).join(' ') : problem.kind);
  }
}

export interface Caller {
  userId: string;
  userName?: string;
  orgId: string;
  isProvider: boolean;
  /** The caller's VCD client (own bearer, or the service account in the caller's org). */
  vcd: VcdClient;
}

export interface ClusterServiceOptions {
  store: ClusterStore;
  /** The service account. */
  vcd: VcdClient;
  secrets: SecretSource;
  wake(id: string): void;
  /**
   * The provider's template decisions: narrows the templates VCD shows the org to those published to it, with the
   * date an expired one expired (refused at create). Absent: every visible template is offered.
   */
  templateOffers?(orgId: string, visible: readonly TemplateOffer[]): Promise<TemplateOffer[]>;
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

export class ClusterService {
  constructor(private readonly options: ClusterServiceOptions) {}

  /** The cluster if the caller may see it. */
  async visible(caller: Caller, id: string): Promise<ClusterRde> {
    const stored = await this.options.store.read(id);
    if (!stored || (!caller.isProvider && stored.rde.org?.id !== caller.orgId)) {
      throw new ClusterRequestError({ kind: 'notFound' });
    }
    return stored.rde;
  }

  async create(caller: Caller, body: unknown): Promise<{ id: string }> {
    const first = validateCreateRequest(body);
    if (!first.ok) throw new ClusterRequestError({ kind: 'invalid', errors: first.errors });
    const spec = first.spec;
    const [names, looked] = await Promise.all([
      this.#clusterNamesInOrg(caller.orgId, spec.name),
      lookUpContext(caller.vcd, spec, []),
    ]);
    const { context, gateways } = looked;
    context.existingClusterNames = names;
    if (this.options.templateOffers && context.templates) {
      context.templates = await this.options.templateOffers(caller.orgId, context.templates);
    }
    const checked = validateCreateRequest(body, context);
    if (!checked.ok) throw new ClusterRequestError({ kind: 'invalid', errors: checked.errors });
    const gateway = gateways.get(spec.network);
    if (gateway) {
      const problems = await checkCapacity(caller.vcd, checked.spec, gateway);
      if (problems.length > 0) throw new ClusterRequestError({ kind: 'invalid', errors: problems });
    }
    const secrets: ClusterSecrets = {
      ...checked.secrets,
      bootstrapSecret: randomBytes(32).toString('base64url'),
    };
    const entity: ClusterEntity = { spec: checked.spec, private: secrets };
    const id = await createEntity(
      caller.vcd,
      CLUSTER_TYPE_ID,
      { name: spec.name, entity },
      { initialPollMs: 10, maxPollMs: 100 },
    );
    this.options.secrets.remember(id, secrets);
    await this.options.secrets.prepare?.(id);
    // VCD validates new entities against the type's schema when asked to resolve them.
    await this.options.vcd
      .post(`/cloudapi/1.0.0/entities/${encodeURIComponent(id)}/resolve`, undefined, {
        allowStatus: [400, 404, 409],
      })
      .catch(() => undefined);
    this.options.wake(id);
    return { id };
  }

  async #clusterNamesInOrg(orgId: string, name: string): Promise<string[]> {
    const page = await listEntities<ClusterEntity>(
      this.options.vcd,
      { vendor: CLUSTER_VENDOR, nss: CLUSTER_NSS, version: CLUSTER_TYPE_VERSION },
      { filter: eq('name', name), pageSize: 128 },
    );
    return page.values.filter((rde) => rde.org?.id === orgId && rde.name === name).map((rde) => rde.name);
  }

  async delete(caller: Caller, id: string, force: boolean): Promise<void> {
    await this.visible(caller, id);
    await this.options.store.mutate(id, (rde) => {
      const status = (rde.entity.status ??= {});
      const phase = status.phase ?? 'Pending';
      if (phase === 'Deleting') return false;
      if (!force && phase !== 'Ready' && phase !== 'Failed') {
        throw new ClusterRequestError({
          kind: 'conflict',
          message: `Cluster ${rde.name} is ${phase}; wait until it is Ready or Failed, or delete it with ?force=true.`,
        });
      }
      status.phase = 'Deleting';
      status.message = force ? 'Force delete requested.' : 'Delete requested.';
      status.operation = {
        name: 'delete',
        startedAt: new Date().toISOString(),
        lease: status.operation?.lease,
      };
      if (!status.operation.lease) delete status.operation.lease;
      recordEvent(
        status,
        'Normal',
        force ? 'ForceDeleteRequested' : 'DeleteRequested',
        `${caller.userName ?? caller.userId} asked to delete the cluster.`,
      );
      return true;
    });
    this.options.wake(id);
  }

  async retry(caller: Caller, id: string): Promise<void> {
    await this.visible(caller, id);
    await this.options.store.mutate(id, (rde) => {
      const status = (rde.entity.status ??= {});
      if (status.phase !== 'Failed') {
        throw new ClusterRequestError({
          kind: 'conflict',
          message: `Only a Failed cluster can be retried; cluster ${rde.name} is ${status.phase ?? 'Pending'}.`,
        });
      }
      status.phase = 'Provisioning';
      status.message = 'Retrying the create.';
      status.operation = {
        name: 'retry',
        step: createStepNames[0],
        attempt: 1,
        startedAt: new Date().toISOString(),
      };
      delete status.bootstrap;
      status.conditions = [];
      recordEvent(
        status,
        'Normal',
        'RetryRequested',
        `${caller.userName ?? caller.userId} asked to retry the create.`,
      );
      return true;
    });
    this.options.wake(id);
  }

  /** The admin kubeconfig of a Ready cluster; each download is recorded in the event log. */
  async kubeconfig(
    caller: { userId: string; userName?: string; orgId: string; isProvider: boolean },
    id: string,
  ): Promise<string> {
    const stored = await this.options.store.read(id);
    if (!stored || (!caller.isProvider && stored.rde.org?.id !== caller.orgId))
      throw new ClusterRequestError({ kind: 'notFound' });
    const phase = stored.rde.entity.status?.phase ?? 'Pending';
    if (phase !== 'Ready') {
      throw new ClusterRequestError({
        kind: 'conflict',
        message: `The kubeconfig is available once the cluster is Ready; it is ${phase}.`,
      });
    }
    const kubeconfig = await this.kubeconfigOf(id);
    await this.options.store.mutate(id, (rde) => {
      recordEvent(
        (rde.entity.status ??= {}),
        'Normal',
        'KubeconfigDownloaded',
        `${caller.userName ?? caller.userId} downloaded the admin kubeconfig.`,
      );
      return true;
    });
    return kubeconfig;
  }

  async kubeconfigOf(id: string): Promise<string> {
    const vault = this.options.secrets as SecretSource & {
      kubeconfig?(id: string): Promise<string | undefined>;
    };
    const kubeconfig = vault.kubeconfig ? await vault.kubeconfig(id) : (await vault.read(id)).kubeconfig;
    if (!kubeconfig)
      throw new ClusterRequestError({ kind: 'conflict', message: 'The cluster has no kubeconfig yet.' });
    return kubeconfig;
  }

  async events(caller: Caller, id: string) {
    return (await this.visible(caller, id)).entity.status?.events ?? [];
  }

  /**
   * A phase report of the bootstrap VM (which reports as the cluster's owner). Repeats of the last report change
   * nothing. Another org's cluster is not found before the secret is looked at, so the answer leaks nothing.
   */
  async report(caller: Caller, id: string, secret: string | undefined, body: unknown): Promise<void> {
    await this.visible(caller, id);
    const secrets = await this.options.secrets.read(id);
    if (!secret || !secrets.bootstrapSecret || !constantTimeEqual(secret, secrets.bootstrapSecret)) {
      throw new ClusterRequestError({ kind: 'secret' });
    }
    const report = parseReport(body);
    let kubeconfigChanged = false;
    await this.options.store.mutate(id, (rde) => {
      const status = (rde.entity.status ??= {});
      if (status.phase !== 'Provisioning') return false;
      const last = status.bootstrap;
      const lastIndex = last?.phase ? bootstrapPhaseNames.indexOf(last.phase as never) : -1;
      const index = bootstrapPhaseNames.indexOf(report.phase);
      if (
        last?.status === 'failed' ||
        index < lastIndex ||
        (index === lastIndex && last?.status === report.status)
      )
        return false;
      status.bootstrap = {
        phase: report.phase,
        status: report.status,
        message: (report.message ?? '').slice(0, 4000),
        reportedAt: new Date().toISOString(),
      };
      if (report.status === 'failed') {
        recordEvent(
          status,
          'Warning',
          'BootstrapPhaseFailed',
          `The bootstrap VM reported phase ${report.phase} failed: ${report.message || 'no message'}`,
        );
      }
      if (report.kubeconfig) {
        rde.entity.private = { ...secrets, kubeconfig: report.kubeconfig };
        kubeconfigChanged = true;
      }
      return true;
    });
    if (kubeconfigChanged && report.kubeconfig)
      this.options.secrets.remember(id, { kubeconfig: report.kubeconfig });
    this.options.wake(id);
  }
}

function parseReport(body: unknown): BootstrapReport {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!isBootstrapPhase(record['phase'])) {
    throw new ClusterRequestError({
      kind: 'report',
      message: `"phase" must be one of ${bootstrapPhaseNames.join(', ')}`,
    });
  }
  if (record['status'] !== 'succeeded' && record['status'] !== 'failed') {
    throw new ClusterRequestError({ kind: 'report', message: '"status" must be succeeded or failed' });
  }
  if (record['message'] !== undefined && typeof record['message'] !== 'string') {
    throw new ClusterRequestError({ kind: 'report', message: '"message" must be text' });
  }
  const kubeconfig = record['kubeconfig'];
  if (kubeconfig !== undefined && (typeof kubeconfig !== 'string' || kubeconfig.length > 1_000_000)) {
    throw new ClusterRequestError({ kind: 'report', message: '"kubeconfig" must be text of at most 1 MB' });
  }
  if (kubeconfig !== undefined && record['phase'] !== 'kubeconfig-ready') {
    throw new ClusterRequestError({
      kind: 'report',
      message: '"kubeconfig" comes only with phase kubeconfig-ready',
    });
  }
  return {
    phase: record['phase'],
    status: record['status'],
    message: record['message'] as string | undefined,
    kubeconfig: kubeconfig as string | undefined,
  };
}
