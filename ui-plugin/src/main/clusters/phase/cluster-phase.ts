import type { ClusterPhase } from '../../api/cluster-types';
import type { TranslationKey } from '../../i18n/translate.pipe';

/** How a phase looks: a Clarity icon and status colour, or a spinner while the cluster is changing. */
export interface PhaseLook {
  label: TranslationKey;
  /** Clarity icon shape; absent when a spinner stands for the phase. */
  shape?: string;
  status?: 'success' | 'danger' | 'info' | 'warning';
  busy: boolean;
}

const looks: Record<ClusterPhase, PhaseLook> = {
  Pending: { label: 'phase.Pending', shape: 'clock', status: 'info', busy: false },
  Provisioning: { label: 'phase.Provisioning', busy: true },
  Ready: { label: 'phase.Ready', shape: 'check-circle', status: 'success', busy: false },
  Updating: { label: 'phase.Updating', busy: true },
  Deleting: { label: 'phase.Deleting', busy: true },
  Failed: { label: 'phase.Failed', shape: 'error-standard', status: 'danger', busy: false },
};

const unknownLook: PhaseLook = { label: 'phase.Unknown', shape: 'help', busy: false };

export function phaseLook(phase: ClusterPhase | undefined): PhaseLook {
  return (phase && looks[phase]) || unknownLook;
}

/** Phases in which the cluster changes by itself, so the pages refresh until it settles. */
export function isChanging(phase: ClusterPhase | undefined): boolean {
  return phase === 'Pending' || phase === 'Provisioning' || phase === 'Updating' || phase === 'Deleting';
}
