import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ClarityModule } from '@clr/angular';
import { type Subscription, timer } from 'rxjs';
import { describeApiError } from '../../api/cse-api';
import { ProviderApi } from '../../api/provider-api';
import type { OrgRef } from '../../api/provider-types';
import { CLUSTER_REFRESH_MS } from '../../clusters/list/cluster-list.component';
import { type GridState, listQueryOf } from '../../clusters/list/cluster-row';
import { isChanging } from '../../clusters/phase/cluster-phase';
import { PhaseBadgeComponent } from '../../clusters/phase/phase-badge.component';
import { TranslatePipe } from '../../i18n/translate.pipe';
import { type ProviderClusterRow, providerClusterRow } from './provider-cluster-row';
import { RetryAlertComponent } from '../../common/retry-alert.component';

/**
 * Clusters of every organisation, with the owning org and an org filter. Paging, sorting and filtering are the
 * API's, with the tenant list's query model; the list refreshes itself while a cluster on the page is changing.
 */
@Component({
  selector: 'cse-provider-clusters',
  standalone: true,
  imports: [ClarityModule, DatePipe, RouterLink, TranslatePipe, PhaseBadgeComponent, RetryAlertComponent],
  templateUrl: './provider-clusters.component.html',
  styles: [
    `
      .cse-org-filter {
        margin-top: 0;
        margin-bottom: 0.5rem;
      }
    `,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProviderClustersComponent {
  private readonly api = inject(ProviderApi);
  private readonly refreshMs = inject(CLUSTER_REFRESH_MS);
  protected readonly orgs = signal<OrgRef[]>([]);
  protected readonly orgFilter = signal('');
  protected readonly rows = signal<ProviderClusterRow[]>([]);
  protected readonly total = signal(0);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  private gridState: GridState = {};
  private request?: Subscription;
  private nextRefresh?: Subscription;
  private orgRequest?: Subscription;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.request?.unsubscribe();
      this.nextRefresh?.unsubscribe();
      this.orgRequest?.unsubscribe();
    });
    this.loadOrgs();
  }

  /** Clarity calls this on start and whenever paging, sorting or a column filter changes. */
  protected refresh(state: GridState): void {
    this.gridState = state;
    this.load(true);
  }

  protected setOrgFilter(org: string): void {
    this.orgFilter.set(org);
    this.load(true);
  }

  protected reload(): void {
    if (this.orgs().length === 0) this.loadOrgs();
    this.load(true);
  }

  // Without the org list the filter only offers "every organisation"; the clusters still load.
  private loadOrgs(): void {
    this.orgRequest = this.api.tenantOrgs().subscribe({
      next: (orgs) => this.orgs.set(orgs),
      error: () => this.orgs.set([]),
    });
  }

  private load(showSpinner: boolean): void {
    const query = listQueryOf(this.gridState, undefined);
    this.request?.unsubscribe();
    this.nextRefresh?.unsubscribe();
    if (showSpinner) this.loading.set(true);
    this.request = this.api.clusters(query, this.orgFilter() || undefined).subscribe({
      next: (page) => {
        const rows = page.values.map(providerClusterRow);
        this.rows.set(rows);
        this.total.set(page.resultTotal);
        this.error.set(null);
        this.loading.set(false);
        if (rows.some((row) => isChanging(row.phase))) {
          this.nextRefresh = timer(this.refreshMs).subscribe(() => this.load(false));
        }
      },
      error: (error: unknown) => {
        this.error.set(describeApiError(error));
        this.loading.set(false);
      },
    });
  }
}
