import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ClarityModule } from '@clr/angular';
import type { Subscription } from 'rxjs';
import { ProviderApi } from '../../api/provider-api';
import type { OrgRef } from '../../api/provider-types';
import { CLUSTER_REFRESH_MS } from '../../clusters/list/cluster-list.component';
import { type GridState, listQueryOf } from '../../clusters/list/cluster-row';
import { LiveClusterPage } from '../../clusters/list/live-cluster-page';
import { PhaseBadgeComponent } from '../../clusters/phase/phase-badge.component';
import { TranslatePipe } from '../../i18n/translate.pipe';
import { providerClusterRow } from './provider-cluster-row';
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
  protected readonly orgs = signal<OrgRef[]>([]);
  protected readonly orgFilter = signal('');
  private gridState: GridState = {};
  private orgRequest?: Subscription;
  private readonly page = new LiveClusterPage(
    () => this.api.clusters(listQueryOf(this.gridState, undefined), this.orgFilter() || undefined),
    providerClusterRow,
    inject(CLUSTER_REFRESH_MS),
    inject(DestroyRef),
  );
  protected readonly rows = this.page.rows;
  protected readonly total = this.page.total;
  protected readonly loading = this.page.loading;
  protected readonly error = this.page.error;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.orgRequest?.unsubscribe());
    this.loadOrgs();
  }

  /** Clarity calls this on start and whenever paging, sorting or a column filter changes. */
  protected refresh(state: GridState): void {
    this.gridState = state;
    this.page.load();
  }

  protected setOrgFilter(org: string): void {
    this.orgFilter.set(org);
    this.page.load();
  }

  protected reload(): void {
    if (this.orgs().length === 0) this.loadOrgs();
    this.page.load();
  }

  // Without the org list the filter only offers "every organisation"; the clusters still load.
  private loadOrgs(): void {
    this.orgRequest = this.api.tenantOrgs().subscribe({
      next: (orgs) => this.orgs.set(orgs),
      error: () => this.orgs.set([]),
    });
  }
}
