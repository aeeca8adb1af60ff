import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { containerProviders } from '../../testing/container-providers';
import { api, flushSessionRights, page } from '../../testing/vcd-fixtures';
import { fiqlEquals, MANAGE_API_TOKENS_RIGHT, type RightCheck, VcdApi } from './vcd-api';

describe('VcdApi.hasRight', () => {
  let http: HttpTestingController;
  let vcd: VcdApi;
  let answer: RightCheck | undefined;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), ...containerProviders()],
    });
    http = TestBed.inject(HttpTestingController);
    vcd = TestBed.inject(VcdApi);
    answer = undefined;
    vcd.hasRight(MANAGE_API_TOKENS_RIGHT).subscribe((check) => (answer = check));
  });
  afterEach(() => http.verify());

  const sessionRights = () =>
    http.expectOne((request) => request.url === `${api}/cloudapi/1.0.0/sessions/current/rights`);

  it("asks for the session's own rights, filtered by the right's name, with the bearer", () => {
    const request = sessionRights();
    expect(request.request.params.get('filter')).toBe('name==API Tokens: Manage');
    expect(request.request.headers.get('Authorization')).toBe('Bearer spec-token');
    request.flush(page([{ id: 'urn:vcloud:right:1', name: 'API Tokens: Manage' }]));
    expect(answer).toBe('granted');
  });

  it('says missing when the session does not hold the right', () => {
    flushSessionRights(http, ['Organization vDC: View']);
    expect(answer).toBe('missing');
  });

  it("asks the session's roles when VCD has no session rights endpoint (404)", () => {
    sessionRights().flush(
      { minorErrorCode: 'NOT_FOUND', message: 'not found' },
      { status: 404, statusText: 'Not Found' },
    );
    http.expectOne(`${api}/cloudapi/1.0.0/sessions/current`).flush({
      user: { id: 'u', name: 'acme-author' },
      org: { id: 'o', name: 'acme' },
      roleRefs: [{ id: 'urn:vcloud:role:1', name: 'Kubernetes Cluster Author' }],
    });
    const role = http.expectOne(
      (request) => request.url === `${api}/cloudapi/1.0.0/roles/urn%3Avcloud%3Arole%3A1/rights`,
    );
    expect(role.request.params.get('filter')).toBe('name==API Tokens: Manage');
    role.flush(page([]));
    expect(answer).toBe('missing');
  });

  it('says unknown when VCD will not tell (the role needs "Role: View")', () => {
    sessionRights().flush({}, { status: 404, statusText: 'Not Found' });
    http.expectOne(`${api}/cloudapi/1.0.0/sessions/current`).flush({
      user: { id: 'u', name: 'acme-author' },
      org: { id: 'o', name: 'acme' },
      roleRefs: [{ id: 'r', name: 'Author' }],
    });
    http
      .expectOne((request) => request.url === `${api}/cloudapi/1.0.0/roles/r/rights`)
      .flush({ minorErrorCode: 'ACCESS_TO_RESOURCE_IS_FORBIDDEN' }, { status: 403, statusText: 'Forbidden' });
    expect(answer).toBe('unknown');
  });

  it('says unknown when the session rights fail otherwise', () => {
    sessionRights().error(new ProgressEvent('error'), { status: 0 });
    expect(answer).toBe('unknown');
  });
});

describe('VcdApi.storagePolicies', () => {
  let http: HttpTestingController;
  let vcd: VcdApi;
  const vdcId = 'urn:vcloud:vdc:1111';
  const policy = (name: string, extra: Record<string, unknown> = {}) => ({
    id: `urn:vcloud:vdcstorageProfile:${name}`,
    name,
    isEnabled: true,
    isDefaultStoragePolicy: false,
    orgVdcRef: { id: vdcId, name: 'acme-vdc' },
    ...extra,
  });

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), ...containerProviders()],
    });
    http = TestBed.inject(HttpTestingController);
    vcd = TestBed.inject(VcdApi);
  });
  afterEach(() => http.verify());

  const policies = () =>
    http.expectOne((request) => request.url === `${api}/cloudapi/1.0.0/orgVdcStoragePolicies`);

  it("reads VCD's orgVdcStoragePolicies filtered by the VDC, keeping the VDC's enabled policies", () => {
    let names: string[] | undefined;
    vcd.storagePolicies(vdcId).subscribe((found) => (names = found.map((p) => p.name)));
    const request = policies();
    expect(request.request.params.get('filter')).toBe(`orgVdcRef.id==${vdcId}`);
    request.flush(
      page([
        policy('gold'),
        policy('off', { isEnabled: false }),
        policy('elsewhere', { orgVdcRef: { id: 'urn:vcloud:vdc:2222', name: 'other' } }),
      ]),
    );
    expect(names).toEqual(['gold']);
  });

  it('reads the whole list when VCD refuses the filter (400)', () => {
    let names: string[] | undefined;
    vcd.storagePolicies(vdcId).subscribe((found) => (names = found.map((p) => p.name)));
    policies().flush(
      { minorErrorCode: 'BAD_REQUEST', message: 'bad filter' },
      { status: 400, statusText: 'Bad Request' },
    );
    const unfiltered = policies();
    expect(unfiltered.request.params.get('filter')).toBeNull();
    unfiltered.flush(page([policy('gold'), policy('elsewhere', { orgVdcRef: { id: 'x', name: 'x' } })]));
    expect(names).toEqual(['gold']);
  });
});

describe('fiqlEquals', () => {
  it('sends the value unquoted with ( ) ; , escaped by a backslash', () => {
    expect(fiqlEquals('name', 'a (b);c,d*"e"')).toBe('name==a \\(b\\)\\;c\\,d*"e"');
    expect(fiqlEquals('orgVdc.id', 'urn:vcloud:vdc:1')).toBe('orgVdc.id==urn:vcloud:vdc:1');
  });
});
