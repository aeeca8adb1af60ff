import type { SimContext } from '../context.ts';
import { vAppsSlice, vcdStatus, type Vm } from '../world/vapps.ts';

/** A VM whose guest finished booting, as other simulator areas see it. */
export interface BootedVm {
  vmId: string;
  vAppId: string;
  name: string;
  orgId: string;
  /** IPs of its connected NICs. */
  ipAddresses: string[];
  /** OVF guest properties of its product sections (the OVF environment): key → value. */
  guestProperties: Record<string, string>;
  /** VMX ExtraConfig (what `vmtoolsd --cmd "info-get guestinfo.…"` reads in the guest): key → value. */
  extraConfig: Record<string, string>;
}

/** What a guest can read about itself: its OVF properties and its VMX ExtraConfig (`guestinfo.*`). */
export function guestDataOf(vm: Vm): Pick<BootedVm, 'guestProperties' | 'extraConfig'> {
  return {
    guestProperties: Object.fromEntries(
      vm.productSections.flatMap((section) =>
        section.properties.map((property) => [property.key, property.value]),
      ),
    ),
    extraConfig: Object.fromEntries((vm.extraConfig ?? []).map((entry) => [entry.key, entry.value])),
  };
}

export type VmBootListener = (vm: BootedVm) => void;

type RuntimeContext = Pick<SimContext, 'store' | 'latency' | 'faults' | 'clock'>;

/**
 * The emulated hypervisor behind vApps. Power-on takes `vmBoot` (its faults fail the power-on);
 * then the guest runs guest customisation / cloud-init for `guestCustomization` in the background
 * and becomes `ready` (reachable, e.g. as an ALB pool member), and `onBooted` listeners run. A
 * `vmNeverBoots` fault leaves the VM powered on with a guest that never comes up.
 */
export class VmRuntime {
  #listeners = new Set<VmBootListener>();
  #guests = new Map<string, AbortController>();

  constructor(private readonly ctx: RuntimeContext) {
    ctx.store.onReplaced(() => {
      for (const controller of this.#guests.values()) controller.abort(new Error('world replaced'));
      this.#guests.clear();
    });
  }

  /** Subscribes to guests finishing their boot; returns the unsubscribe function. */
  onBooted(listener: VmBootListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Powers a VM on (status 4 when this resolves); the guest keeps booting afterwards. */
  async powerOn(vm: Vm, signal?: AbortSignal): Promise<void> {
    if (vm.status === vcdStatus.poweredOn) return;
    vm.guestState = 'booting';
    try {
      await this.ctx.latency.wait('vmBoot', signal);
    } catch (error) {
      vm.guestState = 'off';
      throw error;
    }
    vm.status = vcdStatus.poweredOn;
    vm.deployed = true;
    if (this.ctx.faults.vmNeverBoots()) {
      vm.guestState = 'hung';
      return;
    }
    vm.guestState = 'customizing';
    void this.#bootGuest(vm.id);
  }

  /** Powers a VM off at once (a hard power-off); a booting guest stops. */
  powerOff(vm: Vm, undeploy: boolean): void {
    this.#stopGuest(vm.id);
    vm.status = vcdStatus.poweredOff;
    vm.guestState = 'off';
    if (undeploy) vm.deployed = false;
  }

  /** Forgets a deleted VM. */
  discard(vmId: string): void {
    this.#stopGuest(vmId);
  }

  /** Whether a running, booted VM has this IP (what ALB health checks reach). */
  isReachable(ip: string): boolean {
    return Object.values(vAppsSlice.of(this.ctx.store.world).vms).some(
      (vm) =>
        vm.status === vcdStatus.poweredOn &&
        vm.guestState === 'ready' &&
        vm.networkConnections.some((nic) => nic.isConnected && nic.ipAddress === ip),
    );
  }

  #stopGuest(vmId: string): void {
    this.#guests.get(vmId)?.abort(new Error('guest stopped'));
    this.#guests.delete(vmId);
  }

  async #bootGuest(vmId: string): Promise<void> {
    this.#stopGuest(vmId);
    const controller = new AbortController();
    this.#guests.set(vmId, controller);
    try {
      await this.ctx.latency.wait('guestCustomization', controller.signal);
    } catch {
      if (controller.signal.aborted) return;
      // A guest customisation fault: the guest never comes up.
      const vm = vAppsSlice.of(this.ctx.store.world).vms[vmId];
      if (vm?.guestState === 'customizing') vm.guestState = 'hung';
      this.ctx.store.changed();
      return;
    } finally {
      if (this.#guests.get(vmId) === controller) this.#guests.delete(vmId);
    }
    const vm = vAppsSlice.of(this.ctx.store.world).vms[vmId];
    if (!vm || vm.guestState !== 'customizing') return;
    vm.guestState = 'ready';
    vm.bootedAt = this.ctx.clock.iso();
    this.ctx.store.changed();
    const guestinfoUnread = this.ctx.faults.guestinfoUnread();
    const booted: BootedVm = {
      vmId: vm.id,
      vAppId: vm.vAppId,
      name: vm.name,
      orgId: vm.orgId,
      ipAddresses: vm.networkConnections.flatMap((nic) =>
        nic.ipAddress && nic.isConnected ? [nic.ipAddress] : [],
      ),
      ...guestDataOf(vm),
      ...(guestinfoUnread ? { extraConfig: {} } : {}),
    };
    for (const listener of this.#listeners) {
      try {
        listener(booted);
      } catch {
        // A failing subscriber must not affect the VM.
      }
    }
  }
}

const runtimes = new WeakMap<object, VmRuntime>();

/** The VM runtime of a simulator (one per context); other areas subscribe with `onBooted`. */
export function vmRuntime(ctx: RuntimeContext): VmRuntime {
  let runtime = runtimes.get(ctx.store);
  if (!runtime) {
    runtime = new VmRuntime(ctx);
    runtimes.set(ctx.store, runtime);
  }
  return runtime;
}
