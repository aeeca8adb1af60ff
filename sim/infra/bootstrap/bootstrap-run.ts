import type { SimContext } from '../../context.ts';
import { CapvcdError } from '../capvcd/machines.ts';
import {
  ManifestError,
  readWorkloadClusterManifest,
  type WorkloadClusterManifest,
} from '../capvcd/manifest.ts';
import { bootstrapsSlice, type BootstrapRecord, type BootstrapState } from './bootstraps.ts';
import type { BootstrapGuestConfig } from './cloud-config.ts';
import { clusterctlInitFailure, toolDownloadFailure } from './clusterctl-init.ts';
import { AddonDownloadError, addonConfigObjects, downloadAddon, guestAddons } from './addon-downloads.ts';
import type { ManifestObject } from '../capvcd/manifest.ts';
import { PhaseReporter, ReportRejectedError, type PhaseReport } from './phase-reporter.ts';
import {
  defaultPhaseDurations,
  isKnownPhase,
  phaseClass,
  phaseCommands,
  unknownPhaseDuration,
  type KnownPhase,
} from './phases.ts';

/**
 * What the bootstrap asks of the emulated CAPVCD (`sim/infra/capvcd`), phase by phase. Each call
 * is idempotent for a cluster, so a bootstrap resumed after a simulator restart can repeat a phase.
 */
export interface ClusterProvisioner {
  /** `control-plane-ready`, at its start: adopt the load balancer, create the vApp and control-plane VMs. */
  provisionControlPlane(
    clusterId: string,
    manifest: WorkloadClusterManifest,
    owner: { id: string; name: string },
  ): void;
  /** `control-plane-ready`/`nodes-ready`, at the end: the new VMs finished booting. */
  machinesBooted(clusterId: string): void;
  /** `kubeconfig-ready`: the cluster's Kubernetes API (started if needed) and its kubeconfig. */
  kubeconfig(clusterId: string): Promise<string>;
  /** `nodes-ready`, at its start: create the MachineDeployments' VMs. */
  provisionWorkers(clusterId: string): void;
  /** `nodes-ready`, at its end: every VM is a Ready node. */
  syncNodes(clusterId: string): Promise<void>;
  /** `addons-applied`: `kubectl apply` of add-on objects to the workload cluster. */
  applyAddons(clusterId: string, objects: readonly ManifestObject[]): Promise<void>;
  /** `kubectl rollout status` of a DaemonSet or Deployment in the workload cluster. */
  rollout(
    clusterId: string,
    kind: string,
    namespace: string,
    name: string,
  ): 'missing' | 'progressing' | 'ready';
  /** `nodes-ready`: why the booted machines are not all Ready, initialised nodes (empty when they are). */
  nodeProblems(clusterId: string): string[];
  /** `pivoted`: the Cluster API objects move into the workload cluster, which reconciles them from now on. */
  pivot(clusterId: string, manifest: WorkloadClusterManifest): Promise<void>;
}

/** A phase's command failed: the helper reports it `failed` with this output. */
class PhaseFailure extends Error {}

/** A named command of the phase failed; its message already says which command and how. */
class CommandFailure extends Error {}

const failWith = (message: string | undefined): void => {
  if (message) throw new CommandFailure(message);
};

interface PhaseWork {
  before?(): void | Promise<void>;
  after?(): Promise<Partial<PhaseReport> | void> | Partial<PhaseReport> | void;
}

/**
 * One emulated bootstrap VM: runs the phases of its settings file in order, each taking its
 * `bootstrap:<phase>` latency class, acting like CAPVCD where the phase says so, and reporting
 * each phase over real HTTP like the VM's helper. Faults of a phase's class fail it (reported
 * `failed`, then nothing more) or, when their delay pushes it past the phase's timeout, hang it
 * (nothing more is reported).
 */
export class BootstrapRun {
  readonly #controller = new AbortController();
  readonly #reporter: PhaseReporter;
  #manifest: WorkloadClusterManifest | undefined;
  #finished: Promise<void> | undefined;
  #resumable = false;

