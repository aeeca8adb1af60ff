import { type DestroyRef, signal } from '@angular/core';
import { type Observable, type Subscription, timer } from 'rxjs';
import type { ClusterPhase, ClusterSummary, Page } from '../../api/cluster-types';
import { describeApiError } from '../../api/cse-api';
import { isChanging } from '../phase/cluster-phase';

/**
 * One page of clusters from the API, as the tenant and provider lists show it: rows, total, spinner and error, and
 * quiet reloads (no spinner) while any cluster on the page is on its way somewhere. A failed load keeps what was
 * on the page; the error offers a retry.
 */
export class LiveClusterPage<R extends { phase?: ClusterPhase }> {
  readonly rows = signal<R[]>([]);
  readonly total = signal(0);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  #request?: Subscription;
  #nextRefresh?: Subscription;

  constructor(
    private readonly fetch: () => Observable<Page<ClusterSummary>>,
    private readonly toRow: (summary: ClusterSummary) => R,
    private readonly refreshMs: number,
    destroyRef: DestroyRef,
  ) {
    destroyRef.onDestroy(() => this.#stop());
  }

  load(showSpinner = true): void {
    this.#stop();
    if (showSpinner) this.loading.set(true);
    this.#request = this.fetch().subscribe({
      next: (page) => {
        const rows = page.values.map(this.toRow);
        this.rows.set(rows);
        this.total.set(page.resultTotal);
        this.error.set(null);
        this.loading.set(false);
        if (rows.some((row) => isChanging(row.phase))) {
          this.#nextRefresh = timer(this.refreshMs).subscribe(() => this.load(false));
        }
      },
      error: (error: unknown) => {
        this.error.set(describeApiError(error));
        this.loading.set(false);
      },
    });
  }

  #stop(): void {
    this.#request?.unsubscribe();
    this.#nextRefresh?.unsubscribe();
  }
}
