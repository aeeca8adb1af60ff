import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { containerProviders } from '../../../testing/container-providers';
import { ClusterListComponent } from './cluster-list.component';

/** Finds and drives the cluster list page, so specs read as behaviour. */
class ClusterListHarness {
  constructor(private readonly fixture: ComponentFixture<ClusterListComponent>) {}

  get title(): string {
    return this.text('.cse-page-title');
  }
  get status(): string {
    return this.text('.cse-service-status');
  }
  retry(): void {
    (this.fixture.nativeElement as HTMLElement).querySelector<HTMLButtonElement>('.cse-retry')!.click();
    this.fixture.detectChanges();
  }
  private text(selector: string): string {
    this.fixture.detectChanges();
    return ((this.fixture.nativeElement as HTMLElement).querySelector(selector)?.textContent ?? '')
      .replace(/\s+/g, ' ')
      .trim();
  }
}

describe('ClusterListComponent', () => {
  let http: HttpTestingController;
  let harness: ClusterListHarness;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ClusterListComponent],
      providers: [provideHttpClient(), provideHttpClientTesting(), ...containerProviders()],
    });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(ClusterListComponent);
    harness = new ClusterListHarness(fixture);
    fixture.detectChanges();
  });

  afterEach(() => http.verify());

  it('asks the service about itself through the VCD API root with the session token', () => {
    const request = http.expectOne('https://vcd.example.test/api/cse/v1/about');
    expect(request.request.headers.get('Authorization')).toBe('Bearer spec-token');
    request.flush({ name: 'cse', version: '1.2.3' });
    expect(harness.title).toBe('Kubernetes Clusters');
    expect(harness.status).toBe('Kubernetes service 1.2.3 is ready for acme.');
  });

  it("shows VCD's error message when the service is unreachable, and retries on request", () => {
    http
      .expectOne('https://vcd.example.test/api/cse/v1/about')
      .flush(
        { minorErrorCode: 'GATEWAY_TIMEOUT', message: 'The extension did not answer in time' },
        { status: 504, statusText: 'Gateway Timeout' },
      );
    expect(harness.status).toContain(
      'The Kubernetes service is not reachable: The extension did not answer in time',
    );

    harness.retry();
    http.expectOne('https://vcd.example.test/api/cse/v1/about').flush({ name: 'cse', version: '1.2.4' });
    expect(harness.status).toBe('Kubernetes service 1.2.4 is ready for acme.');
  });
});
