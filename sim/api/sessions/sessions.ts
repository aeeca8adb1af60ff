import { Router, type Request, type Response } from 'express';
import type { SimContext } from '../../context.ts';
import { principalOf, type Principal } from '../../http/auth.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import { uuidOf } from '../../world/ids.ts';
import type { Session } from '../../world/credentials.ts';
import { rightJson } from '../rights/rights.ts';

/** `Authorization: Basic base64(user@org:password)` → its parts, or VCD's 401. */
function basicCredentials(req: Request): { login: string; org: string; password: string } {
  const match = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  if (!match) fail('notAuthenticated');
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const login = colon < 0 ? decoded : decoded.slice(0, colon);
  const at = login.lastIndexOf('@');
  if (colon < 0 || at <= 0 || at === login.length - 1) fail('invalidCredentials', { login });
  return { login, org: login.slice(at + 1), password: decoded.slice(colon + 1) };
}

/** VCD's cloudapi `Session` JSON. */
export function sessionJson(ctx: SimContext, session: Session, principal: Principal) {
  const siteUuid = uuidOf(ctx.store.world.meta.siteId);
  return {
    id: session.id,
    site: { name: 'vcd-simulator', id: ctx.store.world.meta.siteId },
    user: principal.user,
    org: principal.org,
    operatingOrg: principal.effectiveOrg,
    location: `urn:vcloud:location:${siteUuid}`,
    roles: principal.roles.map((role) => role.name),
    roleRefs: principal.roles,
    sessionIdleTimeoutMinutes: Math.max(1, Math.round(ctx.latency.durationOf('sessionIdleTimeout') / 60_000)),
  };
}

/** The legacy `/api/session` JSON (`SessionType`). */
function legacySessionJson(ctx: SimContext, principal: Principal) {
  const base = ctx.publicUrl();
  return {
    user: principal.user.name,
    org: principal.org.name,
    userId: principal.user.id,
    roles: principal.roles.map((role) => role.name).join(','),
    locationId: `${principal.org.name}@${uuidOf(ctx.store.world.meta.siteId)}`,
    href: `${base}/api/session/`,
    type: 'application/vnd.vmware.vcloud.session+json',
    link: [
      { rel: 'down', href: `${base}/api/org/`, type: 'application/vnd.vmware.vcloud.orgList+json' },
      { rel: 'remove', href: `${base}/api/session`, type: null },
    ],
  };
}

function sendTokenHeaders(res: Response, session: Session): void {
  res.setHeader('X-VMWARE-VCLOUD-ACCESS-TOKEN', session.accessToken);
  res.setHeader('X-VMWARE-VCLOUD-TOKEN-TYPE', 'Bearer');
  res.setHeader('x-vcloud-authorization', session.accessToken);
}

/** Logins (Basic), the current session, logout; cloudapi and the legacy `/api/sessions`. */
export function sessionsArea(ctx: SimContext): Router {
  const router = Router();

  const login = (req: Request, kind: 'tenant' | 'provider' | 'any') => {
    const credentials = basicCredentials(req);
    const org = ctx.sessions.orgByName(credentials.org);
    if (kind === 'tenant' && org?.isProvider) {
      fail('wrongLoginEndpoint', {
        reason: 'System organization users must log in at /cloudapi/1.0.0/sessions/provider.',
      });
    }
    if (kind === 'provider' && org && !org.isProvider) {
      fail('wrongLoginEndpoint', {
        reason: 'Only System organization users can log in at /cloudapi/1.0.0/sessions/provider.',
      });
    }
    const user = ctx.sessions.authenticate(credentials.login, credentials.password);
    const session = ctx.sessions.open(user, 'session');
    return { session, principal: ctx.sessions.principal(session, undefined) };
  };

  router.post('/cloudapi/1.0.0/sessions', (req, res) => {
    const { session, principal } = login(req, 'tenant');
    sendTokenHeaders(res, session);
    res.json(sessionJson(ctx, session, principal));
  });
  router.post('/cloudapi/1.0.0/sessions/provider', (req, res) => {
    const { session, principal } = login(req, 'provider');
    sendTokenHeaders(res, session);
    res.json(sessionJson(ctx, session, principal));
  });

  const currentSession = (req: Request) => {
    const principal = principalOf(req);
    const session = ctx.store.world.sessions[principal.sessionId];
    if (!session) fail('tokenExpired');
    return { principal, session };
  };
  router.get('/cloudapi/1.0.0/sessions/current', (req, res) => {
    const { principal, session } = currentSession(req);
    res.json(sessionJson(ctx, session, principal));
  });
  // The session's effective rights, so a client (a UI plugin) learns what its user may do without "Role: View".
  // As VCD documents it: `impliedRights` and `isPublishable` are not set on these rights.
  router.get('/cloudapi/1.0.0/sessions/current/rights', (req, res) => {
    const { principal } = currentSession(req);
    const rights = [...principal.rights].flatMap((rightName) => {
      const right = ctx.access.rightByName(rightName);
      if (!right) return [];
      const { id, name, description, bundleKey, category, serviceNamespace, rightType } = rightJson(right);
      return [{ id, name, description, bundleKey, category, serviceNamespace, rightType }];
    });
    res.json(pageOf(req, res, rights, { defaultSort: 'name' }));
  });
  router.get('/cloudapi/1.0.0/sessions/:id', (req, res) => {
    const { principal, session } = currentSession(req);
    if (req.params.id !== session.id) fail('notFound', { kind: 'Session', id: req.params.id });
    res.json(sessionJson(ctx, session, principal));
  });
  router.delete(['/cloudapi/1.0.0/sessions/current', '/cloudapi/1.0.0/sessions/:id'], (req, res) => {
    const { session } = currentSession(req);
    const id = typeof req.params.id === 'string' ? req.params.id : undefined;
    if (id !== undefined && id !== session.id) fail('notFound', { kind: 'Session', id });
    ctx.sessions.close(session.id);
    res.status(204).end();
  });

  router.post('/api/sessions', (req, res) => {
    const { session, principal } = login(req, 'any');
    sendTokenHeaders(res, session);
    res.type('application/vnd.vmware.vcloud.session+json').json(legacySessionJson(ctx, principal));
  });
  router.get(['/api/session', '/api/session/'], (req, res) => {
    const { principal } = currentSession(req);
    res.type('application/vnd.vmware.vcloud.session+json').json(legacySessionJson(ctx, principal));
  });
  router.delete(['/api/session', '/api/session/'], (req, res) => {
    const { session } = currentSession(req);
    ctx.sessions.close(session.id);
    res.status(204).end();
  });
  return router;
}
