import { ChangeDetectionStrategy, Component, EventEmitter, Output, input } from '@angular/core';
import { TranslatePipe } from '../i18n/translate.pipe';

/** A load that failed: Clarity's danger alert with the (translated) reason and a Retry action, never a blank page. */
@Component({
  selector: 'cse-retry-alert',
  standalone: true,
  imports: [TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="alert alert-danger" [class]="kind()" role="alert">
    <div class="alert-items">
      <div class="alert-item static">
        <span class="alert-text">{{ message() }}</span>
        <div class="alert-actions">
          <button type="button" class="btn alert-action cse-retry" (click)="retry.emit()">
            {{ 'common.retry' | translate }}
          </button>
        </div>
      </div>
    </div>
  </div>`,
})
export class RetryAlertComponent {
  readonly message = input.required<string>();
  /** The alert's own class, which pages and tests find it by (e.g. `cse-list-error`). */
  readonly kind = input('cse-load-error');
  @Output() readonly retry = new EventEmitter<void>();
}
