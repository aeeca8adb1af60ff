import { DatePipe } from '@angular/common';
import { HttpErrorResponse } from '@angular/common/http';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  signal,
  OnInit,
} from '@angular/core';
import { Router, RouterLink, ActivatedRoute } from '@angular/router';
import { ClarityModule } from '@clr/angular';
import { type Observable, type Subscription, catchError, forkJoin, of, timer } from 'rxjs';
import type { ClusterDetail, ClusterEvent } from '../../api/cluster-types';
import { CseApi, describeApiError } from '../../api/cse-api';
import { TranslatePipe, translate } from '../../i18n/translate.pipe';
import { CLUSTER_REFRESH_MS } from '../list/cluster-list.component';
import { isChanging } from '../phase/cluster-phase';
import { PhaseBadgeComponent } from '../phase/phase-badge.component';
import { clusterTimeline, formatDuration } from './cluster-timeline';
import { downloadText } from './text-download';
import { RetryAlertComponent } from '../../common/retry-alert.component';

type PageState =
  { kind: 'loading' } | { kind: 'ready' } | { kind: 'missing' } | { kind: 'failed'; message: string };

/** One cluster: overview, event timeline, nodes, and the actions its phase allows. */
@Component({
  selector: 'cse-cluster-detail',
  standalone: true,
  imports: [ClarityModule, DatePipe, RouterLink, TranslatePipe, PhaseBadgeComponent, RetryAlertComponent],
  templateUrl: './cluster-detail.component.html',
  styles: [
    `
      .cse-detail-header {
        display: flex;
        align-items: baseline;
        gap: 1rem;
      }
      .cse-actions {
        margin: 1rem 0 0.25rem;
      }
      section {
        margin-top: 1.5rem;
      }
      .cse-overview-table {
        max-width: 48rem;
      }
      .cse-error-text {
        color: var(--cds-alias-status-danger, #c21d00);
      }
      .cse-timeline {
        list-style: none;
        margin: 0.5rem 0 0;
        padding-left: 1rem;
        border-left: 2px solid var(--cds-alias-object-border-color, #ccc);
      }
      .cse-event {
        margin-bottom: 0.75rem;
      }
      .cse-event-head {
        display: flex;
        align-items: center;
        gap: 0.5rem;
      }
      .cse-event-message {
        margin-top: 0.25rem;
      }
      .cse-event-warning .cse-event-message {
        color: var(--cds-alias-status-danger, #c21d00);
      }
      .cse-event-advice {
        margin-top: 0.25rem;
        font-style: italic;
      }
    `,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ClusterDetailComponent implements OnInit {
  private readonly api = inject(CseApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly refreshMs = inject(CLUSTER_REFRESH_MS);

  protected readonly state = signal<PageState>({ kind: 'loading' });
  protected readonly cluster = signal<ClusterDetail | null>(null);
  private readonly events = signal<ClusterEvent[]>([]);
  private readonly loadedAt = signal(Date.now());
  protected readonly confirming = signal<'delete' | 'force' | null>(null);
  protected readonly actionBusy = signal(false);
  protected readonly actionError = signal<string | null>(null);

  /** The summary's phase (a new cluster's status may not have one yet: it is then Pending). */
  protected readonly phase = computed(() => {
    const cluster = this.cluster();
    return cluster ? (cluster.phase ?? cluster.status?.phase ?? 'Pending') : undefined;
  });
  protected readonly timeline = computed(() => clusterTimeline(this.events(), this.phase(), this.loadedAt()));
  protected readonly controlPlaneUrl = computed(() => {
    const endpoint = this.cluster()?.status?.endpoints?.controlPlane;
    return endpoint ? `https://${endpoint.host}:${endpoint.port}` : '';
  });
  protected readonly pools = computed(() => {
    const cluster = this.cluster();
    if (!cluster) return [];
    const status = new Map((cluster.status?.nodePools ?? []).map((pool) => [pool.name, pool]));
    const spec = [
      {
        name: 'control-plane',
        count: cluster.spec.controlPlane.count,
        sizing: cluster.spec.controlPlane.sizingPolicy,
      },
      ...cluster.spec.workerPools.map((pool) => ({
        name: pool.name,
        count: pool.count,
        sizing: pool.sizingPolicy,
      })),
    ];
    return spec.map((pool) => ({
      name: pool.name,
      sizing: pool.sizing ?? '',
      desired: status.get(pool.name)?.desired ?? pool.count,
      ready: status.get(pool.name)?.ready ?? 0,
    }));
  });
  /** Each node as the worker saw it when the cluster became Ready. */
  protected readonly nodes = computed(() => this.cluster()?.status?.nodes ?? []);
  protected readonly formatDuration = formatDuration;
  private request?: Subscription;
  private nextRefresh?: Subscription;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.request?.unsubscribe();
      this.nextRefresh?.unsubscribe();
    });
  }

  ngOnInit(): void {
    this.load();
  }

  protected load(): void {
    // The cluster id is the route's `:id` (`…/kubernetes/{id}`).
    const id = this.route.snapshot.paramMap.get('id') ?? '';
    this.request?.unsubscribe();
    this.nextRefresh?.unsubscribe();
    this.request = forkJoin({
      cluster: this.api.getCluster(id),
      // The events endpoint may lag behind the entity; the status carries the same bounded log.
      events: this.api.clusterEvents(id).pipe(catchError(() => of(null))),
    }).subscribe({
      next: ({ cluster, events }) => {
        this.cluster.set(cluster);
        this.events.set(events ?? cluster.status?.events ?? []);
        this.loadedAt.set(Date.now());
        this.state.set({ kind: 'ready' });
        if (isChanging(cluster.phase ?? cluster.status?.phase ?? 'Pending'))
          this.nextRefresh = timer(this.refreshMs).subscribe(() => this.load());
      },
      error: (error: unknown) => {
        if (error instanceof HttpErrorResponse && error.status === 404) this.state.set({ kind: 'missing' });
        // Keep what was shown; say why it is not fresh and offer a retry.
        else this.state.set({ kind: 'failed', message: describeApiError(error) });
      },
    });
  }

  protected downloadKubeconfig(): void {
    const cluster = this.cluster();
    if (!cluster || this.phase() !== 'Ready') return;
    this.runAction(this.api.kubeconfig(cluster.id), (text) =>
      downloadText(`${cluster.name}-kubeconfig.yaml`, text),
    );
  }

  protected retry(): void {
    const cluster = this.cluster();
    if (!cluster) return;
    this.runAction(this.api.retryCluster(cluster.id), () => this.load());
  }

  protected confirmDelete(force: boolean): void {
    this.actionError.set(null);
    this.confirming.set(force ? 'force' : 'delete');
  }

  protected deleteCluster(): void {
    const cluster = this.cluster();
    const mode = this.confirming();
    if (!cluster || !mode) return;
    this.runAction(this.api.deleteCluster(cluster.id, mode === 'force'), () => {
      this.confirming.set(null);
      void this.router.navigate(['..'], { relativeTo: this.route });
    });
  }

  protected closeConfirm(): void {
    this.confirming.set(null);
  }

  private runAction<T>(action: Observable<T>, done: (value: T) => void): void {
    this.actionBusy.set(true);
    this.actionError.set(null);
    action.subscribe({
      next: (value) => {
        this.actionBusy.set(false);
        done(value);
      },
      error: (error: unknown) => {
        this.actionBusy.set(false);
        this.actionError.set(translate('detail.actionFailed', describeApiError(error)));
      },
    });
  }
}
