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
import { tap } from 'rxjs';
import { type ClusterPhase, clusterPhases } from '../../api/cluster-types';
import { CseApi } from '../../api/cse-api';
import { TranslatePipe } from '../../i18n/translate.pipe';
import { phaseLook } from '../phase/cluster-phase';
import { PhaseBadgeComponent } from '../phase/phase-badge.component';
import { type GridState, clusterRow, listQueryOf } from './cluster-row';
import { LiveClusterPage } from './live-cluster-page';
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
  protected readonly phases = clusterPhases.map((phase) => ({ phase, label: phaseLook(phase).label }));
  protected readonly filtered = signal(false);
  protected readonly phaseFilter = signal<ClusterPhase | undefined>(undefined);
  private gridState: GridState = {};
  private readonly page = new LiveClusterPage(
    () => {
      const query = listQueryOf(this.gridState, this.phaseFilter());
      return this.api
        .listClusters(query)
        .pipe(tap(() => this.filtered.set(!!(query.name || query.vdc || query.phase))));
    },
    clusterRow,
    inject(CLUSTER_REFRESH_MS),
    inject(DestroyRef),
  );
  protected readonly rows = this.page.rows;
  protected readonly total = this.page.total;
  protected readonly loading = this.page.loading;
  protected readonly error = this.page.error;

  /** Clarity calls this on start and whenever paging, sorting or a column filter changes. */
  protected refresh(state: GridState): void {
    this.gridState = state;
    this.page.load();
  }

  protected setPhaseFilter(value: string): void {
    this.phaseFilter.set(
      (clusterPhases as readonly string[]).includes(value) ? (value as ClusterPhase) : undefined,
    );
    this.page.load();
  }

  protected reload(): void {
    this.page.load();
  }
}
