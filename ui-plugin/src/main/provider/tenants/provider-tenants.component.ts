import {
  CUSTOM_ELEMENTS_SCHEMA,
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  inject,
  signal,
} from '@angular/core';
import { ClarityModule } from '@clr/angular';
import type { Subscription } from 'rxjs';
import { describeApiError } from '../../api/cse-api';
import { ProviderApi } from '../../api/provider-api';
import type { ReadinessKey, TenantReadiness } from '../../api/provider-types';
import { type TranslationKey, TranslatePipe } from '../../i18n/translate.pipe';
import { RetryAlertComponent } from '../../common/retry-alert.component';

const checkLabels: Record<ReadinessKey, TranslationKey> = {
  rightsBundle: 'provider.tenants.check.rightsBundle',
  roles: 'provider.tenants.check.roles',
  sizingPolicies: 'provider.tenants.check.sizingPolicies',
  storageProfile: 'provider.tenants.check.storageProfile',
  network: 'provider.tenants.check.network',
  vipCapacity: 'provider.tenants.check.vipCapacity',
  templates: 'provider.tenants.check.templates',
};

/** What the provider confirms: publishing to or unpublishing from one org. */
interface PendingAction {
  org: string;
  publish: boolean;
}

/** Tenants: each organisation's readiness checklist, and publishing our rights bundle and roles to it. */
@Component({
  selector: 'cse-provider-tenants',
  standalone: true,
  imports: [ClarityModule, TranslatePipe, RetryAlertComponent],
  // cds-icon is a web component the Cloud Director container registers.
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  templateUrl: './provider-tenants.component.html',
  styles: [
    `
      .cse-checklist {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .cse-check {
        display: flex;
        gap: 0.4rem;
        align-items: flex-start;
        margin-bottom: 0.25rem;
      }
      .cse-check-name {
        font-weight: 600;
        white-space: nowrap;
      }
      .cse-check-failed .cse-check-message {
        color: var(--cds-alias-status-danger, #c21d00);
      }
      .cse-error-text {
        color: var(--cds-alias-status-danger, #c21d00);
      }
    `,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProviderTenantsComponent {
  private readonly api = inject(ProviderApi);
  protected readonly tenants = signal<TenantReadiness[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<string | null>(null);
  protected readonly confirming = signal<PendingAction | null>(null);
  protected readonly busy = signal(false);
  protected readonly actionError = signal<string | null>(null);
  private request?: Subscription;
  private action?: Subscription;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.request?.unsubscribe();
      this.action?.unsubscribe();
    });
    this.reload();
  }

  protected checkLabel(key: ReadinessKey): TranslationKey {
    return checkLabels[key] ?? (key as TranslationKey);
  }

  protected passed(tenant: TenantReadiness): number {
    return tenant.checklist.filter((item) => item.ok).length;
  }

  protected reload(): void {
    this.request?.unsubscribe();
    this.loading.set(true);
    this.request = this.api.tenants().subscribe({
      next: (tenants) => {
        this.tenants.set(tenants);
        this.error.set(null);
        this.loading.set(false);
      },
      // What was on the page stays; the alert offers a retry.
      error: (error: unknown) => {
        this.error.set(describeApiError(error));
        this.loading.set(false);
      },
    });
  }

  protected ask(org: string, publish: boolean): void {
    this.actionError.set(null);
    this.confirming.set({ org, publish });
  }

  protected closeConfirm(): void {
    if (this.busy()) return;
    this.confirming.set(null);
    this.actionError.set(null);
  }

  protected confirm(): void {
    const pending = this.confirming();
    if (!pending || this.busy()) return;
    this.busy.set(true);
    this.actionError.set(null);
    this.action = this.api.setPublication(pending.org, pending.publish).subscribe({
      next: (readiness) => {
        this.tenants.update((tenants) =>
          tenants.map((tenant) => (tenant.org.name === readiness.org.name ? readiness : tenant)),
        );
        this.busy.set(false);
        this.confirming.set(null);
      },
      // The dialog stays open with the API's words; confirming again retries.
      error: (error: unknown) => {
        this.actionError.set(describeApiError(error));
        this.busy.set(false);
      },
    });
  }
}
