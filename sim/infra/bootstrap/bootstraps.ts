import { defineSlice } from '../../world/slices.ts';

/**
 * `running` (phases in progress), `succeeded` (`done` reported), `failed` (a phase reported
 * failed), `hung` (a phase stuck past its timeout: nothing more is reported), `unreported` (the
 * guest could not reach the report endpoint: token refused, report refused or retries exhausted),
 * `stopped` (the VM was powered off or deleted meanwhile).
 */
export type BootstrapState = 'running' | 'succeeded' | 'failed' | 'hung' | 'unreported' | 'stopped';

export interface BootstrapReportRecord {
  phase: string;
  status: 'succeeded' | 'failed';
  at: string;
}

/** One emulated bootstrap, by VM id (shown by `/sim/state` under `slices.bootstraps`). */
export interface BootstrapRecord {
  vmId: string;
  vAppId: string;
  orgId: string;
  clusterId: string;
  clusterName: string;
  state: BootstrapState;
  /** The phase in progress, or the last one. */
  phase: string;
  phaseIndex: number;
  phaseStartedAt: string;
  message: string;
  reports: BootstrapReportRecord[];
  startedAt: string;
  updatedAt: string;
}

/** A VM whose cloud-init a real guest could not use: customisation failed, nothing was reported. */
export interface CustomizationFailure {
  vmId: string;
  vAppId: string;
  message: string;
  at: string;
}

export interface BootstrapsState {
  bootstraps: Record<string, BootstrapRecord>;
  customizationFailures: Record<string, CustomizationFailure>;
}

export const bootstrapsSlice = defineSlice('bootstraps', (): BootstrapsState => ({
  bootstraps: {},
  customizationFailures: {},
}));
