import { CUSTOM_ELEMENTS_SCHEMA, ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ClusterPhase } from '../../api/cluster-types';
import { TranslatePipe } from '../../i18n/translate.pipe';
import { phaseLook } from './cluster-phase';

/** A cluster's phase: Clarity status icon (or an inline spinner while it changes) and the phase's name. */
@Component({
  selector: 'cse-phase-badge',
  standalone: true,
  imports: [TranslatePipe],
  // cds-icon is a web component the Cloud Director container registers.
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="cse-phase" [attr.data-phase]="phase() ?? 'Unknown'">
    @if (look().busy) {
      <span class="spinner spinner-inline" aria-hidden="true"></span>
    } @else {
      <cds-icon [attr.shape]="look().shape" [attr.status]="look().status" aria-hidden="true"></cds-icon>
    }
    <span class="cse-phase-label">{{ look().label | translate }}</span>
  </span>`,
})
export class PhaseBadgeComponent {
  readonly phase = input<ClusterPhase | undefined>();
  protected readonly look = computed(() => phaseLook(this.phase()));
}
