import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  InjectionToken,
  inject,
  signal,
} from '@angular/core';
import { DatePipe } from '@angular/common';
import { RouterLink, RouterOutlet } from '@angular/router';
import { ClarityModule } from '@clr/angular';
import { type Subscription, timer } from 'rxjs';
import { type ClusterPhase, clusterPhases } from '../../api/cluster-types';
import { CseApi, describeApiError } from '../../api/cse-api';
import { TranslatePipe } from '../../i18n/translate.pipe';
import { isChanging, phaseLook } from '../phase/cluster-phase';
import { PhaseBadgeComponent } from '../phase/phase-badge.component';
import { type ClusterRow, type GridState, clusterRow, listQueryOf } from './cluster-row';
import { RetryAlertComponent } from '../../common/retry-alert.component';

/** How often the list reloads while a cluster on the page is changing (ms). */
export const CLUSTER_REFRESH_MS = new InjectionToken<number>('CLUSTER_REFRESH_MS', {
  providedIn: 'root',
  factory: () => 3000,
});

/** The "Kubernetes Clusters" page: the organisation's clusters, paged, sorted and filtered by the API. */
@Component({
  selector: 'cse-cluster-list',
  standalone: true,
  imports: [
    ClarityModule,
    DatePipe,
    RouterLink,
    RouterOutlet,
    TranslatePipe,
    PhaseBadgeComponent,
    RetryAlertComponent,
  ],
  templateUrl: './cluster-list.component.html',
  styles: [
    `
      .cse-page-header {
        display: flex;
        justify-content: space-between;
        align-items: flex-end;
        gap: 1rem;
      }
      .cse-toolbar {
        display: flex;
        align-items: flex-end;
        gap: 1.5rem;
      }
      .cse-phase-filter {
        margin-top: 0;
      }
      .cse-empty-state {
        padding: 2rem 0;
        text-align: center;
      }
    `,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ClusterListComponent {
  private readonly api = inject(CseApi);
  private readonly refreshMs = inject(CLUSTER_REFRESH_MS);
  protected readonly phases = clusterPhases.map((phase) => ({ phase, label: phaseLook(phase).label }));
  protected readonly rows = signal<ClusterRow[]>([]);
  protected readonly total = signal(0);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly filtered = signal(false);
  protected readonly phaseFilter = signal<ClusterPhase | undefined>(undefined);
  private gridState: GridState = {};
  private request?: Subscription;
  private nextRefresh?: Subscription;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.request?.unsubscribe();
      this.nextRefresh?.unsubscribe();
    });
  }

  /** Clarity calls this on start and whenever paging, sorting or a column filter changes. */
  protected refresh(state: GridState): void {
    this.gridState = state;
    this.load(true);
  }

  protected setPhaseFilter(value: string): void {
    this.phaseFilter.set(
      (clusterPhases as readonly string[]).includes(value) ? (value as ClusterPhase) : undefined,
    );
    this.load(true);
  }

  protected reload(): void {
    this.load(true);
  }

  private load(showSpinner: boolean): void {
    const query = listQueryOf(this.gridState, this.phaseFilter());
    this.request?.unsubscribe();
    this.nextRefresh?.unsubscribe();
    if (showSpinner) this.loading.set(true);
    this.request = this.api.listClusters(query).subscribe({
      next: (page) => {
        const rows = page.values.map(clusterRow);
        this.rows.set(rows);
        this.total.set(page.resultTotal);
        this.filtered.set(!!(query.name || query.vdc || query.phase));
        this.error.set(null);
        this.loading.set(false);
        // Live refresh while anything on the page is on its way somewhere; quiet reloads, no spinner.
        if (rows.some((row) => isChanging(row.phase))) {
          this.nextRefresh = timer(this.refreshMs).subscribe(() => this.load(false));
        }
      },
      // What was on the page stays; the alert offers a retry.
      error: (error: unknown) => {
        this.error.set(describeApiError(error));
        this.loading.set(false);
      },
    });
  }
}
