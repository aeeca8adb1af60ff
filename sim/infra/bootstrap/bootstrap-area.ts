import { Router } from 'express';
import type { SimContext } from '../../context.ts';
import { vAppsSlice, vcdStatus, type Vm } from '../../world/vapps.ts';
import { CapvcdEmulator } from '../capvcd/capvcd.ts';
import { workloadClustersSlice } from '../capvcd/workload-clusters.ts';
import { guestDataOf, vmRuntime, type BootedVm } from '../vms.ts';
import { BootstrapRun } from './bootstrap-run.ts';
import { bootstrapsSlice, type BootstrapRecord } from './bootstraps.ts';
import { GuestCustomizationError, type BootstrapGuestConfig } from './cloud-config.ts';
import { bootstrapConfigOf, recordCustomizationFailure } from './guest.ts';
import { defaultPhaseDurations, knownPhases, phaseClass } from './phases.ts';

/**
 * The emulated bootstrap VM and CAPVCD behind the API: a VM that boots with our cloud-init runs
 * the bootstrap (`BootstrapRun`), which builds the workload cluster through `CapvcdEmulator`.
 * Registered like an API area; its only routes are the admin view `/sim/bootstraps`.
 */
export function bootstrapEmulationArea(ctx: SimContext): Router {
  for (const phase of knownPhases) ctx.latency.define(phaseClass(phase), defaultPhaseDurations[phase]);
  const capvcd = new CapvcdEmulator(ctx);
  const runs = new Map<string, BootstrapRun>();
  const state = () => bootstrapsSlice.of(ctx.store.world);

  const ownerOf = (guest: BootstrapGuestConfig, vm: Vm): { id: string; name: string } => {
    const world = ctx.store.world;
    const token = Object.values(world.apiTokens).find((candidate) => candidate.secret === guest.apiToken);
    const user = token ? world.users[token.ownerId] : undefined;
    if (user) return { id: user.id, name: user.username };
    return vAppsSlice.of(world).vApps[vm.vAppId]?.owner ?? { id: '', name: '' };
  };

  const launch = (vm: Vm, guest: BootstrapGuestConfig): void => {
    const run = new BootstrapRun(ctx, capvcd, vm.id, guest, ownerOf(guest, vm));
    runs.set(vm.id, run);
    void run.start().finally(() => {
      if (runs.get(vm.id) === run) runs.delete(vm.id);
    });
  };

  const onBooted = (booted: BootedVm): void => {
    const vm = vAppsSlice.of(ctx.store.world).vms[booted.vmId];
    // cloud-init runs once per instance: a VM that already bootstrapped (or failed) does not again.
    if (!vm || state().bootstraps[vm.id] || state().customizationFailures[vm.id]) return;
    let guest: BootstrapGuestConfig | undefined;
    const now = ctx.clock.iso();
    try {
      guest = bootstrapConfigOf(booted);
    } catch (error) {
      if (!(error instanceof GuestCustomizationError)) throw error;
      recordCustomizationFailure(vm, `cloud-init: ${error.message}`);
      state().customizationFailures[vm.id] = {
        vmId: vm.id,
        vAppId: vm.vAppId,
        message: error.message,
        at: now,
      };
      ctx.store.changed();
      return;
    }
    if (!guest) return;
    const record: BootstrapRecord = {
      vmId: vm.id,
      vAppId: vm.vAppId,
      orgId: vm.orgId,
      clusterId: guest.settings.clusterId,
      clusterName: guest.settings.clusterName,
      state: 'running',
      phase: guest.settings.phases[0]!.name,
      phaseIndex: 0,
      phaseStartedAt: now,
      message: '',
      reports: [],
      startedAt: now,
      updatedAt: now,
    };
    state().bootstraps[vm.id] = record;
    ctx.store.changed();
    launch(vm, guest);
  };
  vmRuntime(ctx).onBooted(onBooted);

  // A bootstrap VM powered off or deleted stops its bootstrap, and a deleted one takes its record
  // along (deleting what a create made leaves the world as before); a deleted cluster vApp its cluster.
  ctx.store.onChanged(() => {
    const vms = vAppsSlice.of(ctx.store.world).vms;
    for (const [vmId, run] of runs) {
      const vm = vms[vmId];
      if (!vm || vm.status !== vcdStatus.poweredOn) {
        runs.delete(vmId);
        run.stop(vm ? 'the bootstrap VM was powered off' : 'the bootstrap VM was deleted');
      }
    }
    const records = state();
    for (const vmId of Object.keys(records.bootstraps)) if (!vms[vmId]) delete records.bootstraps[vmId];
    for (const vmId of Object.keys(records.customizationFailures))
      if (!vms[vmId]) delete records.customizationFailures[vmId];
    capvcd.sweep();
  });
  ctx.store.onReplaced(() => {
    for (const run of runs.values()) run.stop('the world was replaced', true);
    runs.clear();
    void capvcd.stopAll();
  });

  // After a restart from a state file: API servers come back, running bootstraps resume.
  ctx.onListening(async () => {
    await capvcd.restore();
    const vms = vAppsSlice.of(ctx.store.world).vms;
    for (const record of Object.values(state().bootstraps)) {
      const vm = vms[record.vmId];
      if (record.state !== 'running' || runs.has(record.vmId)) continue;
      let guest: BootstrapGuestConfig | undefined;
      try {
        guest = vm && vm.status === vcdStatus.poweredOn ? bootstrapConfigOf(guestDataOf(vm)) : undefined;
      } catch {
        guest = undefined;
      }
      if (!vm || !guest) {
        record.state = 'stopped';
        record.message = 'the bootstrap VM was not running when the simulator restarted';
        ctx.store.changed();
        continue;
      }
      launch(vm, guest);
    }
  });
  ctx.onClose(async () => {
    for (const run of runs.values()) run.stop('the simulator stopped', true);
    runs.clear();
    await capvcd.stopAll();
  });

  const router = Router();
  if (ctx.options.admin) {
    router.get('/sim/bootstraps', (_req, res) => {
      const clusters = Object.values(workloadClustersSlice.of(ctx.store.world).clusters).map((cluster) => ({
        ...cluster,
        kubeApiRunning: capvcd.kubeApiOf(cluster.clusterId) !== undefined,
      }));
      res.json({
        bootstraps: Object.values(state().bootstraps),
        customizationFailures: Object.values(state().customizationFailures),
        clusters,
      });
    });
  }
  return router;
}
