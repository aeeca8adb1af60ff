import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { ActivatedRoute, convertToParamMap, provideRouter } from '@angular/router';
import type { ClusterPhase } from '../../api/cluster-types';
import { containerProviders } from '../../../testing/container-providers';
import { api, cluster } from '../../../testing/vcd-fixtures';
import { ClusterDetailComponent } from './cluster-detail.component';

/** Reads and drives the cluster detail page. */
class ClusterDetailHarness {
  constructor(private readonly fixture: ComponentFixture<ClusterDetailComponent>) {}
  private get root(): HTMLElement {
    this.fixture.detectChanges();
    return this.fixture.nativeElement as HTMLElement;
  }
  text(selector: string): string {
    return (this.root.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();
  }
  has(selector: string): boolean {
    return !!this.root.querySelector(selector);
  }
  enabled(selector: string): boolean {
    const button = this.root.querySelector<HTMLButtonElement>(selector);
    return !!button && !button.disabled;
  }
  click(selector: string): void {
    this.root.querySelector<HTMLButtonElement>(selector)!.click();
    this.fixture.detectChanges();
  }
  /** The cells of each row of a table, as text. */
  rows(selector: string): string[][] {
    return Array.from(this.root.querySelectorAll(`${selector} tbody tr`)).map((row) =>
      Array.from(row.querySelectorAll('td')).map((cell) =>
        (cell.textContent ?? '').replace(/\s+/g, ' ').trim(),
      ),
    );
  }
  events(): { reason: string; text: string }[] {
    return Array.from(this.root.querySelectorAll('.cse-event')).map((event) => ({
      reason: event.getAttribute('data-reason') ?? '',
      text: (event.textContent ?? '').replace(/\s+/g, ' ').trim(),
    }));
  }
}

const id = 'urn:vcloud:entity:cseoss:k8scluster:web';
const clusterUrl = `${api}/api/cse/v1/clusters/${encodeURIComponent(id)}`;

describe('ClusterDetailComponent', () => {
  let http: HttpTestingController;
  let page: ClusterDetailHarness;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ClusterDetailComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideNoopAnimations(),
        provideRouter([]),
        { provide: ActivatedRoute, useValue: { snapshot: { paramMap: convertToParamMap({ id }) } } },
        ...containerProviders(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(ClusterDetailComponent);
    page = new ClusterDetailHarness(fixture);
    fixture.detectChanges();
  });

  afterEach(() => http.verify());

  function answer(phase: ClusterPhase, events: object[] = []): void {
    http.expectOne(clusterUrl).flush(cluster('web', phase));
    http.expectOne(`${clusterUrl}/events`).flush(events);
  }

  it('shows the overview of a Ready cluster and lets the user download its kubeconfig', () => {
    answer('Ready');
    expect(page.text('.cse-page-title')).toBe('web');
    expect(page.text('.cse-cp-endpoint')).toBe('https://203.0.113.10:6443');
    expect(page.text('.cse-pools-table')).toContain('workers');
    expect(page.enabled('.cse-download')).toBeTrue();
    expect(page.has('.cse-retry-cluster')).toBeFalse();
    page.click('.cse-download');
    http.expectOne(`${clusterUrl}/kubeconfig`).flush('apiVersion: v1\nkind: Config\n');
  });

  it('lists each node of a Ready cluster: role, pool, address, readiness, Kubernetes version and VM', () => {
    answer('Ready');
    expect(page.rows('.cse-node-table')).toEqual([
      [
        'web-control-plane-k7x2q',
        'Control plane',
        'control-plane',
        '10.10.1.20',
        'Ready',
        'v1.28.11+vmware.2',
        'urn:vcloud:vm:00000000-0000-4000-8000-000000000020',
      ],
      [
        'web-workers-5d8f7c9a1b-x2k4p',
        'Worker',
        'workers',
        '10.10.1.21',
        'Ready',
        'v1.28.11+vmware.2',
        'urn:vcloud:vm:00000000-0000-4000-8000-000000000021',
      ],
      [
        'web-workers-5d8f7c9a1b-m3n8r',
        'Worker',
        'workers',
        '10.10.1.22',
        'Not ready',
        'v1.28.11+vmware.2',
        'urn:vcloud:vm:00000000-0000-4000-8000-000000000022',
      ],
    ]);
    expect(page.has('.cse-node-table .label-danger')).toBeTrue();
    expect(page.has('.cse-nodes-later')).toBeFalse();
  });

  it("shows a node's unknown pool, Kubernetes version and VM as such", () => {
    const ready = cluster('web', 'Ready');
    ready.status.nodes = [
      {
        name: 'stray',
        role: 'worker',
        pool: null,
        ip: '10.10.1.30',
        ready: true,
        kubernetesVersion: null,
        vmId: null,
      },
    ];
    http.expectOne(clusterUrl).flush(ready);
    http.expectOne(`${clusterUrl}/events`).flush([]);
    expect(page.rows('.cse-node-table')).toEqual([
      ['stray', 'Worker', 'Unknown', '10.10.1.30', 'Ready', 'Not yet known', 'Not yet known'],
    ]);
  });

  it('says the nodes are listed once the cluster is Ready while it is being created', () => {
    answer('Provisioning');
    expect(page.has('.cse-node-table')).toBeFalse();
    expect(page.text('.cse-nodes-later')).toBe('Each node is listed here once the cluster is Ready.');
    expect(page.rows('.cse-pools-table')).toEqual([
      ['control-plane', 'VDC default', '0/1'],
      ['workers', 'VDC default', '0/2'],
    ]);
  });

  it('shows the event timeline of a failed cluster with durations, the reason, what to do, and a retry', () => {
    answer('Failed', [
      {
        time: '2026-11-25T10:00:00Z',
        type: 'Normal',
        reason: 'ControlPlaneVipReserved',
        message: 'VIP reserved',
      },
      {
        time: '2026-11-25T10:01:05Z',
        type: 'Warning',
        reason: 'BootstrapPhaseFailed',
        message: 'kind-ready failed: no registry; check the mirror setting',
      },
    ]);
    const events = page.events();
    expect(events.map((event) => event.reason)).toEqual(['ControlPlaneVipReserved', 'BootstrapPhaseFailed']);
    expect(events[0]!.text).toContain('took 1 min 5 s');
    expect(events[1]!.text).toContain('kind-ready failed: no registry');
    expect(events[1]!.text).toContain('What to do');
    expect(page.enabled('.cse-download')).toBeFalse();
    page.click('.cse-retry-cluster');
    http.expectOne(`${clusterUrl}/retry`).flush(null, { status: 202, statusText: 'Accepted' });
    answer('Provisioning');
  });

  it('asks for a confirmation that names the cluster before a force delete', () => {
    answer('Provisioning');
    page.click('.cse-force-delete');
    expect(page.text('.modal-title')).toBe('Force delete cluster "web"?');
    page.click('.cse-confirm-delete');
    const request = http.expectOne((r) => r.url === clusterUrl && r.method === 'DELETE');
    expect(request.request.params.get('force')).toBe('true');
    request.flush(null, { status: 202, statusText: 'Accepted' });
  });

  it('shows the API error of a refused action', () => {
    answer('Ready');
    page.click('.cse-delete');
    expect(page.text('.modal-title')).toBe('Delete cluster "web"?');
    page.click('.cse-confirm-delete');
    http
      .expectOne((r) => r.url === clusterUrl && r.method === 'DELETE')
      .flush(
        { minorErrorCode: 'BUSY_ENTITY', message: 'The cluster is busy' },
        { status: 409, statusText: 'Conflict' },
      );
    expect(page.text('.modal-body')).toContain('The action failed: The cluster is busy');
  });

  it('offers a retry when the cluster cannot be loaded', () => {
    const events = http.expectOne(`${clusterUrl}/events`);
    http.expectOne(clusterUrl).error(new ProgressEvent('error'), { status: 0 });
    expect(events.cancelled).toBeTrue();
    expect(page.text('.cse-load-error')).toContain('Cloud Director could not be reached');
    page.click('.cse-load-error .cse-retry');
    answer('Ready');
    expect(page.has('.cse-load-error')).toBeFalse();
  });
});
