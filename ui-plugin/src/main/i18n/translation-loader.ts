import { HttpClient } from '@angular/common/http';
import { Injectable, LOCALE_ID, inject } from '@angular/core';
import type { CanActivateChildFn, Routes } from '@angular/router';
import { EXTENSION_ASSET_URL } from '@vcd/common';
import { type Observable, catchError, forkJoin, map, of, shareReplay, switchMap } from 'rxjs';
import { type TranslationSet, useTranslations } from './translations';

/**
 * Where a locale's strings are: `<asset URL>/i18n/<locale>.json`, the per-locale layout of `@vcd/i18n`. The
 * container's asset URL is the zip's `assets/` folder, so the file ships in plugin.zip as `assets/i18n/en.json`.
 */
export function translationUrl(assetUrl: string, locale: string): string {
  return `${assetUrl.replace(/\/+$/, '')}/i18n/${locale}.json`;
}

/** The files to load for a locale id: English, the base, then the language's own strings over it. */
export function localesFor(localeId: string): string[] {
  const language = (localeId.split(/[-_]/)[0] ?? '').toLowerCase();
  return /^[a-z]{2,3}$/.test(language) && language !== 'en' ? ['en', language] : ['en'];
}

function isTranslationSet(body: unknown): body is TranslationSet {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    Object.values(body).every((value) => typeof value === 'string')
  );
}

/** Fetches the plugin's strings from its assets once; a failed load leaves the keys showing, never a blank page. */
@Injectable({ providedIn: 'root' })
export class TranslationLoader {
  private readonly http = inject(HttpClient);
  private readonly loads = new Map<string, Observable<boolean>>();

  /** True when strings are in place. A failed load is not kept, so the next navigation tries again. */
  load(assetUrl: string, localeId: string): Observable<boolean> {
    if (!assetUrl) return of(false);
    const key = `${assetUrl} ${localeId}`;
    let load = this.loads.get(key);
    if (!load) {
      load = forkJoin(localesFor(localeId).map((locale) => this.fetch(assetUrl, locale))).pipe(
        map((sets) => {
          const found = sets.filter((set): set is TranslationSet => set !== null);
          if (found.length === 0) {
            this.loads.delete(key);
            return false;
          }
          useTranslations(Object.assign({}, ...found) as TranslationSet);
          return true;
        }),
        shareReplay(1),
      );
      this.loads.set(key, load);
    }
    return load;
  }

  /** A locale's strings; should a container's asset URL be the zip's root instead, the file is under `assets/`. */
  private fetch(assetUrl: string, locale: string): Observable<TranslationSet | null> {
    const get = (url: string) =>
      this.http.get<unknown>(url).pipe(
        map((body) => (isTranslationSet(body) ? body : null)),
        catchError(() => of(null)),
      );
    const base = assetUrl.replace(/\/+$/, '');
    return get(translationUrl(base, locale)).pipe(
      switchMap((found) => (found ? of(found) : get(translationUrl(`${base}/assets`, locale)))),
    );
  }
}

/**
 * Lets a page of the plugin open once its strings have loaded, or failed to: it always lets the page open. Reads
 * the asset URL here, in the route's injector, where the container provides it for this plugin.
 */
export const translationsLoaded: CanActivateChildFn = () => {
  const assetUrl = inject(EXTENSION_ASSET_URL, { optional: true }) ?? '';
  return inject(TranslationLoader)
    .load(assetUrl, inject(LOCALE_ID))
    .pipe(map(() => true));
};

/** The plugin's routes under one parent that waits for the strings before any of its pages renders. */
export function withTranslations(routes: Routes): Routes {
  return [{ path: '', canActivateChild: [translationsLoaded], children: routes }];
}
