import { HttpClient, HttpErrorResponse, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import { ContainerContext } from '../container/container-context';
import type {
  ApiErrorBody,
  ClusterCreateRequest,
  ClusterSummary,
  ClusterCreated,
  ClusterDetail,
  ClusterEvent,
  ClusterPhase,
  KubernetesTemplate,
  Page,
} from './cluster-types';
import type { FieldError } from '@cse/cluster-spec-rules';
import { translate } from '../i18n/translate.pipe';

/** `GET /api/cse/v1/about`: what the worker behind VCD says about itself. */
export interface ServiceAbout {
  name: string;
  version: string;
  transports?: string[];
}

/** Sortable columns of the cluster list, as the API names them. */
export type ClusterSortField = 'name' | 'phase' | 'vdc' | 'createdAt';

/** What the list asks the API for: paging, sorting and filtering all happen on the server. */
export interface ClusterListQuery {
  page: number;
  pageSize: number;
  sort?: { by: ClusterSortField; reverse: boolean };
  name?: string;
  phase?: ClusterPhase;
  vdc?: string;
}

/** The query string of `GET /api/cse/v1/clusters` for a list query (empty filters are left out). */
export function clusterListParams(query: ClusterListQuery): HttpParams {
  let params = new HttpParams().set('page', query.page).set('pageSize', query.pageSize);
  if (query.sort) params = params.set('sort', `${query.sort.reverse ? '-' : ''}${query.sort.by}`);
  const name = namePattern(query.name ?? '');
  if (name) params = params.set('name', name);
  if (query.phase) params = params.set('phase', query.phase);
  if (query.vdc?.trim()) params = params.set('vdc', query.vdc.trim());
  return params;
}

/**
 * The API matches names with `*` wildcards over lower-case letters, digits and `-`; what the user types in the
 * name filter is a part of the name, so it becomes `*part*` (other characters cannot occur in a name).
 */
export function namePattern(typed: string): string {
  const part = typed.toLowerCase().replace(/[^a-z0-9*-]/g, '');
  return part ? `*${part}*`.replace(/\*+/g, '*') : '';
}

/** Typed calls to our extension API, `/api/cse/v1/...`, through Cloud Director. */
@Injectable({ providedIn: 'root' })
export class CseApi {
  private readonly http = inject(HttpClient);
  private readonly container = inject(ContainerContext);

  about(): Observable<ServiceAbout> {
    return this.http.get<ServiceAbout>(this.url('about'), { headers: this.container.apiHeaders() });
  }

  listClusters(query: ClusterListQuery): Observable<Page<ClusterSummary>> {
    return this.http.get<Page<ClusterSummary>>(this.url('clusters'), {
      headers: this.container.apiHeaders(),
      params: clusterListParams(query),
    });
  }

  getCluster(id: string): Observable<ClusterDetail> {
    return this.http.get<ClusterDetail>(this.url(`clusters/${encodeURIComponent(id)}`), {
      headers: this.container.apiHeaders(),
    });
  }

  clusterEvents(id: string): Observable<ClusterEvent[]> {
    return this.http
      .get<ClusterEvent[] | { values: ClusterEvent[] }>(
        this.url(`clusters/${encodeURIComponent(id)}/events`),
        {
          headers: this.container.apiHeaders(),
        },
      )
      .pipe(map((body) => (Array.isArray(body) ? body : body.values)));
  }

  createCluster(request: ClusterCreateRequest): Observable<ClusterCreated> {
    return this.http.post<ClusterCreated>(this.url('clusters'), request, {
      headers: { ...this.container.apiHeaders(), 'Content-Type': 'application/json' },
    });
  }

  deleteCluster(id: string, force: boolean): Observable<unknown> {
    const params = force ? new HttpParams().set('force', 'true') : undefined;
    return this.http.delete(this.url(`clusters/${encodeURIComponent(id)}`), {
      headers: this.container.apiHeaders(),
      params,
    });
  }

  retryCluster(id: string): Observable<unknown> {
    return this.http.post(this.url(`clusters/${encodeURIComponent(id)}/retry`), null, {
      headers: this.container.apiHeaders(),
    });
  }

  /** The kubeconfig as text (the API answers it as YAML or as `{kubeconfig}` JSON). */
  kubeconfig(id: string): Observable<string> {
    return this.http
      .get(this.url(`clusters/${encodeURIComponent(id)}/kubeconfig`), {
        headers: { ...this.container.apiHeaders(), Accept: 'application/json, application/yaml, text/plain' },
        responseType: 'text',
      })
      .pipe(map(kubeconfigText));
  }

  templates(): Observable<KubernetesTemplate[]> {
    return this.http
      .get<KubernetesTemplate[] | { values: KubernetesTemplate[] }>(this.url('templates'), {
        headers: this.container.apiHeaders(),
      })
      .pipe(map((body) => (Array.isArray(body) ? body : body.values)));
  }

  private url(path: string): string {
    return this.container.apiUrl(`api/cse/v1/${path}`);
  }
}

function kubeconfigText(body: string): string {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as { kubeconfig?: unknown };
      if (typeof parsed.kubeconfig === 'string') return parsed.kubeconfig;
    } catch {
      // not JSON after all: a YAML document that starts with a flow mapping
    }
  }
  return body;
}

/** VCD's error body of a failed call, when there is one. */
export function apiErrorBody(error: unknown): ApiErrorBody | undefined {
  if (!(error instanceof HttpErrorResponse)) return undefined;
  let body: unknown = error.error;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return body && typeof body === 'object' ? (body as ApiErrorBody) : undefined;
}

/** True when the request never reached the server (offline, DNS, connection refused…). */
export function isNetworkError(error: unknown): boolean {
  return error instanceof HttpErrorResponse && error.status === 0;
}

/** The message a person should read for a failed call: VCD's error `message`, else the HTTP status. */
export function describeApiError(error: unknown): string {
  if (error instanceof HttpErrorResponse) {
    const body = apiErrorBody(error);
    if (typeof body?.message === 'string' && body.message) return body.message;
    return error.status === 0
      ? translate('errors.network')
      : translate('errors.http', error.status, error.statusText);
  }
  return error instanceof Error ? error.message : String(error);
}

/** The field errors a refused create names (`errors[]` of the body), so the wizard shows each by its field. */
export function fieldErrorsOf(error: unknown): FieldError[] {
  const errors = apiErrorBody(error)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter(
    (entry): entry is FieldError =>
      !!entry && typeof entry.field === 'string' && typeof entry.message === 'string',
  );
}
