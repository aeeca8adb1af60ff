import { Injectable, inject } from '@angular/core';
import {
  API_ROOT_URL,
  AuthTokenHolderService,
  EXTENSION_ASSET_URL,
  EXTENSION_ROUTE,
  SESSION_ORGANIZATION,
  SESSION_ORG_ID,
  SESSION_SCOPE,
} from '@vcd/common';

/**
 * The one place the plugin reads what the Cloud Director container provides, so the same code
 * runs inside VCD and inside our portal.
 */
@Injectable({ providedIn: 'root' })
export class ContainerContext {
  /** Root URL for API calls, without a trailing slash. */
  readonly apiRootUrl = inject(API_ROOT_URL).replace(/\/+$/, '');
  readonly scope = inject(SESSION_SCOPE);
  readonly organization = inject(SESSION_ORGANIZATION);
  readonly organizationId = inject(SESSION_ORG_ID);
  readonly extensionRoute = inject(EXTENSION_ROUTE, { optional: true }) ?? '';
  readonly assetUrl = inject(EXTENSION_ASSET_URL, { optional: true }) ?? '';
  private readonly tokenHolder = inject(AuthTokenHolderService);

  /** The session's bearer token (read at each call: the container refreshes it). */
  get sessionToken(): string {
    return this.tokenHolder.token;
  }

  get isProvider(): boolean {
    return this.scope === 'service-provider';
  }

  /** Headers every VCD API call carries: the session's bearer token and a JSON Accept. */
  apiHeaders(): Record<string, string> {
    return { Authorization: `Bearer ${this.tokenHolder.token}`, Accept: 'application/json' };
  }

  /** Absolute URL of a VCD API path such as `api/cse/v1/about`. */
  apiUrl(path: string): string {
    return `${this.apiRootUrl}/${path.replace(/^\/+/, '')}`;
  }
}
