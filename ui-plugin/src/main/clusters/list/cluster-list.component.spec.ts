import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed, discardPeriodicTasks, fakeAsync, tick } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import type { ClusterPhase } from '../../api/cluster-types';
import { containerProviders } from '../../../testing/container-providers';
import { api, cluster, page } from '../../../testing/vcd-fixtures';
import { CLUSTER_REFRESH_MS, ClusterListComponent } from './cluster-list.component';

/** Finds and drives the cluster list page, so specs read as behaviour. */
class ClusterListHarness {
  constructor(private readonly fixture: ComponentFixture<ClusterListComponent>) {}

  private get root(): HTMLElement {
    this.fixture.detectChanges();
    return this.fixture.nativeElement as HTMLElement;
  }
  get title(): string {
    return this.text(this.root.querySelector('.cse-page-title'));
  }
  /** Each row as `name: phase label` plus whether it shows a spinner or which icon. */
  rows(): { name: string; phase: string; busy: boolean; icon: string | null; cells: string[] }[] {
    return Array.from(this.root.querySelectorAll('.cse-cluster-row')).map((row) => ({
      name: row.getAttribute('data-cluster') ?? '',
      phase: this.text(row.querySelector('.cse-phase-label')),
      busy: !!row.querySelector('.cse-phase .spinner'),
      icon: row.querySelector('cds-icon')?.getAttribute('shape') ?? null,
      cells: Array.from(row.querySelectorAll('clr-dg-cell')).map((cell) => this.text(cell)),
    }));
  }
  get error(): string {
    return this.text(this.root.querySelector('.cse-list-error'));
  }
  get emptyState(): HTMLElement | null {
    return this.root.querySelector('.cse-empty-state');
  }
  retry(): void {
    this.root.querySelector<HTMLButtonElement>('.cse-retry')!.click();
  }
  filterPhase(phase: ClusterPhase): void {
    const select = this.root.querySelector<HTMLSelectElement>('#cse-phase-filter')!;
    select.value = phase;
    select.dispatchEvent(new Event('change'));
  }
  private text(element: Element | null): string {
    return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
  }
}

const listUrl = `${api}/api/cse/v1/clusters`;

describe('ClusterListComponent', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<ClusterListComponent>;
  let harness: ClusterListHarness;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ClusterListComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideNoopAnimations(),
        provideRouter([]),
        { provide: CLUSTER_REFRESH_MS, useValue: 1000 },
        ...containerProviders(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ClusterListComponent);
    harness = new ClusterListHarness(fixture);
    fixture.detectChanges();
  });

  afterEach(() => http.verify());

  const expectList = () => http.expectOne((request) => request.url === listUrl);

  it('asks the API for the first page with the session token, and shows each phase with its icon or a spinner', () => {
    const request = expectList();
    expect(request.request.headers.get('Authorization')).toBe('Bearer spec-token');
    expect(request.request.params.get('page')).toBe('1');
    expect(request.request.params.get('pageSize')).toBe('10');
    const phases: ClusterPhase[] = ['Ready', 'Failed', 'Pending'];
    request.flush(page(phases.map((phase) => cluster(phase.toLowerCase(), phase))));
    expect(harness.title).toBe('Kubernetes Clusters');
    expect(harness.rows().map(({ name, phase, busy, icon }) => ({ name, phase, busy, icon }))).toEqual([
      { name: 'ready', phase: 'Ready', busy: false, icon: 'check-circle' },
      { name: 'failed', phase: 'Failed', busy: false, icon: 'error-standard' },
      { name: 'pending', phase: 'Pending', busy: false, icon: 'clock' },
    ]);
  });

  for (const phase of ['Provisioning', 'Updating', 'Deleting'] as const) {
    it(`shows a ${phase} cluster with a spinner`, () => {
      expectList().flush(page([cluster('busy', phase)]));
      expect(harness.rows()[0]).toEqual(jasmine.objectContaining({ phase, busy: true, icon: null }));
    });
  }

  it('shows endpoints, versions, ready nodes, VDC and owner of a Ready cluster', () => {
    expectList().flush(page([cluster('web', 'Ready')]));
    const cells = harness.rows()[0]!.cells;
    expect(cells.slice(0, 8)).toEqual([
      'web',
      'Ready',
      'v1.28.11+vmware.2',
      'https://203.0.113.10:6443',
      '203.0.113.11',
      '3/3',
      'acme-vdc',
      'acme-author',
    ]);
  });

  it('leaves filtering to the API: choosing a phase asks for that phase', () => {
    expectList().flush(page([cluster('web', 'Ready')]));
    harness.filterPhase('Failed');
    const request = expectList();
    expect(request.request.params.get('phase')).toBe('Failed');
    expect(request.request.params.get('sort')).toBeNull();
    request.flush(page([]));
    expect(harness.emptyState).toBeNull();
  });

  it('offers the wizard when the organisation has no cluster', () => {
    expectList().flush(page([]));
    const link = harness.emptyState!.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('/new');
    expect(link.textContent!.trim()).toBe('Create your first cluster');
  });

  it("shows VCD's error and a retry when the list fails, keeping the rows it had", () => {
    expectList().flush(page([cluster('web', 'Ready')]));
    (fixture.componentInstance as unknown as { reload(): void }).reload();
    expectList().flush(
      { minorErrorCode: 'GATEWAY_TIMEOUT', message: 'The extension did not answer in time' },
      { status: 504, statusText: 'Gateway Timeout' },
    );
    expect(harness.error).toContain('The clusters could not be loaded: The extension did not answer in time');
    expect(harness.rows().length).toBe(1);
    harness.retry();
    expectList().flush(page([cluster('web', 'Ready')]));
    expect(harness.error).toBe('');
  });

  it('says so when the network is down, with a retry', () => {
    expectList().error(new ProgressEvent('error'), { status: 0 });
    expect(harness.error).toContain('Cloud Director could not be reached');
    harness.retry();
    expectList().flush(page([]));
  });

  it('refreshes by itself while a cluster is changing, and stops once all have settled', fakeAsync(() => {
    expectList().flush(page([cluster('web', 'Provisioning')]));
    tick(1000);
    expectList().flush(page([cluster('web', 'Ready')]));
    tick(5000);
    http.expectNone((request) => request.url === listUrl);
    expect(harness.rows()[0]!.phase).toBe('Ready');
    discardPeriodicTasks();
  }));
});
