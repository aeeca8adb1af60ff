import { HttpClient, HttpErrorResponse, HttpParams, type HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { type Observable, map, of, switchMap } from 'rxjs';
import { ContainerContext } from '../container/container-context';
import { CLOUDAPI_VERSION } from '../vcd/vcd-api';
import type { ClusterSummary, Page } from './cluster-types';
import { type ClusterListQuery, apiErrorBody, clusterListParams } from './cse-api';
import type {
  OrgRef,
  ProviderSettings,
  ProviderTemplate,
  SettingsProblem,
  TemplateChange,
  TenantReadiness,
  VersionedSettings,
} from './provider-types';

/** Cloud Director's provider organisation: never a tenant. */
const PROVIDER_ORG = 'System';

/** Typed calls to the provider routes of our extension API (`/api/cse/v1/provider/...`), through Cloud Director. */
@Injectable({ providedIn: 'root' })
export class ProviderApi {
  private readonly http = inject(HttpClient);
  private readonly container = inject(ContainerContext);

  tenants(): Observable<TenantReadiness[]> {
    return this.http
      .get<{ values: TenantReadiness[] }>(this.url('provider/tenants'), { headers: this.headers() })
      .pipe(map((body) => body.values));
  }

  /** Publishes (or unpublishes) our rights bundle and both roles to one org; answers the org afterwards. */
  setPublication(org: string, publish: boolean): Observable<TenantReadiness> {
    const action = publish ? 'publish' : 'unpublish';
    return this.http.post<TenantReadiness>(
      this.url(`provider/tenants/${encodeURIComponent(org)}/${action}`),
      null,
      { headers: this.headers() },
    );
  }

  templates(): Observable<ProviderTemplate[]> {
    return this.http
      .get<{ values: ProviderTemplate[] }>(this.url('provider/templates'), { headers: this.headers() })
      .pipe(map((body) => body.values));
  }

  updateTemplate(id: string, change: TemplateChange): Observable<ProviderTemplate> {
    return this.http.put<ProviderTemplate>(this.url(`provider/templates/${encodeURIComponent(id)}`), change, {
      headers: { ...this.headers(), 'Content-Type': 'application/json' },
    });
  }

  settings(): Observable<VersionedSettings> {
    return this.http
      .get<ProviderSettings>(this.url('provider/settings'), { headers: this.headers(), observe: 'response' })
      .pipe(map(versioned));
  }

  /** Saves the whole document; with the ETag of the read, a concurrent change answers 412 instead of being lost. */
  saveSettings(settings: ProviderSettings, etag: string | null): Observable<VersionedSettings> {
    return this.http
      .put<ProviderSettings>(this.url('provider/settings'), settings, {
        headers: {
          ...this.headers(),
          'Content-Type': 'application/json',
          ...(etag ? { 'If-Match': etag } : {}),
        },
        observe: 'response',
      })
      .pipe(map(versioned));
  }

  /** Clusters of every organisation, or of `org` (by name): the tenant list's query plus the provider's filter. */
  clusters(query: ClusterListQuery, org?: string): Observable<Page<ClusterSummary>> {
    let params = clusterListParams(query);
    if (org) params = params.set('org', org);
    return this.http.get<Page<ClusterSummary>>(this.url('clusters'), { headers: this.headers(), params });
  }

  /** The tenant organisations (VCD's `/cloudapi/1.0.0/orgs` without the provider's own), sorted by name. */
  tenantOrgs(): Observable<OrgRef[]> {
    return this.orgPages(1, []).pipe(
      map((orgs) =>
        orgs
          .filter((org) => org.name !== PROVIDER_ORG)
          .map((org) => ({ id: org.id, name: org.name }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      ),
    );
  }

  private orgPages(page: number, gathered: OrgRef[]): Observable<OrgRef[]> {
    const params = new HttpParams().set('page', page).set('pageSize', 128);
    return this.http
      .get<Page<OrgRef>>(this.container.apiUrl('cloudapi/1.0.0/orgs'), {
        headers: { ...this.container.apiHeaders(), Accept: `application/json;version=${CLOUDAPI_VERSION}` },
        params,
      })
      .pipe(
        switchMap((body) => {
          const orgs = [...gathered, ...body.values];
          return page < body.pageCount ? this.orgPages(page + 1, orgs) : of(orgs);
        }),
      );
  }

  private headers(): Record<string, string> {
    return this.container.apiHeaders();
  }

  private url(path: string): string {
    return this.container.apiUrl(`api/cse/v1/${path}`);
  }
}

function versioned(response: HttpResponse<ProviderSettings>): VersionedSettings {
  return {
    settings: response.body!,
    etag: response.headers.get('ETag'),
    source: response.headers.get('X-CSE-Settings-Source'),
  };
}

/** The `minorErrorCode` of a failed call (`SETTINGS_CHANGED`, `EXPIRY_IN_PAST`…), when VCD's error body has one. */
export function errorCodeOf(error: unknown): string | undefined {
  const code = apiErrorBody(error)?.minorErrorCode;
  return typeof code === 'string' ? code : undefined;
}

/** True for the 412 of a settings write based on settings someone else has changed since. */
export function isSettingsConflict(error: unknown): boolean {
  return error instanceof HttpErrorResponse && error.status === 412;
}

/** Every problem a refused settings document names (`errors[]` of `INVALID_SETTINGS`: `{field, reason}`). */
export function settingsProblemsOf(error: unknown): SettingsProblem[] {
  const errors: unknown = apiErrorBody(error)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((entry: unknown): SettingsProblem[] => {
    const candidate = entry as Partial<Record<'field' | 'reason' | 'message', unknown>> | null;
    if (!candidate || typeof candidate.field !== 'string') return [];
    const reason = candidate.reason ?? candidate.message;
    return typeof reason === 'string' ? [{ field: candidate.field, reason }] : [];
  });
}
