/**
 * Step (e)–(f): follow the bootstrap VM's phase reports. The reports arrive through the API (which stores them in
 * status and wakes the reconciler), so this step only compares: done → go on; failed → fail with the VM's
 * message; otherwise wait until the next phase's deadline, measured from the previous report (the first from the
 * VM's power-on). The kubeconfig arrives with `kubeconfig-ready` and is kept in the secure section.
 */
import { bootstrapPhaseNames, nextBootstrapPhase, type BootstrapPhaseName } from '../../bootstrap/phases.ts';
import { DONE, findResource, PhaseFailure, type ClusterScope, type PhaseOutcome } from '../scope.ts';
import type { BootstrapVAppRecord } from './bootstrap-vm.ts';

export async function followBootstrap(scope: ClusterScope): Promise<PhaseOutcome> {
  const report = scope.status.bootstrap;
  if (report?.status === 'failed') {
    throw new PhaseFailure(
      'BootstrapPhaseFailed',
      `The bootstrap VM failed in phase ${report.phase}: ${report.message || 'no message'}`,
    );
  }
  if (report?.phase === 'done' && report.status === 'succeeded') {
    const kubeconfig = (await scope.readSecrets()).kubeconfig;
    if (!kubeconfig) {
      throw new PhaseFailure(
        'NoKubeconfig',
        "The bootstrap finished without reporting the cluster's kubeconfig.",
      );
    }
    return DONE;
  }
  const last =
    report?.phase && bootstrapPhaseNames.includes(report.phase as BootstrapPhaseName)
      ? (report.phase as BootstrapPhaseName)
      : undefined;
  const expected: BootstrapPhaseName = last ? (nextBootstrapPhase(last) ?? 'done') : bootstrapPhaseNames[0]!;
  const vApp = findResource(scope.status, 'vApp', scope.names.bootstrapVApp) as
    BootstrapVAppRecord | undefined;
  const since = Date.parse(
    report?.reportedAt ??
      vApp?.poweredOnAt ??
      vApp?.createdAt ??
      scope.status.operation?.stepStartedAt ??
      scope.now().toISOString(),
  );
  const limitMs = scope.settings.phaseTimeouts[expected] * 1000;
  const remaining = since + limitMs - scope.now().getTime();
  if (remaining <= 0) {
    throw new PhaseFailure(
      'BootstrapPhaseTimeout',
      `The bootstrap VM did not report phase ${expected} within ${scope.settings.phaseTimeouts[expected]} s.`,
    );
  }
  return { waitFor: `Waiting for the bootstrap VM to report ${expected}`, retryAfterMs: remaining + 50 };
}
