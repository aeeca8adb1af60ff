import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { assertRights } from '../../http/auth.ts';
import { formBodies, parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import type { Org } from '../../world/tenancy.ts';
import { bearerOf } from '../sessions/bearer.ts';
import type { ApiTokens } from '../tokens/api-tokens.ts';

const jwtBearerGrant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const registration = z.object({ client_name: z.string().min(1).max(128) }).passthrough();

/** OAuth errors use RFC 6749's body (`error`, `error_description`), as OAuth clients expect. */
class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

function field(req: Request, name: string): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * VCD's API-token flow: `register` an OAuth client named after the token, exchange the logged-in
 * user's bearer (jwt-bearer grant) for a refresh token (the API token, shown once), then trade
 * the refresh token for short-lived access tokens (`refresh_token` grant).
 */
export function oauthRoutes(ctx: SimContext, tokens: ApiTokens): Router {
  const router = Router();
  const orgOf = (req: Request): Org => {
    const org =
      req.params.org === undefined
        ? Object.values(ctx.store.world.orgs).find((candidate) => candidate.isProvider)
        : ctx.sessions.orgByName(String(req.params.org));
    if (!org || (req.params.org !== undefined && org.isProvider))
      fail('notFound', { kind: 'Organization', id: String(req.params.org ?? 'System') });
    return org;
  };
  const accessTokenAnswer = (
    res: Response,
    session: { accessToken: string; expiresAt: number },
    refreshToken: string | null,
  ) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      access_token: session.accessToken,
      token_type: 'Bearer',
      expires_in: Math.max(1, Math.floor((session.expiresAt - ctx.clock.now()) / 1000)),
      refresh_token: refreshToken,
    });
  };

  const register = (req: Request, res: Response) => {
    const org = orgOf(req);
    const bearer = bearerOf(req.get('authorization'), undefined);
    const session = bearer ? ctx.sessions.resolve(bearer) : undefined;
    if (!session) fail('notAuthenticated');
    const principal = ctx.sessions.principal(session, undefined);
    if (principal.org.id !== org.id) fail('notFound', { kind: 'Organization', id: org.name });
    assertRights(principal, ['API Tokens: Manage'], 'register an API token client');
    const input = parseBody(registration, req.body);
    const clientId = randomUUID();
    const issuedAt = Math.floor(ctx.clock.now() / 1000);
    // The registered client IS the API token: go-vcloud-director's CreateToken (govcd/api_token.go) reads
    // `urn:vcloud:token:<client_id>` right after `register`, before any exchange. Its secret is handed out once,
    // by the first jwt-bearer exchange.
    const apiToken = tokens.create({
      id: `urn:vcloud:token:${clientId}`,
      name: input.client_name,
      type: 'REFRESH',
      ownerId: principal.user.id,
      orgId: org.id,
      clientId,
      expirationDate: null,
    });
    ctx.store.world.oauthClients[clientId] = {
      clientId,
      clientName: input.client_name,
      orgId: org.id,
      userId: principal.user.id,
      issuedAt,
      tokenId: apiToken.id,
    };
    ctx.store.changed();
    res.json({
      client_name: input.client_name,
      client_id: clientId,
      grant_types: [jwtBearerGrant],
      token_endpoint_auth_method: 'none',
      client_id_issued_at: issuedAt,
    });
  };

  const token = (req: Request, res: Response) => {
    const org = orgOf(req);
    const grantType = field(req, 'grant_type');
    if (grantType === 'refresh_token') {
      const secret = field(req, 'refresh_token');
      if (!secret) throw new OAuthError(400, 'invalid_request', 'refresh_token is required');
      const apiToken = tokens.bySecret(secret);
      const user = apiToken ? ctx.store.world.users[apiToken.ownerId] : undefined;
      if (!apiToken || apiToken.type !== 'REFRESH' || apiToken.orgId !== org.id || !user?.enabled) {
        throw new OAuthError(
          400,
          'invalid_grant',
          'The refresh token is invalid, revoked or belongs to another organization.',
        );
      }
      accessTokenAnswer(res, ctx.sessions.open(user, 'apiToken', apiToken.id), null);
      return;
    }
    if (grantType === jwtBearerGrant) {
      const assertion = field(req, 'assertion');
      const clientId = field(req, 'client_id');
      if (!assertion || !clientId)
        throw new OAuthError(400, 'invalid_request', 'assertion and client_id are required');
      const client = ctx.store.world.oauthClients[clientId];
      const session = ctx.sessions.resolve(assertion);
      if (!client || client.orgId !== org.id || !session || session.userId !== client.userId) {
        throw new OAuthError(
          400,
          'invalid_grant',
          'The assertion or client_id is invalid for this organization.',
        );
      }
      const apiToken = client.tokenId ? ctx.store.world.apiTokens[client.tokenId] : undefined;
      if (!apiToken) throw new OAuthError(400, 'invalid_grant', 'The API token of this client was revoked.');
      if (client.secretIssued)
        throw new OAuthError(400, 'invalid_grant', 'A token was already issued for this client.');
      client.secretIssued = true;
      ctx.store.changed();
      const user = ctx.store.world.users[session.userId]!;
      accessTokenAnswer(res, ctx.sessions.open(user, 'apiToken', apiToken.id), apiToken.secret);
      return;
    }
    throw new OAuthError(
      400,
      'unsupported_grant_type',
      `grant_type ${grantType ?? '(missing)'} is not supported`,
    );
  };

  const forms = formBodies();
  router.post('/oauth/tenant/:org/register', register);
  router.post('/oauth/provider/register', register);
  router.post('/oauth/tenant/:org/token', forms, token);
  router.post('/oauth/provider/token', forms, token);
  router.use('/oauth', ((error, _req, res, next) => {
    if (!(error instanceof OAuthError)) return next(error);
    res.status(error.status).json({ error: error.error, error_description: error.message });
  }) as ErrorRequestHandler);
  return router;
}
