import { ChangeDetectionStrategy, Component, EventEmitter, Output, input } from '@angular/core';
import { TranslatePipe } from '../../i18n/translate.pipe';

/**
 * A wizard field whose options are still loading (spinner) or failed to load (the reason and Retry). The spinner or
 * the Retry button carries the field's id, so the field's label still points at something.
 */
@Component({
  selector: 'cse-inline-load-state',
  standalone: true,
  imports: [TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (state() === 'loading') {
      <span class="spinner spinner-inline" [id]="controlId()" role="status"></span>
      <span>{{ 'wizard.loading' | translate }}</span>
    } @else {
      <span class="cse-load-failed" role="alert">{{ failedMessage() }}</span>
      <button type="button" class="btn btn-sm btn-link cse-retry" [id]="controlId()" (click)="retry.emit()">
        {{ 'common.retry' | translate }}
      </button>
    }`,
})
export class InlineLoadStateComponent {
  readonly state = input.required<'loading' | 'failed' | 'ready'>();
  readonly controlId = input.required<string>();
  readonly failedMessage = input.required<string>();
  @Output() readonly retry = new EventEmitter<void>();
}
