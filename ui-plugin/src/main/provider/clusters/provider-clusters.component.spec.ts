import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed, discardPeriodicTasks, fakeAsync, tick } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import { containerProviders } from '../../../testing/container-providers';
import { PageHarness, acme, clean, globex, orgsPage, orgsUrl } from '../../../testing/provider-fixtures';
import { api, cluster, page as pageOf } from '../../../testing/vcd-fixtures';
import { CLUSTER_REFRESH_MS } from '../../clusters/list/cluster-list.component';
import { ProviderClustersComponent } from './provider-clusters.component';

const listUrl = `${api}/api/cse/v1/clusters`;

describe('ProviderClustersComponent', () => {
  let http: HttpTestingController;
  let page: PageHarness<ProviderClustersComponent>;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ProviderClustersComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideNoopAnimations(),
        provideRouter([]),
        { provide: CLUSTER_REFRESH_MS, useValue: 1000 },
        ...containerProviders({ scope: 'service-provider', org: 'System' }),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    page = new PageHarness(TestBed.createComponent(ProviderClustersComponent));
  });

  afterEach(() => http.verify());

  const start = () => {
    page.fixture.detectChanges();
    http.expectOne((request) => request.url === orgsUrl).flush(orgsPage);
  };
  const expectList = () => http.expectOne((request) => request.url === listUrl);
  const web = cluster('web', 'Ready', { org: { id: acme.id, name: 'acme' } });
  const db = cluster('db', 'Failed', { org: { id: globex.id, name: 'globex' }, vdc: 'globex-vdc' });
  const rows = () =>
    page
      .all('.cse-cluster-row')
      .map((row) => Array.from(row.querySelectorAll('clr-dg-cell')).map((c) => clean(c.textContent)));

  it("lists every organisation's clusters with the owning org, each linking to its page", () => {
    start();
    const request = expectList();
    expect(request.request.params.get('org')).toBeNull();
    expect(request.request.params.get('pageSize')).toBe('10');
    request.flush(pageOf([db, web]));
    expect(rows().map((cells) => cells.slice(0, 6))).toEqual([
      ['db', 'globex', 'Failed', '', '0/3', 'globex-vdc'],
      ['web', 'acme', 'Ready', 'v1.28.11+vmware.2', '3/3', 'acme-vdc'],
    ]);
    expect(page.one('.cse-cluster-link')!.getAttribute('href')).toBe(`/${db.id}`);
  });

  it('offers the tenant organisations as a filter and asks the API for the chosen one', () => {
    start();
    expectList().flush(pageOf([db, web]));
    expect(page.all('#cse-org-filter option').map((option) => option.textContent!.trim())).toEqual([
      'All organizations',
      'acme',
      'globex',
    ]);
    page.select('#cse-org-filter', 'globex');
    const request = expectList();
    expect(request.request.params.get('org')).toBe('globex');
    request.flush(pageOf([]));
    expect(page.text('clr-dg-placeholder')).toContain('globex has none');
  });

  it('refreshes itself while a cluster is changing', fakeAsync(() => {
    start();
    expectList().flush(pageOf([cluster('new', 'Provisioning', { org: { name: 'acme' } })]));
    tick(1000);
    expectList().flush(pageOf([cluster('new', 'Ready', { org: { name: 'acme' } })]));
    tick(1000);
    http.expectNone(listUrl);
    discardPeriodicTasks();
  }));

  it('shows the error with a retry', () => {
    start();
    expectList().flush(
      {
        minorErrorCode: 'VCD_UNAVAILABLE',
        message: 'Cloud Director did not answer in time; try again (timeout)',
      },
      { status: 503, statusText: 'Service Unavailable' },
    );
    expect(page.text('.cse-list-error')).toContain(
      'The clusters could not be loaded: Cloud Director did not answer',
    );
    page.click('.cse-retry');
    expectList().flush(pageOf([web]));
    expect(page.one('.cse-list-error')).toBeNull();
  });
});
