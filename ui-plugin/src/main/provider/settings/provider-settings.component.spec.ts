import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { containerProviders } from '../../../testing/container-providers';
import {
  PageHarness,
  providerUrl,
  settingsDocument,
  settingsWithAddonsAndUnknownFields,
} from '../../../testing/provider-fixtures';
import { ProviderSettingsComponent } from './provider-settings.component';

const settingsUrl = `${providerUrl}/settings`;
const etag = '"s-0123456789abcdef0123456789abcdef"';

describe('ProviderSettingsComponent', () => {
  let http: HttpTestingController;
  let page: PageHarness<ProviderSettingsComponent>;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ProviderSettingsComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideNoopAnimations(),
        ...containerProviders({ scope: 'service-provider', org: 'System' }),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    page = new PageHarness(TestBed.createComponent(ProviderSettingsComponent));
    page.fixture.detectChanges();
  });

  afterEach(() => http.verify());

  const answerGet = (source = 'configuration', document = settingsDocument()) => {
    const request = http.expectOne(settingsUrl);
    expect(request.request.method).toBe('GET');
    request.flush(document, { headers: { ETag: etag, 'X-CSE-Settings-Source': source } });
  };
  const expectPut = () => {
    const request = http.expectOne(settingsUrl);
    expect(request.request.method).toBe('PUT');
    return request;
  };
  const value = (id: string) => (page.one(`#${id}`) as HTMLInputElement).value;

  it('fills the form from the settings in force, saying where they come from', () => {
    answerGet();
    expect(page.text('.cse-settings-intro')).toContain("worker configuration's defaults");
    expect(value('cse-settings-registry-imageRegistry')).toBe('projects.registry.vmware.com/tkg');
    expect(value('cse-settings-components-contour-sha256')).toBe('ab'.repeat(32));
    expect(value('cse-settings-phaseTimeouts-vm-started')).toBe('600');
    expect(value('cse-settings-phaseTimeouts-done')).toBe('');
    expect(value('cse-settings-proxy-noProxy')).toBe('10.0.0.0/8\n.corp.example');
    // Every control has a label naming it.
    for (const control of page.all('input, select, textarea')) {
      expect(page.one(`label[for="${control.id}"]`))
        .withContext(control.id)
        .not.toBeNull();
    }
    expect(page.text('label[for="cse-settings-registry-binaryMirror"]')).toBe('Binary mirror URL (optional)');
  });

  it('saves the whole document with If-Match and shows what was saved', () => {
    answerGet();
    page.type('#cse-settings-components-kubectl', 'v1.29.4');
    page.type('#cse-settings-phaseTimeouts-done', '120');
    page.click('.cse-save');
    const put = expectPut();
    expect(put.request.headers.get('If-Match')).toBe(etag);
    const expected = settingsDocument();
    expected.components.kubectl = 'v1.29.4';
    expected.phaseTimeouts['done'] = 120;
    expect(put.request.body).toEqual(expected);
    put.flush(expected, { headers: { ETag: '"s-new"', 'X-CSE-Settings-Source': 'entity' } });
    expect(page.text('.cse-saved')).toBe('The settings were saved.');
    expect(page.text('.cse-settings-intro')).toContain('apply to every worker');

    // The next save carries the new ETag.
    page.click('.cse-save');
    expect(expectPut().request.headers.get('If-Match')).toBe('"s-new"');
  });

  it('saves a document with fields it does not show unchanged but for the field edited', () => {
    const read = settingsWithAddonsAndUnknownFields();
    answerGet('entity', read);
    page.type('#cse-settings-components-kubectl', 'v1.29.4');
    page.click('.cse-save');
    const put = expectPut();
    expect(put.request.body).toEqual({ ...read, components: { ...read.components, kubectl: 'v1.29.4' } });
    put.flush(put.request.body, { headers: { ETag: '"s-new"', 'X-CSE-Settings-Source': 'entity' } });
    expect(page.text('.cse-saved')).toBe('The settings were saved.');
  });

  it('shows the components mirror and the CNI, CPI and CSI manifests, and checks them before saving', () => {
    answerGet('entity', settingsWithAddonsAndUnknownFields());
    expect(value('cse-settings-registry-componentsMirror')).toBe('https://mirror.example/components');
    expect(value('cse-settings-components-cni-name')).toBe('antrea');
    expect(value('cse-settings-components-cni-version')).toBe('v1.15.1');
    expect(value('cse-settings-components-cpi-manifestUrl')).toBe(
      'https://mirror.example/cpi/v1.6.0/cpi.yaml',
    );
    expect(value('cse-settings-components-csi-sha256')).toBe('e'.repeat(64));
    // No two controls share a label, so a person (or a screen reader's list of fields) can tell them apart.
    const labels = page.all('label.clr-control-label').map((label) => label.textContent!.trim());
    expect(labels.filter((label, index) => labels.indexOf(label) !== index)).toEqual([]);
    expect(page.text('label[for="cse-settings-components-cpi-sha256"]')).toBe('CPI manifest SHA-256');
    expect(page.text('[data-section="cni"] legend')).toBe('Container network (CNI)');
    expect(page.text('[data-section="cni"] .cse-section-hint')).toContain('Leave every field empty');

    page.type('#cse-settings-components-csi-sha256', 'E'.repeat(64));
    expect(page.text('#cse-settings-components-csi-sha256-error')).toBe(
      'Give 64 lower-case hexadecimal digits.',
    );
    page.click('.cse-save');
    http.expectNone(settingsUrl);

    page.type('#cse-settings-components-csi-sha256', '1'.repeat(64));
    page.select('#cse-settings-components-cni-name', '');
    page.click('.cse-save');
    const body = expectPut().request.body as ReturnType<typeof settingsDocument>;
    expect(body.components.csi?.sha256).toBe('1'.repeat(64));
    expect(body.components.cni && 'name' in body.components.cni).toBeFalse();
  });

  it('checks fields on the page: a problem shows once the field is left, and Save sends nothing', () => {
    answerGet();
    page.type('#cse-settings-components-contour-sha256', 'not-a-hash');
    expect(page.text('#cse-settings-components-contour-sha256-error')).toBe(
      'Give 64 lower-case hexadecimal digits.',
    );
    const field = page.one('#cse-settings-components-contour-sha256')!;
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toBe('cse-settings-components-contour-sha256-error');
    page.click('.cse-save');
    http.expectNone(settingsUrl);
    expect(document.activeElement).toBe(field);
  });

  it('on 412 says the settings changed and offers a reload that reads them again', () => {
    answerGet();
    page.type('#cse-settings-components-kind', 'v0.23.0');
    page.click('.cse-save');
    expectPut().flush(
      {
        minorErrorCode: 'SETTINGS_CHANGED',
        message: `The settings changed since ETag ${etag}; read them again and re-apply your change`,
      },
      { status: 412, statusText: 'Precondition Failed' },
    );
    expect(page.text('.cse-settings-conflict')).toContain('Someone saved the settings after you loaded them');
    expect(value('cse-settings-components-kind')).toBe('v0.23.0');
    page.click('.cse-reload');
    const theirs = settingsDocument();
    theirs.components.kind = 'v0.24.0';
    answerGet('entity', theirs);
    expect(page.one('.cse-settings-conflict')).toBeNull();
    expect(value('cse-settings-components-kind')).toBe('v0.24.0');
  });

  it('shows each problem of INVALID_SETTINGS next to the field it names, until that field changes', () => {
    answerGet();
    page.type('#cse-settings-registry-binaryMirror', 'https://mirror.example/bin');
    page.click('.cse-save');
    expectPut().flush(
      {
        minorErrorCode: 'INVALID_SETTINGS',
        message: 'The settings were not saved: registry.binaryMirror must match format "uri"',
        errors: [
          { field: 'registry.binaryMirror', reason: 'must match format "uri"' },
          { field: 'proxy.noProxy[1]', reason: 'must match pattern "^[^\\s,]+$"' },
          { field: '(document)', reason: 'is odd' },
        ],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    expect(page.text('.cse-save-error')).toContain('The settings were not saved: 3 problem(s)');
    expect(page.text('.cse-other-problem')).toBe('(document) is odd');
    expect(page.text('#cse-settings-registry-binaryMirror-error')).toBe('must match format "uri"');
    expect(page.text('#cse-settings-proxy-noProxy-error')).toBe('must match pattern "^[^\\s,]+$"');

    page.type('#cse-settings-registry-binaryMirror', 'https://mirror.example/tools');
    expect(page.one('#cse-settings-registry-binaryMirror-error')).toBeNull();
    expect(page.one('#cse-settings-proxy-noProxy-error')).not.toBeNull();
  });

  it('keeps what was typed when Cloud Director cannot be reached, with a retry', () => {
    answerGet();
    page.type('#cse-settings-bootstrap-sizingPolicy', 'TKG medium');
    page.click('.cse-save');
    expectPut().error(new ProgressEvent('error'), { status: 0 });
    expect(page.text('.cse-save-error')).toContain('Cloud Director could not be reached');
    expect(value('cse-settings-bootstrap-sizingPolicy')).toBe('TKG medium');
    page.click('.cse-retry-save');
    expect(expectPut().request.body.bootstrap.sizingPolicy).toBe('TKG medium');
  });

  it('adds and removes trusted certificates', () => {
    answerGet();
    expect(page.text('.cse-no-certificates')).toContain('No certificate');
    page.click('.cse-add-certificate');
    page.type('#cse-settings-trustedCertificates-0-name', 'corp-ca');
    page.type('#cse-settings-trustedCertificates-0-pem', 'garbage');
    expect(page.text('#cse-settings-trustedCertificates-0-pem-error')).toContain('PEM certificate');
    page.click('.cse-remove-certificate');
    expect(page.one('#cse-settings-trustedCertificates-0-name')).toBeNull();
    page.click('.cse-save');
    expect(expectPut().request.body.trustedCertificates).toEqual([]);
  });

  it('says when the settings cannot be loaded, and retries', () => {
    http
      .expectOne(settingsUrl)
      .flush(
        { minorErrorCode: 'ACCESS_TO_RESOURCE_IS_FORBIDDEN', message: 'This operation needs the right "X"' },
        { status: 403, statusText: 'Forbidden' },
      );
    expect(page.text('.cse-load-error')).toContain('The settings could not be loaded: This operation needs');
    page.click('.cse-retry');
    answerGet();
    expect(page.one('.cse-settings-form')).not.toBeNull();
  });
});
