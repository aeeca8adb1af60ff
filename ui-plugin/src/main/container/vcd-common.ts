import { Injectable, InjectionToken } from '@angular/core';

/**
 * The injection tokens Cloud Director's portal gives a plugin, under the module id `@vcd/common`.
 * The plugin bundle keeps `@vcd/common` external, so inside VCD these names resolve to the
 * container's own tokens; our portal registers this very file as `@vcd/common` and provides them.
 */
export const API_ROOT_URL = new InjectionToken<string>('API_ROOT_URL');
export const FLEX_APP_URL = new InjectionToken<string>('FLEX_APP_URL');
export const SESSION_SCOPE = new InjectionToken<'tenant' | 'service-provider'>('SESSION_SCOPE');
export const SESSION_ORGANIZATION = new InjectionToken<string>('SESSION_ORGANIZATION');
export const SESSION_ORG_ID = new InjectionToken<string>('SESSION_ORG_ID');
export const EXTENSION_ASSET_URL = new InjectionToken<string>('EXTENSION_ASSET_URL');
export const EXTENSION_ROUTE = new InjectionToken<string>('EXTENSION_ROUTE');
export const SDK_MODE = new InjectionToken<boolean>('SDK_MODE');

/** Holds the current session's bearer token; the container keeps it fresh. */
@Injectable()
export class AuthTokenHolderService {
  token = '';
}
