/**
 * Who is calling, from VCD's security context (user, org, rights) and the caller's bearer when VCD passes one;
 * and the checks every route makes: its right (403 naming the right), its scope (tenant, provider, both), and the
 * org of every object it touches (another org's object is a 404, never its data).
 */
import type { ExtensionRequest } from '../bus/envelope.ts';
import { ApiError, type ApiErrorName } from './errors.ts';

export type RouteScope = 'tenant' | 'provider' | 'both';

export interface Principal {
  /** `urn:vcloud:user:<uuid>` */
  userId: string;
  /** `urn:vcloud:org:<uuid>`: the org the caller belongs to. */
  orgId: string;
  /** Caller is in the System org. */
  isProvider: boolean;
  /** Rights the caller holds, as VCD sent them (names or `urn:vcloud:right:` ids). */
  rights: ReadonlySet<string>;
  /** The caller's VCD bearer, to read through VCD with the caller's own permissions. */
  bearer?: string;
}

/**
 * Knows which org is the provider's (System) and the id VCD gave a right: VCD's security context lists right ids
 * (`urn:vcloud:right:…`) or names depending on version, so a right is checked by both.
 */
export interface Directory {
  isProviderOrg(orgId: string): Promise<boolean>;
  /** The id of the right with this name, `undefined` when VCD has no such right (not installed). */
  rightId(name: string): Promise<string | undefined>;
}

function bearerOf(request: ExtensionRequest): string | undefined {
  if (request.securityContext.apiAccessToken) return request.securityContext.apiAccessToken;
  const header = request.headers['authorization'];
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

export async function principalOf(request: ExtensionRequest, directory: Directory): Promise<Principal> {
  const context = request.securityContext;
  return {
    userId: context.user,
    orgId: context.org,
    isProvider: await directory.isProviderOrg(context.org),
    rights: new Set(context.rights),
    bearer: bearerOf(request),
  };
}

export async function requireRight(
  principal: Principal,
  right: string | null,
  directory: Directory,
): Promise<void> {
  if (right === null || principal.rights.has(right)) return;
  // Only look the id up when the name is not there: most contexts carry ids, so this is the usual path.
  const id = await directory.rightId(right);
  if (id !== undefined && principal.rights.has(id)) return;
  throw new ApiError('missingRight', { right });
}

export function requireScope(principal: Principal, scope: RouteScope, method: string, path: string): void {
  if (scope === 'provider' && !principal.isProvider) throw new ApiError('providerOnly', { method, path });
  if (scope === 'tenant' && principal.isProvider) throw new ApiError('tenantOnly', { method, path });
}

/**
 * The worker's own org check, made whatever VCD answered: a tenant sees only objects of its org; a provider sees
 * every org's objects on routes whose scope allows it. Anything else is reported as not found.
 */
export function assertVisible(
  principal: Principal,
  objectOrgId: string | undefined,
  notFound: { name: ApiErrorName; parameters: Record<string, string> },
): void {
  if (principal.isProvider) return;
  if (!objectOrgId || objectOrgId !== principal.orgId) throw new ApiError(notFound.name, notFound.parameters);
}
