import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { containerProviders } from '../../../testing/container-providers';
import {
  PageHarness,
  acme,
  clean,
  globex,
  orgsPage,
  orgsUrl,
  providerUrl,
  template,
} from '../../../testing/provider-fixtures';
import { ProviderTemplatesComponent } from './provider-templates.component';

const day = 24 * 3600 * 1000;
const isoDate = (at: number) => new Date(at).toISOString().slice(0, 10);

describe('ProviderTemplatesComponent', () => {
  let http: HttpTestingController;
  let page: PageHarness<ProviderTemplatesComponent>;

  const v1287 = template('v1.28.11', { expiresAt: '2030-01-31T00:00:00.000Z' });
  const v1294 = template('v1.29.6', {
    publishedToAll: false,
    orgs: [acme],
    catalogAlsoShowsTo: { allOrgs: true, orgs: [globex] },
  });
  const v1275 = template('v1.26.8', { lifecycle: 'deprecated', publishedToAll: false, orgs: [] });

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ProviderTemplatesComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideNoopAnimations(),
        ...containerProviders({ scope: 'service-provider', org: 'System' }),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    page = new PageHarness(TestBed.createComponent(ProviderTemplatesComponent));
    page.fixture.detectChanges();
    http.expectOne(`${providerUrl}/templates`).flush({ resultTotal: 3, values: [v1275, v1287, v1294] });
    http.expectOne((request) => request.url === orgsUrl).flush(orgsPage);
  });

  afterEach(() => http.verify());

  const row = (name: string) => `.cse-template-row[data-template="${name}"]`;
  const cells = (name: string) => page.all(`${row(name)} clr-dg-cell`).map((cell) => clean(cell.textContent));
  const edit = (name: string) => page.click(`${row(name)} .cse-edit`);
  const expectPut = (id: string) => {
    const request = http.expectOne(`${providerUrl}/templates/${encodeURIComponent(id)}`);
    expect(request.request.method).toBe('PUT');
    return request;
  };

  it('shows each template with versions, OS, lifecycle, expiry and where it is published', () => {
    expect(cells(v1287.name).slice(0, 7)).toEqual([
      'ubuntu-2204-kube-v1.28.11',
      'v1.28.11+vmware.2',
      'v2.5.2',
      'ubuntu 22.04',
      'Supported',
      'Jan 31, 2030',
      'All organizations',
    ]);
    expect(cells(v1294.name)[6]).toBe(
      "acme Also seen by globex in Cloud Director's catalog view, which shares whole catalogs",
    );
    expect(cells(v1275.name)[4]).toBe('Deprecated');
    expect(cells(v1275.name)[6]).toBe('Not published');
    expect(page.one(`${row(v1275.name)} .badge`)!.classList).toContain('badge-warning');
    expect(page.one(`${row(v1294.name)} .cse-edit`)!.getAttribute('aria-label')).toBe(
      'Edit ubuntu-2204-kube-v1.29.6',
    );
  });

  it('publishes a template to one more organisation, sending only the orgs', () => {
    edit(v1294.name);
    expect(page.text('.modal-title')).toBe('Template ubuntu-2204-kube-v1.29.6');
    expect((page.one('#cse-template-audience-chosen') as HTMLInputElement).checked).toBeTrue();
    // The tenant orgs to choose from, without the provider's own.
    expect(page.all('.cse-org-choices label').map((label) => label.textContent!.trim())).toEqual([
      'acme',
      'globex',
    ]);
    page.check('#cse-template-org-1');
    page.click('.cse-edit-save');
    const put = expectPut(v1294.id);
    expect(put.request.body).toEqual({ orgs: ['acme', 'globex'] });
    put.flush({ ...v1294, orgs: [acme, globex], catalogAlsoShowsTo: { allOrgs: true, orgs: [] } });
    expect(page.one('.modal-title')).toBeNull();
    expect(cells(v1294.name)[6]).toBe('acme, globex');
  });

  it('refuses a past expiry date on the page with the API message, and sends a future one as an instant', () => {
    edit(v1287.name);
    const yesterday = isoDate(Date.now() - day);
    page.type('#cse-template-expiry', yesterday);
    expect(page.text('#cse-template-expiry-error')).toBe(
      `expiresAt ${yesterday}T00:00:00.000Z is in the past; give a future date, or set lifecycle to expired`,
    );
    const input = page.one('#cse-template-expiry')!;
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe('cse-template-expiry-error');
    page.click('.cse-edit-save');
    http.expectNone(() => true);

    const later = isoDate(Date.now() + 30 * day);
    page.type('#cse-template-expiry', later);
    page.select('#cse-template-lifecycle', 'deprecated');
    page.click('#cse-template-audience-chosen');
    page.check('#cse-template-org-0');
    page.click('.cse-edit-save');
    expect(expectPut(v1287.id).request.body).toEqual({
      lifecycle: 'deprecated',
      expiresAt: `${later}T00:00:00.000Z`,
      orgs: ['acme'],
    });
  });

  it('clears an expiry date with null', () => {
    edit(v1287.name);
    page.type('#cse-template-expiry', '');
    page.click('.cse-edit-save');
    expect(expectPut(v1287.id).request.body).toEqual({ expiresAt: null });
  });

  it('closes without a call when nothing changed', () => {
    edit(v1275.name);
    page.click('.cse-edit-save');
    http.expectNone(() => true);
    expect(page.one('.modal-title')).toBeNull();
  });

  it("shows the API's refusal next to the field it names and keeps the choices", () => {
    edit(v1275.name);
    page.check('#cse-template-org-1');
    page.click('.cse-edit-save');
    expectPut(v1275.id).flush(
      {
        minorErrorCode: 'UNKNOWN_ORG',
        message: 'Organisation "globex" does not exist or is not a tenant organisation; nothing was changed',
      },
      { status: 400, statusText: 'Bad Request' },
    );
    expect(page.text('#cse-template-orgs-error')).toBe(
      'Organisation "globex" does not exist or is not a tenant organisation; nothing was changed',
    );
    expect((page.one('#cse-template-org-1') as HTMLInputElement).checked).toBeTrue();

    page.click('.cse-edit-save');
    expectPut(v1275.id).flush(
      { minorErrorCode: 'VCD_ERROR', message: 'Cloud Director refused the request: catalog busy' },
      { status: 502, statusText: 'Bad Gateway' },
    );
    expect(page.text('.cse-save-error')).toBe(
      'The template was not changed: Cloud Director refused the request: catalog busy',
    );
    expect(page.one('.modal-title')).not.toBeNull();
  });

  it('shows an expiry the API refuses next to the date field', () => {
    edit(v1294.name);
    const later = isoDate(Date.now() + 2 * day);
    page.type('#cse-template-expiry', later);
    page.click('.cse-edit-save');
    expectPut(v1294.id).flush(
      {
        minorErrorCode: 'EXPIRY_IN_PAST',
        message: `expiresAt ${later}T00:00:00.000Z is in the past; give a future date, or set lifecycle to expired`,
      },
      { status: 400, statusText: 'Bad Request' },
    );
    expect(page.text('#cse-template-expiry-error')).toContain('is in the past');
  });
});
