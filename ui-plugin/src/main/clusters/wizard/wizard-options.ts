import { Injectable, computed, inject, signal } from '@angular/core';
import type { ClusterSpecContext } from '@cse/cluster-spec-rules';
import { type Observable, type Subscription, forkJoin } from 'rxjs';
import type { KubernetesTemplate } from '../../api/cluster-types';
import { CseApi, describeApiError } from '../../api/cse-api';
import {
  type ComputePolicyRecord,
  MANAGE_API_TOKENS_RIGHT,
  type NetworkWithGateway,
  type RightCheck,
  type StoragePolicyRecord,
  VcdApi,
  type VdcRecord,
} from '../../vcd/vcd-api';

/** Something the wizard loads: on its way, there, or failed with a reason (and then retried on request). */
export type Loadable<T> =
  { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; message: string };

export interface VdcOptions {
  sizingPolicies: ComputePolicyRecord[];
  storageProfiles: StoragePolicyRecord[];
  networks: NetworkWithGateway[];
}

function valueOf<T>(load: Loadable<T>): T | undefined {
  return load.state === 'ready' ? load.value : undefined;
}

/** A policy that sizes VMs (TKG sizing policies), not a placement-only or empty default policy. */
function isSizingPolicy(policy: ComputePolicyRecord): boolean {
  return (
    policy.isSizingOnly === true || (policy.cpuCount ?? null) !== null || (policy.memory ?? null) !== null
  );
}

/** The wizard's choices, from the real APIs: VDCs, templates, and per VDC its policies, profiles and networks. */
@Injectable()
export class WizardOptions {
  private readonly vcd = inject(VcdApi);
  private readonly cse = inject(CseApi);
  readonly vdcs = signal<Loadable<VdcRecord[]>>({ state: 'loading' });
  readonly templates = signal<Loadable<KubernetesTemplate[]>>({ state: 'loading' });
  readonly vdcOptions = signal<Loadable<VdcOptions> | null>(null);
  readonly tokenRight = signal<RightCheck | 'checking'>('checking');
  private vdcRequest?: Subscription;
  private loadedVdc?: string;

  /** What the shared validation rules may check, from whatever has loaded so far. */
  readonly context = computed((): ClusterSpecContext => {
    const vdcs = valueOf(this.vdcs());
    const templates = valueOf(this.templates());
    const options = this.vdcOptions();
    const perVdc = options ? valueOf(options) : undefined;
    return {
      ...(vdcs ? { orgVdcs: vdcs.map((vdc) => vdc.name) } : {}),
      ...(templates
        ? {
            templates: templates.map((template) => ({
              name: template.name,
              expiresAt: template.expiresAt ?? null,
              // The worker's reason a template cannot build a cluster (no or unknown VERSION): refused as at create.
              unusableReason:
                template.usable === false ? (template.unusableReason ?? 'unknown reason') : null,
            })),
          }
        : {}),
      ...(perVdc
        ? {
            sizingPolicies: perVdc.sizingPolicies.map((policy) => policy.name),
            storageProfiles: perVdc.storageProfiles.map((profile) => profile.name),
            networks: perVdc.networks.map((network) => {
              const subnet = network.subnets?.values[0];
              return {
                name: network.name,
                albEnabled: network.albEnabled,
                ...(subnet ? { cidr: `${subnet.gateway}/${subnet.prefixLength}` } : {}),
              };
            }),
          }
        : {}),
    };
  });

  /** Starts loading; `vdcName` (a restored draft's VDC) has its options loaded as soon as the VDCs are known. */
  start(vdcName = ''): void {
    this.loadVdcs(vdcName);
    this.loadTemplates();
    this.vcd.hasRight(MANAGE_API_TOKENS_RIGHT).subscribe((check) => this.tokenRight.set(check));
  }

  loadVdcs(thenSelect = ''): void {
    this.track(this.vcd.vdcs(), this.vdcs, () => {
      if (thenSelect) this.selectVdc(thenSelect);
    });
  }

  loadTemplates(): void {
    this.track(this.cse.templates(), this.templates);
  }

  /** Loads the chosen VDC's options (once per VDC, unless `force`). */
  selectVdc(vdcName: string, force = false): void {
    const vdc = valueOf(this.vdcs())?.find((candidate) => candidate.name === vdcName);
    if (!vdc) {
      this.vdcRequest?.unsubscribe();
      this.loadedVdc = undefined;
      this.vdcOptions.set(null);
      return;
    }
    if (!force && this.loadedVdc === vdc.id && this.vdcOptions()?.state !== 'failed') return;
    this.loadedVdc = vdc.id;
    this.vdcRequest?.unsubscribe();
    this.vdcOptions.set({ state: 'loading' });
    this.vdcRequest = forkJoin({
      sizingPolicies: this.vcd.computePolicies(vdc.id),
      storageProfiles: this.vcd.storagePolicies(vdc.id),
      networks: this.vcd.networks(vdc.id),
    }).subscribe({
      next: (options) =>
        this.vdcOptions.set({
          state: 'ready',
          value: { ...options, sizingPolicies: options.sizingPolicies.filter(isSizingPolicy) },
        }),
      error: (error: unknown) => this.vdcOptions.set({ state: 'failed', message: describeApiError(error) }),
    });
  }

  private track<T>(
    source: Observable<T>,
    target: ReturnType<typeof signal<Loadable<T>>>,
    then: () => void = () => undefined,
  ): void {
    target.set({ state: 'loading' });
    source.subscribe({
      next: (value) => {
        target.set({ state: 'ready', value });
        then();
      },
      error: (error: unknown) => target.set({ state: 'failed', message: describeApiError(error) }),
    });
  }
}
