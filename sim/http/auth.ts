import type { Request, RequestHandler } from 'express';
import type { Ref } from '../world/json.ts';
import { fail } from './errors.ts';

/** Who is calling, resolved from the bearer token (and the tenant context header). */
export interface Principal {
  sessionId: string;
  /** How the bearer was obtained: a login, or an API token (refresh-token grant). */
  via: 'session' | 'apiToken';
  user: Ref;
  /** The user's own org. */
  org: Ref;
  /** The user belongs to the System org. */
  isProvider: boolean;
  /** The org the caller acts in: its own, or the tenant named by X-VMWARE-VCLOUD-TENANT-CONTEXT. */
  effectiveOrg: Ref;
  /** A provider sent a tenant context header. */
  actingInTenant: boolean;
  roles: Ref[];
  /** Right names (`"vApp: Create / Reconfigure"`). */
  rights: ReadonlySet<string>;
  /** The bearer itself, for areas that forward it (API extensions, behaviours). */
  accessToken: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** The caller; throws VCD's 401 when the request carries no valid bearer. */
export function principalOf(req: Request): Principal {
  if (!req.principal) fail('notAuthenticated');
  return req.principal;
}

export function hasRight(principal: Principal, right: string): boolean {
  return principal.rights.has(right);
}

/** Throws VCD's 403 unless the caller has every one of `rights`. */
export function assertRights(principal: Principal, rights: readonly string[], operation: string): void {
  const missing = rights.filter((right) => !principal.rights.has(right));
  if (missing.length > 0) fail('missingRight', { rights: missing.join(', '), operation });
}

/** Middleware form of `assertRights`. */
export function requireRight(...rights: string[]): RequestHandler {
  return (req, _res, next) => {
    assertRights(principalOf(req), rights, `${req.method} ${req.path}`);
    next();
  };
}

/** Throws VCD's 403 unless the caller has at least one of `rights`. */
export function requireAnyRight(...rights: string[]): RequestHandler {
  return (req, _res, next) => {
    const principal = principalOf(req);
    if (!rights.some((right) => principal.rights.has(right))) {
      fail('missingRight', { rights: rights.join(' or '), operation: `${req.method} ${req.path}` });
    }
    next();
  };
}

/** Only System org users (e.g. rights bundles, global roles). */
export function requireProvider(operation: string): RequestHandler {
  return (req, _res, next) => {
    if (!principalOf(req).isProvider) fail('providerOnly', { operation });
    next();
  };
}

/**
 * Org scope: a provider without tenant context sees every org's objects; everyone else sees
 * those of the org they act in.
 */
export function canSeeOrg(principal: Principal, orgId: string): boolean {
  if (principal.isProvider && !principal.actingInTenant) return true;
  return principal.effectiveOrg.id === orgId;
}

/**
 * Looks an org-owned object up for the caller: unknown ids and other orgs' objects both give
 * 404, as VCD never reveals that another org's object exists.
 */
export function visibleOr404<T>(
  principal: Principal,
  object: T | undefined,
  orgIdOf: (object: T) => string,
  kind: string,
  id: string,
): T {
  if (object === undefined || !canSeeOrg(principal, orgIdOf(object))) fail('notFound', { kind, id });
  return object;
}
