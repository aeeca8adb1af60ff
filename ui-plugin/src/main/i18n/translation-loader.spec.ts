import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component, LOCALE_ID } from '@angular/core';
import { type ComponentFixture, TestBed, fakeAsync, tick } from '@angular/core/testing';
import { Router, RouterOutlet, provideRouter } from '@angular/router';
import { EXTENSION_ASSET_URL } from '@vcd/common';
import { TranslatePipe } from './translate.pipe';
import english from './en.json';
import { localesFor, translationUrl, withTranslations } from './translation-loader';
import { translate, useTranslations } from './translations';

const assets = 'https://vcd.example.test/tenant/acme/uiPlugins/p1/r1/assets';

@Component({
  standalone: true,
  imports: [TranslatePipe],
  template: `<h2 class="page-title">{{ 'clusters.title' | translate }}</h2>
    <p class="page-range">{{ 'clusters.range' | translate: 1 : 2 : 3 }}</p>`,
})
class PageComponent {}

@Component({ standalone: true, imports: [RouterOutlet], template: '<router-outlet />' })
class HostComponent {}

describe('where the strings are', () => {
  it('finds a locale file where @vcd/i18n puts it, under the asset URL', () => {
    expect(translationUrl(`${assets}/`, 'en')).toBe(`${assets}/i18n/en.json`);
    expect(localesFor('en-US')).toEqual(['en']);
    expect(localesFor('de-DE')).toEqual(['en', 'de']);
    expect(localesFor('')).toEqual(['en']);
  });
});

describe('strings loaded from the plugin assets', () => {
  let http: HttpTestingController;

  let navigated: boolean | undefined;

  /** Opens the plugin's route; the navigation then waits for the strings (drive it with `tick()`). */
  function start(locale = 'en-US', assetUrl: string | null = assets): ComponentFixture<HostComponent> {
    useTranslations({});
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter(withTranslations([{ path: '', component: PageComponent }])),
        { provide: LOCALE_ID, useValue: locale },
        ...(assetUrl === null ? [] : [{ provide: EXTENSION_ASSET_URL, useValue: assetUrl }]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(HostComponent);
    navigated = undefined;
    void TestBed.inject(Router)
      .navigateByUrl('/')
      .then((done) => (navigated = done));
    tick();
    return fixture;
  }

  /** The page's two texts once the navigation has ended. */
  function shown(fixture: ComponentFixture<HostComponent>): string {
    tick();
    expect(navigated).toBeTrue();
    fixture.detectChanges();
    const root = fixture.nativeElement as HTMLElement;
    return ['.page-title', '.page-range']
      .map((selector) => root.querySelector(selector)?.textContent?.trim() ?? '')
      .join(' | ');
  }

  afterEach(() => {
    http.verify();
    useTranslations(english);
  });

  it('opens a page once its English strings have arrived from i18n/en.json', fakeAsync(() => {
    const page = start();
    http.expectOne(`${assets}/i18n/en.json`).flush(english);
    expect(shown(page)).toBe('Kubernetes Clusters | 1 - 2 of 3 clusters');
  }));

  it("lays the user's language over English, keeping English where a string is not translated", fakeAsync(() => {
    const page = start('de-DE');
    http.expectOne(`${assets}/i18n/en.json`).flush(english);
    http.expectOne(`${assets}/i18n/de.json`).flush({ 'clusters.title': 'Kubernetes-Cluster' });
    expect(shown(page)).toBe('Kubernetes-Cluster | 1 - 2 of 3 clusters');
  }));

  it('finds the file under assets/ when the asset URL is the zip root', fakeAsync(() => {
    const root = assets.replace(/\/assets$/, '');
    const page = start('en-US', root);
    http.expectOne(`${root}/i18n/en.json`).flush('gone', { status: 404, statusText: 'Not Found' });
    http.expectOne(`${assets}/i18n/en.json`).flush(english);
    expect(shown(page)).toBe('Kubernetes Clusters | 1 - 2 of 3 clusters');
  }));

  it('still opens the page, showing the keys, when the strings cannot be loaded', fakeAsync(() => {
    const page = start();
    http.expectOne(`${assets}/i18n/en.json`).flush('gone', { status: 404, statusText: 'Not Found' });
    http.expectOne(`${assets}/assets/i18n/en.json`).flush('gone', { status: 404, statusText: 'Not Found' });
    expect(shown(page)).toBe('clusters.title | clusters.range');
    expect(translate('wizard.title')).toBe('wizard.title');
  }));

  it('treats a body that is not a string table as a failed load', fakeAsync(() => {
    const page = start();
    http.expectOne(`${assets}/i18n/en.json`).flush({ 'clusters.title': 42 });
    http.expectOne(`${assets}/assets/i18n/en.json`).flush({}, { status: 404, statusText: 'Not Found' });
    expect(shown(page)).toBe('clusters.title | clusters.range');
  }));

  it('opens the page without asking anything when the container gives no asset URL', fakeAsync(() => {
    const page = start('en-US', null);
    http.expectNone(() => true);
    expect(shown(page)).toBe('clusters.title | clusters.range');
  }));
});
