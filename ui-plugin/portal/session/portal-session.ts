/** Which portal this page is: a tenant's (`/tenant/{org}`) or the provider's (`/provider`). */
export interface PortalLocation {
  scope: 'tenant' | 'service-provider';
  /** Organisation name from the URL (`System` for the provider portal). */
  org: string;
  /** URL prefix of this portal, e.g. `/tenant/acme`. */
  root: string;
}

export function portalLocationOf(pathname: string): PortalLocation {
  const tenant = /^\/tenant\/([^/]+)/.exec(pathname);
  if (tenant) {
    const org = decodeURIComponent(tenant[1]!);
    return { scope: 'tenant', org, root: `/tenant/${encodeURIComponent(org)}` };
  }
  return { scope: 'service-provider', org: 'System', root: '/provider' };
}

/** What `GET /cloudapi/1.0.0/sessions/current` tells about the logged-in user. */
export interface VcdSession {
  id: string;
  user: { name: string; id: string };
  org: { name: string; id: string };
}

export interface PortalSession {
  location: PortalLocation;
  token: string;
  session: VcdSession;
}

const tokenKey = (location: PortalLocation) => `cse-portal-token:${location.root}`;
const apiVersion = '37.2';

export function storedToken(location: PortalLocation): string | null {
  return sessionStorage.getItem(tokenKey(location));
}

export function forgetToken(location: PortalLocation): void {
  sessionStorage.removeItem(tokenKey(location));
}

/** Logs in like the VCD portal: a cloudapi session with Basic auth, keeping the bearer token. */
export async function logIn(location: PortalLocation, user: string, password: string): Promise<string> {
  const path = location.scope === 'tenant' ? 'cloudapi/1.0.0/sessions' : 'cloudapi/1.0.0/sessions/provider';
  const response = await fetch(`/${path}`, {
    method: 'POST',
    headers: {
      Accept: `application/json;version=${apiVersion}`,
      Authorization: `Basic ${btoa(`${user}@${location.org}:${password}`)}`,
    },
  });
  if (!response.ok) throw new Error(await errorMessage(response, 'Login failed'));
  const token = response.headers.get('X-VMWARE-VCLOUD-ACCESS-TOKEN');
  if (!token) throw new Error('Login answered without an access token');
  sessionStorage.setItem(tokenKey(location), token);
  return token;
}

/** The current session for a stored token, or null when the token is missing or expired. */
export async function currentSession(location: PortalLocation): Promise<PortalSession | null> {
  const token = storedToken(location);
  if (!token) return null;
  const response = await fetch('/cloudapi/1.0.0/sessions/current', {
    headers: { Accept: `application/json;version=${apiVersion}`, Authorization: `Bearer ${token}` },
  });
  if (!response.ok) {
    forgetToken(location);
    return null;
  }
  return { location, token, session: (await response.json()) as VcdSession };
}

export async function errorMessage(response: Response, fallback: string): Promise<string> {
  try {
    const body = (await response.json()) as { message?: string };
    if (body.message) return body.message;
  } catch {
    // not a JSON error body
  }
  return `${fallback} (HTTP ${response.status})`;
}
