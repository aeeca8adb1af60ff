import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { containerProviders } from '../../../testing/container-providers';
import { PageHarness, acme, clean, globex, providerUrl, readiness } from '../../../testing/provider-fixtures';
import { ProviderTenantsComponent } from './provider-tenants.component';

describe('ProviderTenantsComponent', () => {
  let http: HttpTestingController;
  let page: PageHarness<ProviderTenantsComponent>;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ProviderTenantsComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideNoopAnimations(),
        ...containerProviders({ scope: 'service-provider', org: 'System' }),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    page = new PageHarness(TestBed.createComponent(ProviderTenantsComponent));
    page.fixture.detectChanges();
  });

  afterEach(() => http.verify());

  const expectList = () => http.expectOne(`${providerUrl}/tenants`);
  const row = (org: string) => `.cse-tenant-row[data-org="${org}"]`;
  const checks = (org: string) =>
    page.all(`${row(org)} .cse-check`).map((item) => ({
      key: item.getAttribute('data-check'),
      ok: item.getAttribute('data-ok') === 'true',
      text: clean(item.textContent),
    }));

  it('shows each organisation with its readiness, publication and every check with its message', () => {
    const request = expectList();
    expect(request.request.headers.get('Authorization')).toBe('Bearer spec-token');
    request.flush({ resultTotal: 2, values: [readiness(acme, true), readiness(globex, false)] });

    expect(page.text(`${row('acme')} .cse-tenant-ready`)).toBe('Ready (7 of 7 checks passed)');
    expect(page.text(`${row('acme')} .cse-tenant-published`)).toBe('Published');
    expect(page.text(`${row('globex')} .cse-tenant-ready`)).toBe('Not ready (5 of 7 checks passed)');
    expect(page.text(`${row('globex')} .cse-tenant-published`)).toBe('Not published');
    const globexChecks = checks('globex');
    expect(globexChecks.length).toBe(7);
    expect(globexChecks[0]).toEqual({
      key: 'rightsBundle',
      ok: false,
      text: 'Rights bundle: rightsBundle is not published to globex; publish it: cse tenants publish globex',
    });
    expect(globexChecks.find((check) => check.key === 'network')).toEqual({
      key: 'network',
      ok: true,
      text: 'Network and load balancer: network in place for globex',
    });
    // Each check's state is told in words to assistive technology, not only by its icon.
    const icon = page.one(`${row('globex')} .cse-check[data-check="roles"] cds-icon`)!;
    expect(icon.getAttribute('aria-label')).toBe('Failed');
    expect(icon.getAttribute('shape')).toBe('error-standard');
    expect(page.one(`${row('acme')} .cse-publish`)).toBeNull();
    expect(page.one(`${row('acme')} .cse-unpublish`)!.getAttribute('aria-label')).toBe('Unpublish from acme');
  });

  it('publishes to an organisation after a confirmation naming it, and shows the org as the API answers', () => {
    expectList().flush({ resultTotal: 2, values: [readiness(acme, true), readiness(globex, false)] });
    page.click(`${row('globex')} .cse-publish`);
    expect(page.text('.modal-title')).toBe('Publish to "globex"?');
    expect(page.text('.cse-confirm-text')).toContain('"Kubernetes Cluster Author"');
    page.click('.cse-confirm-action');

    const publish = http.expectOne(`${providerUrl}/tenants/globex/publish`);
    expect(publish.request.method).toBe('POST');
    publish.flush(readiness(globex, true));
    expect(page.one('.modal-title')).toBeNull();
    expect(page.text(`${row('globex')} .cse-tenant-published`)).toBe('Published');
    expect(checks('globex').every((check) => check.ok)).toBeTrue();
  });

  it('unpublishes only after the confirmation; cancel sends nothing', () => {
    expectList().flush({ resultTotal: 1, values: [readiness(acme, true)] });
    page.click(`${row('acme')} .cse-unpublish`);
    expect(page.text('.modal-title')).toBe('Unpublish from "acme"?');
    page.click('.cse-confirm-cancel');
    expect(page.one('.modal-title')).toBeNull();
    http.expectNone(() => true);

    page.click(`${row('acme')} .cse-unpublish`);
    page.click('.cse-confirm-action');
    http.expectOne(`${providerUrl}/tenants/acme/unpublish`).flush(readiness(acme, false));
    expect(page.text(`${row('acme')} .cse-tenant-published`)).toBe('Not published');
  });

  it("keeps the dialog open with the API's error, and confirming again retries", () => {
    expectList().flush({ resultTotal: 1, values: [readiness(globex, false)] });
    page.click(`${row('globex')} .cse-publish`);
    page.click('.cse-confirm-action');
    http.expectOne(`${providerUrl}/tenants/globex/publish`).flush(
      {
        minorErrorCode: 'CSE_NOT_INSTALLED',
        message: 'The rights bundle does not exist in Cloud Director; run cse install first',
      },
      { status: 409, statusText: 'Conflict' },
    );
    expect(page.text('.cse-action-error')).toBe(
      'Nothing was changed: The rights bundle does not exist in Cloud Director; run cse install first',
    );
    expect(page.text(`${row('globex')} .cse-tenant-published`)).toBe('Not published');

    page.click('.cse-confirm-action');
    http.expectOne(`${providerUrl}/tenants/globex/publish`).flush(readiness(globex, true));
    expect(page.one('.cse-action-error')).toBeNull();
    expect(page.text(`${row('globex')} .cse-tenant-published`)).toBe('Published');
  });

  it('says when the list cannot be loaded, and retries', () => {
    expectList().error(new ProgressEvent('error'), { status: 0 });
    expect(page.text('.cse-list-error')).toContain(
      'The tenants could not be loaded: Cloud Director could not be reached',
    );
    page.click('.cse-retry');
    expectList().flush({ resultTotal: 1, values: [readiness(acme, true)] });
    expect(page.one('.cse-list-error')).toBeNull();
    expect(page.all('.cse-tenant-row').length).toBe(1);
  });
});
