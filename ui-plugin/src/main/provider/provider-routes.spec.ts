import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { containerProviders } from '../../testing/container-providers';
import { providerUrl } from '../../testing/provider-fixtures';
import { api } from '../../testing/vcd-fixtures';
import { clusterRoutes } from '../cse-plugin.module';

describe('the plugin routes', () => {
  const setUp = (scope: 'tenant' | 'service-provider') => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideNoopAnimations(),
        provideRouter(clusterRoutes),
        ...containerProviders({ scope, org: scope === 'tenant' ? 'acme' : 'System' }),
      ],
    });
    return TestBed.inject(HttpTestingController);
  };

  it('open the provider pages on Tenants in a service-provider session, with a tab per page', async () => {
    const http = setUp('service-provider');
    const harness = await RouterTestingHarness.create('/');
    const root = harness.routeNativeElement!;
    expect(root.querySelector('cse-provider-tenants')).not.toBeNull();
    expect(
      Array.from(root.querySelectorAll('.cse-provider-nav a')).map((a) => [
        a.textContent!.trim(),
        a.getAttribute('href'),
      ]),
    ).toEqual([
      ['Tenants', '/tenants'],
      ['Templates', '/templates'],
      ['Settings', '/settings'],
      ['Clusters', '/clusters'],
    ]);
    expect(root.querySelector('.cse-provider-nav a.active')!.getAttribute('aria-current')).toBe('page');
    http.expectOne(`${providerUrl}/tenants`).flush({ resultTotal: 0, values: [] });

    await harness.navigateByUrl('/settings');
    expect(root.querySelector('cse-provider-settings')).not.toBeNull();
    http.expectOne(`${providerUrl}/settings`);
  });

  it('keep the tenant pages in a tenant session', async () => {
    const http = setUp('tenant');
    const harness = await RouterTestingHarness.create('/');
    const root = harness.fixture.nativeElement as HTMLElement;
    expect(root.querySelector('cse-cluster-list')).not.toBeNull();
    expect(root.querySelector('cse-provider-shell')).toBeNull();
    http.expectOne((request) => request.url === `${api}/api/cse/v1/clusters`);
  });
});
