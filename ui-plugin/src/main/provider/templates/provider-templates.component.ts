import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { ClarityModule } from '@clr/angular';
import { type Subscription, forkJoin } from 'rxjs';
import { describeApiError } from '../../api/cse-api';
import { ProviderApi } from '../../api/provider-api';
import type { OrgRef, ProviderTemplate } from '../../api/provider-types';
import { TranslatePipe } from '../../i18n/translate.pipe';
import { TemplateEditComponent } from './template-edit.component';
import { alsoSeenBy, audienceOf, lifecycleBadge, lifecycleLabel, osOf } from './template-look';
import { RetryAlertComponent } from '../../common/retry-alert.component';

/** Templates: the TKG templates in the provider's catalogs with lifecycle, expiry and publication; edit in a dialog. */
@Component({
  selector: 'cse-provider-templates',
  standalone: true,
  imports: [ClarityModule, DatePipe, TranslatePipe, TemplateEditComponent, RetryAlertComponent],
  templateUrl: './provider-templates.component.html',
  styles: [
    `
      .cse-also-seen {
        display: block;
        margin-top: 0.25rem;
        font-size: 0.55rem;
        color: var(--cds-global-typography-color-300, #565656);
      }
    `,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProviderTemplatesComponent {
  private readonly api = inject(ProviderApi);
  protected readonly templates = signal<ProviderTemplate[]>([]);
  protected readonly orgs = signal<OrgRef[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<string | null>(null);
  protected readonly editing = signal<ProviderTemplate | null>(null);
  protected readonly lifecycleLabel = lifecycleLabel;
  protected readonly lifecycleBadge = lifecycleBadge;
  protected readonly audienceOf = audienceOf;
  protected readonly osOf = osOf;
  protected readonly alsoSeenBy = alsoSeenBy;
  private request?: Subscription;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.request?.unsubscribe());
    this.reload();
  }

  protected reload(): void {
    this.request?.unsubscribe();
    this.loading.set(true);
    this.request = forkJoin({ templates: this.api.templates(), orgs: this.api.tenantOrgs() }).subscribe({
      next: ({ templates, orgs }) => {
        this.templates.set(templates);
        this.orgs.set(orgs);
        this.error.set(null);
        this.loading.set(false);
      },
      error: (error: unknown) => {
        this.error.set(describeApiError(error));
        this.loading.set(false);
      },
    });
  }

  protected edit(template: ProviderTemplate): void {
    this.editing.set(template);
  }

  protected saved(template: ProviderTemplate): void {
    this.templates.update((templates) => templates.map((t) => (t.id === template.id ? template : t)));
    this.editing.set(null);
  }
}
