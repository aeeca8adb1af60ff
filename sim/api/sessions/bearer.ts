import type { RequestHandler } from 'express';
import { fail } from '../../http/errors.ts';
import type { SimContext } from '../../context.ts';

const loginPaths = new Set([
  '/cloudapi/1.0.0/sessions',
  '/cloudapi/1.0.0/sessions/provider',
  '/api/sessions',
]);

/** The bearer of a request: `Authorization: Bearer …`, or the legacy `x-vcloud-authorization`. */
export function bearerOf(authorization: string | undefined, legacy: string | undefined): string | undefined {
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return match?.[1] ?? legacy?.trim() ?? undefined;
}

/**
 * Every `/api` and `/cloudapi` call needs a valid bearer, except `/api/versions`, the logins and
 * the paths areas declare public; 401 with VCD's body otherwise. Puts `req.principal` in place.
 */
export function bearerAuthentication(ctx: SimContext): RequestHandler {
  return (req, _res, next) => {
    const path = req.path;
    const guarded = path.startsWith('/cloudapi/') || path === '/api' || path.startsWith('/api/');
    if (!guarded || path.startsWith('/api/versions')) return next();
    const bearer = bearerOf(req.get('authorization'), req.get('x-vcloud-authorization'));
    if (req.method === 'POST' && loginPaths.has(path)) return next();
    const session = bearer === undefined ? undefined : ctx.sessions.resolve(bearer);
    if (ctx.publicPaths.some((isPublic) => isPublic(path))) {
      // Public paths still learn who calls when a valid bearer is sent.
      if (session) req.principal = ctx.sessions.principal(session, req.get('x-vmware-vcloud-tenant-context'));
      return next();
    }
    if (bearer === undefined) fail('notAuthenticated');
    if (!session) fail('tokenExpired');
    req.principal = ctx.sessions.principal(session, req.get('x-vmware-vcloud-tenant-context'));
    next();
  };
}
