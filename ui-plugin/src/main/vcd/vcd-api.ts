import { HttpClient, HttpErrorResponse, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, forkJoin, map, of, switchMap, catchError, throwError } from 'rxjs';
import type { Page } from '../api/cluster-types';
import { ContainerContext } from '../container/container-context';

/** The cloudapi version the plugin speaks (VCD 10.4+). */
export const CLOUDAPI_VERSION = '37.2';

/** The right VCD checks when a user creates an API token for themselves. */
export const MANAGE_API_TOKENS_RIGHT = 'API Tokens: Manage';

interface Ref {
  id: string;
  name: string;
}

/** `/cloudapi/1.0.0/vdcs` item (the fields we use). */
export interface VdcRecord extends Ref {
  isEnabled?: boolean;
}

/** `/cloudapi/2.0.0/vdcs/{id}/computePolicies` item. */
export interface ComputePolicyRecord extends Ref {
  description?: string;
  isSizingOnly?: boolean;
  policyType?: string;
  cpuCount?: number | null;
  memory?: number | null;
}

/**
 * `/cloudapi/1.0.0/orgVdcStoragePolicies` item, VCD's `OrgVdcStoragePolicy` (CAPVCD's vendored OpenAPI client,
 * `vcdswaggerclient_37_2/model_org_vdc_storage_policy.go`); the wizard calls it a storage profile, as VCD's UI does.
 */
export interface StoragePolicyRecord extends Ref {
  isEnabled?: boolean;
  isDefaultStoragePolicy?: boolean;
  orgVdcRef?: Ref | null;
}

/**
 * `field==value` as Cloud Director reads a FIQL filter: unquoted, with its reserved `( ) ; ,` escaped by a
 * backslash (pyvcloud `client.py` `_escape_special_characters`); `*` stays VCD's wildcard.
 */
export function fiqlEquals(field: string, value: string): string {
  return `${field}==${value.replace(/[();,]/g, (char) => `\\${char}`)}`;
}

interface SubnetRecord {
  gateway: string;
  prefixLength: number;
}

/** `/cloudapi/1.0.0/orgVdcNetworks` item. */
export interface NetworkRecord extends Ref {
  orgVdc?: Ref | null;
  networkType?: string;
  connection?: { routerRef: Ref } | null;
  subnets?: { values: SubnetRecord[] };
}

/** A network with what the wizard needs to know about its edge gateway. */
export interface NetworkWithGateway extends NetworkRecord {
  gatewayName?: string;
  albEnabled: boolean;
}

interface SessionRecord {
  user: Ref;
  org: Ref;
  roleRefs?: Ref[];
}

/** A created API token: the refresh token itself (secret) and its id for a later revocation. */
export interface CreatedApiToken {
  name: string;
  token: string;
  id?: string;
}

/** Does the user hold a right: known yes, known no, or VCD would not say. */
export type RightCheck = 'granted' | 'missing' | 'unknown';

/** Typed calls to Cloud Director's own API for the wizard's options and the cluster's API token. */
@Injectable({ providedIn: 'root' })
export class VcdApi {
  private readonly http = inject(HttpClient);
  private readonly container = inject(ContainerContext);

  vdcs(): Observable<VdcRecord[]> {
    return this.all<VdcRecord>('cloudapi/1.0.0/vdcs');
  }

  computePolicies(vdcId: string): Observable<ComputePolicyRecord[]> {
    return this.all<ComputePolicyRecord>(`cloudapi/2.0.0/vdcs/${encodeURIComponent(vdcId)}/computePolicies`);
  }

  /**
   * The VDC's enabled storage policies. No public client shows which filter fields VCD takes here: the model's
   * `orgVdcRef.id` is asked for, a VCD that refuses it (400) is read whole, and the VDC is checked here either way.
   */
  storagePolicies(vdcId: string): Observable<StoragePolicyRecord[]> {
    const path = 'cloudapi/1.0.0/orgVdcStoragePolicies';
    return this.all<StoragePolicyRecord>(path, fiqlEquals('orgVdcRef.id', vdcId)).pipe(
      catchError((error: unknown) =>
        error instanceof HttpErrorResponse && error.status === 400
          ? this.all<StoragePolicyRecord>(path)
          : throwError(() => error),
      ),
      map((policies) =>
        policies.filter((policy) => policy.orgVdcRef?.id === vdcId && policy.isEnabled !== false),
      ),
    );
  }

  /** The VDC's networks, each with its edge gateway's name and whether the gateway has NSX ALB enabled. */
  networks(vdcId: string): Observable<NetworkWithGateway[]> {
    return this.all<NetworkRecord>('cloudapi/1.0.0/orgVdcNetworks', fiqlEquals('orgVdc.id', vdcId)).pipe(
      switchMap((networks) => {
        const gatewayIds = [
          ...new Set(
            networks.flatMap((network) => (network.connection ? [network.connection.routerRef.id] : [])),
          ),
        ];
        if (gatewayIds.length === 0)
          return of(networks.map((network) => ({ ...network, albEnabled: false })));
        return forkJoin(
          gatewayIds.map((id) => this.albEnabled(id).pipe(map((enabled) => [id, enabled] as const))),
        ).pipe(
          map((entries) => {
            const enabled = new Map(entries);
            return networks.map((network) => {
              const gateway = network.connection?.routerRef;
              return {
                ...network,
                gatewayName: gateway?.name,
                albEnabled: !!gateway && enabled.get(gateway.id) === true,
              };
            });
          }),
        );
      }),
    );
  }

