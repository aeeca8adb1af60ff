import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed, fakeAsync, flush } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import { clusterSpecMessages } from '@cse/cluster-spec-rules';
import { containerProviders } from '../../../testing/container-providers';
import { api, flushVdcOptions, flushWizardStart } from '../../../testing/vcd-fixtures';
import { ClusterWizardComponent, fieldId } from './cluster-wizard.component';

/** Drives the wizard the way a person does: type, choose, press Next, read what is shown next to each field. */
class WizardHarness {
  constructor(private readonly fixture: ComponentFixture<ClusterWizardComponent>) {}

  private get root(): HTMLElement {
    this.fixture.detectChanges();
    return this.fixture.nativeElement as HTMLElement;
  }
  private control<T extends HTMLElement>(field: string): T {
    const element = this.root.querySelector<T>(`#${fieldId(field).replace(/([[\].])/g, '\\$1')}`);
    if (!element) throw new Error(`no control for ${field} on this step`);
    return element;
  }
  type(field: string, value: string): void {
    const input = this.control<HTMLInputElement>(field);
    input.value = value;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
  }
  choose(field: string, value: string): void {
    const select = this.control<HTMLSelectElement>(field);
    select.value = value;
    select.dispatchEvent(new Event('change'));
  }
  chooseTemplate(index: number): void {
    const radio = this.root.querySelector<HTMLInputElement>(`#cse-template-${index}`)!;
    radio.checked = true;
    radio.dispatchEvent(new Event('change'));
  }
  errorFor(field: string): string {
    return (this.root.querySelector(`[id="${fieldId(field)}-error"]`)?.textContent ?? '').trim();
  }
  /** The title of the step on screen. */
  get step(): string {
    return (this.root.querySelector('.clr-wizard-stepnav-item.active')?.textContent ?? '')
      .replace(/\s+/g, ' ')
      .trim();
  }
  private button(type: 'next' | 'finish' | 'previous'): HTMLButtonElement {
    const host = Array.from(this.root.querySelectorAll(`clr-wizard-button[type="${type}"]`)).find(
      (candidate) => candidate.getAttribute('aria-hidden') !== 'true',
    );
    const button = host?.querySelector('button');
    if (!button) throw new Error(`no visible ${type} button`);
    return button;
  }
  next(): void {
    this.button('next').click();
    this.fixture.detectChanges();
  }
  get finishDisabled(): boolean {
    return this.button('finish').disabled;
  }
  finish(): void {
    this.button('finish').click();
    this.fixture.detectChanges();
  }
  text(selector: string): string {
    return (this.root.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();
  }
}

describe('ClusterWizardComponent', () => {
  /** What VCD's OAuth register answers: the client id is the API token's UUID. */
  const clientId = '0f5a3b6e-8c1d-4e2f-9a7b-3c4d5e6f7a8b';
  let http: HttpTestingController;
  let wizard: WizardHarness;

  function open(rights?: string[] | null): void {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      imports: [ClusterWizardComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideNoopAnimations(),
        provideRouter([]),
        ...containerProviders(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(ClusterWizardComponent);
    wizard = new WizardHarness(fixture);
    fixture.detectChanges();
    flushWizardStart(http, rights);
  }

  /** Fills every step with valid values and stops on the review step. */
  function fillToReview(): void {
    wizard.type('name', 'demo');
    wizard.choose('orgVdc', 'acme-vdc');
    flushVdcOptions(http);
    wizard.next();
    wizard.chooseTemplate(0);
    wizard.next();
    wizard.choose('controlPlane.sizingPolicy', 'TKG small');
    wizard.next();
    wizard.next();
    wizard.choose('network', 'acme-k8s-net');
    wizard.next();
    wizard.next();
  }

  afterEach(() => {
    http.verify();
    sessionStorage.clear();
  });

  it('shows the rule broken next to the field and does not move on', fakeAsync(() => {
    open();
    wizard.type('name', 'My_Cluster');
    expect(wizard.errorFor('name')).toBe(clusterSpecMessages['dns-label']('Cluster name', 'My_Cluster'));
    wizard.next();
    flush();
    expect(wizard.step).toContain('General');
    expect(wizard.errorFor('orgVdc')).toBe(clusterSpecMessages.required('Organisation VDC'));
  }));

  it('moves on once the step is valid, and offers the sizing policies of the chosen VDC', () => {
    open();
    wizard.type('name', 'demo');
    wizard.choose('orgVdc', 'acme-vdc');
    flushVdcOptions(http);
    wizard.next();
    expect(wizard.step).toContain('Kubernetes template');
    expect(wizard.text('.cse-templates')).toContain('v1.28.11');
    wizard.chooseTemplate(0);
    wizard.next();
    expect(wizard.step).toContain('Control plane');
    const options = Array.from(
      document.querySelectorAll<HTMLOptionElement>(`#${fieldId('controlPlane.sizingPolicy')} option`),
    ).map((option) => option.textContent!.trim());
    expect(options).toEqual(['VDC default', 'TKG small (2 vCPU, 4096 MB)', 'TKG medium (2 vCPU, 8192 MB)']);
  });

  it('refuses a network whose edge gateway has no load balancer, with the API message', fakeAsync(() => {
    open();
    wizard.type('name', 'demo');
    wizard.choose('orgVdc', 'acme-vdc');
    flushVdcOptions(http);
    wizard.next();
    wizard.chooseTemplate(0);
    wizard.next();
    wizard.next();
    wizard.next();
    wizard.choose('network', 'acme-plain-net');
    wizard.next();
    flush();
    expect(wizard.step).toContain('Network');
    expect(wizard.errorFor('network')).toBe(clusterSpecMessages['alb-gateway']('acme-plain-net'));
  }));

  it('creates an API token named after the cluster and sends it with the spec shown on review', () => {
    open();
    fillToReview();
    expect(wizard.step).toContain('Review');
    expect(document.querySelector('.cse-token-right')).toBeNull();
    expect(document.querySelector('.cse-pasted-token')).toBeNull();
    const review = JSON.parse(wizard.text('.cse-review-json')) as Record<string, unknown>;
    expect(review['apiToken']).toBe('********');
    expect(review['name']).toBe('demo');
    wizard.finish();

    const register = http.expectOne(`${api}/oauth/tenant/acme/register`);
    expect(register.request.body).toEqual({ client_name: 'cse-cluster-demo' });
    register.flush({ client_id: clientId });
    const token = http.expectOne(`${api}/oauth/tenant/acme/token`);
    expect(token.request.body).toContain('assertion=spec-token');
    expect(token.request.body).toContain(`client_id=${clientId}`);
    token.flush({ refresh_token: 'secret-refresh-token' });
    // The registered client is the token (govcd api_token.go): no lookup of the token by name.
    http.expectNone((request) => request.url.startsWith(`${api}/cloudapi/1.0.0/tokens`));
    const create = http.expectOne(`${api}/api/cse/v1/clusters`);
    expect(create.request.method).toBe('POST');
    expect(create.request.body).toEqual({
      ...(review as object),
      apiToken: 'secret-refresh-token',
      apiTokenId: `urn:vcloud:token:${clientId}`,
    });
    create.flush({ id: 'urn:vcloud:entity:cseoss:k8scluster:1' });
  });

  it('shows an API field error next to the field it names and revokes the unused token', fakeAsync(() => {
    open();
    fillToReview();
    wizard.finish();
    http.expectOne(`${api}/oauth/tenant/acme/register`).flush({ client_id: clientId });
    http.expectOne(`${api}/oauth/tenant/acme/token`).flush({ refresh_token: 'secret' });
    http.expectNone((request) => request.url.startsWith(`${api}/cloudapi/1.0.0/tokens`));
    const message = clusterSpecMessages['name-taken']('demo');
    http
      .expectOne(`${api}/api/cse/v1/clusters`)
      .flush(
        { minorErrorCode: 'INVALID_SPEC', message, errors: [{ field: 'name', rule: 'name-taken', message }] },
        { status: 400, statusText: 'Bad Request' },
      );
    http
      .expectOne(`${api}/cloudapi/1.0.0/tokens/${encodeURIComponent(`urn:vcloud:token:${clientId}`)}`)
      .flush(null, { status: 204, statusText: 'No Content' });
    flush();
    expect(wizard.step).toContain('General');
    expect(wizard.errorFor('name')).toBe(message);
    wizard.type('name', 'demo-2');
    expect(wizard.errorFor('name')).toBe('');
  }));

  it('keeps everything typed when the network fails, and offers a retry', () => {
    open();
    fillToReview();
    wizard.finish();
    http.expectOne(`${api}/oauth/tenant/acme/register`).error(new ProgressEvent('error'), { status: 0 });
    expect(wizard.step).toContain('Review');
    expect(wizard.text('.cse-submit-error')).toContain('Nothing was created and your entries are kept');
    expect(JSON.parse(wizard.text('.cse-review-json')).name).toBe('demo');
    (document.querySelector('.cse-submit-error .cse-retry') as HTMLButtonElement).click();
    http.expectOne(`${api}/oauth/tenant/acme/register`).flush({ client_id: clientId });
    http.expectOne(`${api}/oauth/tenant/acme/token`).flush({ refresh_token: 't' });
    http.expectNone((request) => request.url.startsWith(`${api}/cloudapi/1.0.0/tokens`));
    const create = http.expectOne(`${api}/api/cse/v1/clusters`);
    expect(create.request.body.apiTokenId).toBe(`urn:vcloud:token:${clientId}`);
    create.flush({ id: 'x' });
  });

  it('warns a user without "API Tokens: Manage" from the first step and will not create until a token is pasted', () => {
    open(['Organization vDC: View']);
    expect(wizard.text('.cse-token-right')).toContain('API Tokens: Manage');
    expect(wizard.text('.cse-token-right')).toContain('organization administrator');
    fillToReview();
    expect(wizard.step).toContain('Review');
    expect(wizard.text('.cse-token-right-review')).toContain('API Tokens: Manage');
    expect(wizard.finishDisabled).toBeTrue();

    wizard.type('apiToken', '  pasted-refresh-token ');
    expect(wizard.finishDisabled).toBeFalse();
    expect(wizard.text('.cse-review-intro')).toContain('the API token you pasted');
    const review = JSON.parse(wizard.text('.cse-review-json')) as Record<string, unknown>;
    expect(review['apiToken']).toBe('********');
    expect('apiTokenId' in review).toBeFalse();
    expect(JSON.stringify(sessionStorage)).not.toContain('pasted-refresh-token');
    wizard.finish();

    // No token is created (VCD would refuse): the pasted one goes with the spec, and nothing will revoke it.
    http.expectNone(`${api}/oauth/tenant/acme/register`);
    const create = http.expectOne(`${api}/api/cse/v1/clusters`);
    expect(create.request.body).toEqual({ ...(review as object), apiToken: 'pasted-refresh-token' });
    create.flush({ id: 'urn:vcloud:entity:cseoss:k8scluster:1' });
  });

  it('asks for a token when VCD would not say the right was missing and then refuses to create one', () => {
    open(null);
    fillToReview();
    expect(document.querySelector('.cse-pasted-token')).toBeNull();
    wizard.finish();
    http
      .expectOne(`${api}/oauth/tenant/acme/register`)
      .flush(
        { minorErrorCode: 'ACCESS_TO_RESOURCE_IS_FORBIDDEN', message: 'Missing right API Tokens: Manage' },
        { status: 403, statusText: 'Forbidden' },
      );
    expect(wizard.text('.cse-submit-error')).toContain('Missing right API Tokens: Manage');
    expect(wizard.text('.cse-token-right-review')).toContain('API Tokens: Manage');
    expect(wizard.finishDisabled).toBeTrue();
    wizard.type('apiToken', 'pasted');
    wizard.finish();
    http.expectOne(`${api}/api/cse/v1/clusters`).flush({ id: 'x' });
  });
});