  constructor(
    private readonly ctx: SimContext,
    private readonly provisioner: ClusterProvisioner,
    private readonly vmId: string,
    private readonly guest: BootstrapGuestConfig,
    private readonly owner: { id: string; name: string },
  ) {
    this.#reporter = new PhaseReporter(
      guest,
      () => ctx.publicUrl(),
      ctx.clock,
      ctx.latency,
      this.#controller.signal,
    );
    for (const phase of guest.settings.phases)
      ctx.latency.define(
        phaseClass(phase.name),
        isKnownPhase(phase.name) ? defaultPhaseDurations[phase.name] : unknownPhaseDuration,
      );
  }

  /** Starts (or resumes) at the record's phase; resolves when the bootstrap ends. */
  start(): Promise<void> {
    this.#finished ??= this.#run().catch(() => undefined);
    return this.#finished;
  }

  /**
   * The VM stopped (powered off, deleted): the record ends `stopped`. With `resumable` (the
   * simulator closes) it stays `running`, so a simulator loading the state file resumes it.
   */
  stop(reason: string, resumable = false): void {
    this.#resumable = resumable;
    this.#controller.abort(new Error(reason));
  }

  #record(): BootstrapRecord | undefined {
    return bootstrapsSlice.of(this.ctx.store.world).bootstraps[this.vmId];
  }

  #update(change: Partial<BootstrapRecord>): void {
    const record = this.#record();
    if (!record) return;
    Object.assign(record, change, { updatedAt: this.ctx.clock.iso() });
    this.ctx.store.changed();
  }

  #end(state: BootstrapState, message: string): void {
    this.#update({ state, message });
  }

  #manifestOf(): WorkloadClusterManifest {
    this.#manifest ??= readWorkloadClusterManifest(this.guest.capiYaml);
    return this.#manifest;
  }

  /**
   * Polls `done` (every simulated second) until it answers undefined or the phase's time limit passed; answers the
   * last problem then. Like `kubectl wait`/`rollout status`, which give up with "timed out waiting for the condition".
   */
  async #waitFor(timeoutSeconds: number, problem: () => string | undefined): Promise<string | undefined> {
    const deadline = this.ctx.clock.now() + this.ctx.latency.scaled(timeoutSeconds * 1000);
    const step = Math.max(5, this.ctx.latency.scaled(1000));
    let last = problem();
    while (last !== undefined && this.ctx.clock.now() < deadline) {
      await this.ctx.clock.sleep(step, this.#controller.signal);
      last = problem();
    }
    return last;
  }

  async #applyAddons(clusterId: string, timeoutSeconds: number): Promise<void> {
    const addons = guestAddons(this.guest);
    const config = addonConfigObjects(this.guest);
    if (config.length) await this.provisioner.applyAddons(clusterId, config);
    for (const addon of addons)
      await this.provisioner.applyAddons(
        clusterId,
        await downloadAddon(this.ctx.options, addon, this.#controller.signal),
      );
    for (const { rollout } of addons) {
      const command = `kubectl rollout status --namespace ${rollout.namespace} ${rollout.kind}/${rollout.name}`;
      const problem = await this.#waitFor(timeoutSeconds, () => {
        const state = this.provisioner.rollout(clusterId, rollout.kind, rollout.namespace, rollout.name);
        if (state === 'ready') return undefined;
        return state === 'missing'
          ? `Error from server (NotFound): ${rollout.kind}s.apps "${rollout.name}" not found`
          : 'error: timed out waiting for the condition';
      });
      if (problem) throw new CommandFailure(`${command}: ${problem}`);
    }
  }

  #work(phase: KnownPhase, timeoutSeconds: number): PhaseWork {
    const clusterId = this.guest.settings.clusterId;
    const provisioner = this.provisioner;
    const options = this.ctx.options;
    switch (phase) {
      case 'tools-installed':
        return { after: () => failWith(toolDownloadFailure(options, this.guest)) };
      case 'capi-initialised':
        return { after: () => failWith(clusterctlInitFailure(options, this.guest)) };
      case 'cluster-applied':
        return { after: () => void this.#manifestOf() };
      case 'control-plane-ready':
        return {
          before: () => provisioner.provisionControlPlane(clusterId, this.#manifestOf(), this.owner),
          after: () => provisioner.machinesBooted(clusterId),
        };
      case 'kubeconfig-ready':
        return { after: async () => ({ kubeconfig: await provisioner.kubeconfig(clusterId) }) };
      case 'addons-applied':
        return { after: () => this.#applyAddons(clusterId, timeoutSeconds) };
      case 'nodes-ready':
        return {
          before: () => provisioner.provisionWorkers(clusterId),
          after: async () => {
            provisioner.machinesBooted(clusterId);
            await provisioner.syncNodes(clusterId);
            // The kubelets register; the nodes turn Ready once a CNI runs on them and initialised once the CPI
            // saw them. Cluster API's Ready waits need both (machine_controller_noderef.go matches providerIDs).
            const problems = await this.#waitFor(timeoutSeconds, () => {
              const found = provisioner.nodeProblems(clusterId);
              return found.length ? found.join('; ') : undefined;
            });
            if (problems)
              throw new CommandFailure(
                `kubectl wait --for=condition=Ready cluster/${this.guest.settings.clusterName}: timed out waiting for the condition: ${problems}`,
              );
          },
        };
      case 'pivoted':
        return { after: () => provisioner.pivot(clusterId, this.#manifestOf()) };
      default:
        return {};
    }
  }

  /** Sleeps the phase's duration plus injected delay; `false` when that exceeds the phase's timeout. */
  async #takePhaseTime(phase: string, timeoutSeconds: number): Promise<boolean> {
    const operationClass = phaseClass(phase);
    const fault = this.ctx.faults.forOperation(operationClass);
    const total = this.ctx.latency.durationOf(operationClass) + this.ctx.latency.scaled(fault.delayMs);
    const limit = this.ctx.latency.scaled(timeoutSeconds * 1000);
    if (total > limit) {
      await this.ctx.clock.sleep(limit, this.#controller.signal);
      return false;
    }
    await this.ctx.clock.sleep(total, this.#controller.signal);
    if (fault.error) throw new PhaseFailure(`${fault.error.message}`);
    return true;
  }

  async #run(): Promise<void> {
    const phases = this.guest.settings.phases;
    const signal = this.#controller.signal;
    let index = this.#record()?.phaseIndex ?? 0;
    for (; index < phases.length; index++) {
      const { name, timeoutSeconds } = phases[index]!;
      this.#update({
        phase: name,
        phaseIndex: index,
        phaseStartedAt: this.ctx.clock.iso(),
        state: 'running',
      });
      const command = isKnownPhase(name) ? phaseCommands[name] : `cse-bootstrap run ${name}`;
      const work = isKnownPhase(name) ? this.#work(name, timeoutSeconds) : {};
      let report: PhaseReport;
      try {
        await work.before?.();
        if (!(await this.#takePhaseTime(name, timeoutSeconds))) {
          this.#end(
            'hung',
            `phase ${name} did not finish within ${timeoutSeconds} s; the guest reports nothing more`,
          );
          return;
        }
        const extra = (await work.after?.()) ?? {};
        report = { phase: name, status: 'succeeded', message: '', ...extra };
      } catch (error) {
        if (signal.aborted) return this.#stopped();
        if (error instanceof CommandFailure || error instanceof AddonDownloadError) {
          report = { phase: name, status: 'failed', message: error.message };
        } else if (!(
          error instanceof PhaseFailure ||
          error instanceof CapvcdError ||
          error instanceof ManifestError
        )) {
          report = {
            phase: name,
            status: 'failed',
            message: `${command}: unexpected error: ${(error as Error).message}`,
          };
        } else {
          report = { phase: name, status: 'failed', message: `${command} failed: ${error.message}` };
        }
      }
      if (!(await this.#send(report))) return;
      if (report.status === 'failed') return this.#end('failed', report.message);
    }
    this.#end('succeeded', '');
  }

  /** Reports; `false` (with the record ended) when the report could not be delivered. */
  async #send(report: PhaseReport): Promise<boolean> {
    try {
      await this.#reporter.report(report);
    } catch (error) {
      if (this.#controller.signal.aborted) {
        this.#stopped();
        return false;
      }
      const message = error instanceof ReportRejectedError ? error.message : (error as Error).message;
      this.#end('unreported', message);
      return false;
    }
    const record = this.#record();
    if (record) {
      record.reports.push({ phase: report.phase, status: report.status, at: this.ctx.clock.iso() });
      this.#update({});
    }
    return true;
  }

  #stopped(): void {
    const record = this.#record();
    if (record?.state === 'running' && !this.#resumable)
      this.#end('stopped', String((this.#controller.signal.reason as Error)?.message ?? 'stopped'));
  }
}
