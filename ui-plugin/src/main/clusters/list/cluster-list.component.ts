import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { ClarityModule } from '@clr/angular';
import { CseApi, describeApiError, type ServiceAbout } from '../../api/cse-api';
import { ContainerContext } from '../../container/container-context';
import { TranslatePipe } from '../../i18n/translate.pipe';

type ServiceState =
  { kind: 'checking' } | { kind: 'ready'; about: ServiceAbout } | { kind: 'unavailable'; reason: string };

/** The "Kubernetes Clusters" page: service status and the organisation's clusters. */
@Component({
  selector: 'cse-cluster-list',
  standalone: true,
  imports: [ClarityModule, TranslatePipe],
  templateUrl: './cluster-list.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ClusterListComponent implements OnInit {
  private readonly api = inject(CseApi);
  protected readonly container = inject(ContainerContext);
  protected readonly service = signal<ServiceState>({ kind: 'checking' });

  ngOnInit(): void {
    this.checkService();
  }

  protected checkService(): void {
    this.service.set({ kind: 'checking' });
    this.api.about().subscribe({
      next: (about) => this.service.set({ kind: 'ready', about }),
      error: (error: unknown) => this.service.set({ kind: 'unavailable', reason: describeApiError(error) }),
    });
  }
}