  /** Whether the edge gateway's NSX ALB service is enabled (a gateway we may not read counts as no). */
  albEnabled(gatewayId: string): Observable<boolean> {
    return this.http
      .get<{ enabled?: boolean }>(
        this.url(`cloudapi/1.0.0/edgeGateways/${encodeURIComponent(gatewayId)}/loadBalancer`),
        {
          headers: this.headers(),
        },
      )
      .pipe(
        map((settings) => settings.enabled === true),
        catchError(() => of(false)),
      );
  }

  /**
   * Whether the session holds a right, as VCD tells a client: the session's own effective rights
   * (`sessions/current/rights`, filtered by name, no right needed). A VCD without that endpoint (404) is asked
   * through the session's roles (`roles/{id}/rights`, which needs "Role: View"); `unknown` when VCD will not say.
   */
  hasRight(right: string): Observable<RightCheck> {
    return this.all<Ref>('cloudapi/1.0.0/sessions/current/rights', fiqlEquals('name', right)).pipe(
      map((rights): RightCheck => (rights.some((found) => found.name === right) ? 'granted' : 'missing')),
      catchError((error: unknown) =>
        error instanceof HttpErrorResponse && error.status === 404
          ? this.hasRightThroughRoles(right)
          : of<RightCheck>('unknown'),
      ),
    );
  }

  private hasRightThroughRoles(right: string): Observable<RightCheck> {
    return this.http
      .get<SessionRecord>(this.url('cloudapi/1.0.0/sessions/current'), { headers: this.headers() })
      .pipe(
        switchMap((session): Observable<RightCheck> => {
          const roles = session.roleRefs ?? [];
          if (roles.length === 0) return of('unknown');
          return forkJoin(
            roles.map((role) =>
              this.all<Ref>(
                `cloudapi/1.0.0/roles/${encodeURIComponent(role.id)}/rights`,
                fiqlEquals('name', right),
              ).pipe(map((rights) => rights.length > 0)),
            ),
          ).pipe(map((found): RightCheck => (found.some(Boolean) ? 'granted' : 'missing')));
        }),
        catchError(() => of<RightCheck>('unknown')),
      );
  }

  /**
   * Creates a VCD API token for the user, as VCD's own "API Tokens" page does: register an OAuth client named
   * `name`, exchange the session for the client's refresh token (the API token). The registered client is the
   * token: its id is `urn:vcloud:token:<client_id>` (go-vcloud-director govcd/api_token.go, CreateToken).
   */
  createApiToken(name: string): Observable<CreatedApiToken> {
    const realm =
      this.container.scope === 'tenant'
        ? `tenant/${encodeURIComponent(this.container.organization)}`
        : 'provider';
    return this.http
      .post<{ client_id: string }>(
        this.url(`oauth/${realm}/register`),
        { client_name: name },
        {
          headers: { ...this.headers('application/json'), 'Content-Type': 'application/json' },
        },
      )
      .pipe(
        switchMap((client) => {
          const form = new HttpParams()
            .set('grant_type', 'urn:ietf:params:oauth:grant-type:jwt-bearer')
            .set('assertion', this.container.sessionToken)
            .set('client_id', client.client_id);
          return this.http
            .post<{ refresh_token: string }>(this.url(`oauth/${realm}/token`), form.toString(), {
              headers: {
                ...this.headers('application/json'),
                'Content-Type': 'application/x-www-form-urlencoded',
              },
            })
            .pipe(
              map((grant) => ({
                name,
                token: grant.refresh_token,
                id: `urn:vcloud:token:${client.client_id}`,
              })),
            );
        }),
      );
  }

  revokeApiToken(id: string): Observable<unknown> {
    return this.http.delete(this.url(`cloudapi/1.0.0/tokens/${encodeURIComponent(id)}`), {
      headers: this.headers(),
    });
  }

  /** Every item of a cloudapi collection (pages of 128, VCD's maximum), optionally filtered with FIQL. */
  private all<T>(path: string, filter?: string, page = 1, gathered: T[] = []): Observable<T[]> {
    let params = new HttpParams().set('page', page).set('pageSize', 128);
    if (filter) params = params.set('filter', filter);
    return this.http.get<Page<T>>(this.url(path), { headers: this.headers(), params }).pipe(
      switchMap((body) => {
        const values = [...gathered, ...body.values];
        return page < body.pageCount ? this.all(path, filter, page + 1, values) : of(values);
      }),
    );
  }

  private headers(accept = `application/json;version=${CLOUDAPI_VERSION}`): Record<string, string> {
    return { ...this.container.apiHeaders(), Accept: accept };
  }

  private url(path: string): string {
    return this.container.apiUrl(path);
  }
}
