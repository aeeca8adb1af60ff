import type { Provider } from '@angular/core';
import {
  API_ROOT_URL,
  AuthTokenHolderService,
  EXTENSION_ROUTE,
  SESSION_ORGANIZATION,
  SESSION_ORG_ID,
  SESSION_SCOPE,
} from '@vcd/common';

/** What the Cloud Director container provides, for specs: a tenant session in `acme`. */
export function containerProviders(
  overrides: { scope?: 'tenant' | 'service-provider'; org?: string } = {},
): Provider[] {
  const tokenHolder = new AuthTokenHolderService();
  tokenHolder.token = 'spec-token';
  return [
    { provide: API_ROOT_URL, useValue: 'https://vcd.example.test/' },
    { provide: SESSION_SCOPE, useValue: overrides.scope ?? 'tenant' },
    { provide: SESSION_ORGANIZATION, useValue: overrides.org ?? 'acme' },
    { provide: SESSION_ORG_ID, useValue: 'urn:vcloud:org:11111111-1111-4111-8111-111111111111' },
    { provide: EXTENSION_ROUTE, useValue: 'kubernetes' },
    { provide: AuthTokenHolderService, useValue: tokenHolder },
  ];
}
