import { Router, type Request } from 'express';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { canSeeOrg, hasRight, principalOf, type Principal } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import type { ApiToken } from '../../world/credentials.ts';
import { tokenJson, type ApiTokens } from './api-tokens.ts';

const manageAll = 'API Tokens: Manage All';

const extensionTokenInput = z
  .object({
    name: z.string().min(1).max(128),
    type: z.literal('EXTENSION'),
    extensionId: z.string().min(1),
  })
  .strict();

/** Own tokens, or (with "API Tokens: Manage All") every token of the orgs the caller sees. */
function visible(principal: Principal, token: ApiToken): boolean {
  if (token.ownerId === principal.user.id) return true;
  return hasRight(principal, manageAll) && canSeeOrg(principal, token.orgId);
}

/** `/cloudapi/1.0.0/tokens`: list (paged, `filter=type==REFRESH`), get, revoke, extension tokens. */
export function tokensRoutes(ctx: SimContext, tokens: ApiTokens): Router {
  const router = Router();
  const base = '/cloudapi/1.0.0/tokens';
  const find = (req: Request<{ id: string }>) => {
    const principal = principalOf(req);
    const token = ctx.store.world.apiTokens[req.params.id];
    if (!token || !visible(principal, token)) fail('notFound', { kind: 'Token', id: req.params.id });
    return token;
  };
  router.get(base, (req, res) => {
    const principal = principalOf(req);
    const values = Object.values(ctx.store.world.apiTokens)
      .filter((token) => visible(principal, token))
      .map((token) => tokenJson(ctx, token));
    res.json(pageOf(req, res, values, { defaultSort: 'name' }));
  });
  router.get(`${base}/:id`, (req, res) => {
    res.json(tokenJson(ctx, find(req)));
  });
  router.delete(`${base}/:id`, (req, res) => {
    tokens.revoke(find(req));
    res.status(204).end();
  });
  router.post(base, (req, res) => {
    const principal = principalOf(req);
    if (!principal.isProvider) fail('providerOnly', { operation: 'create extension tokens' });
    const input = parseBody(extensionTokenInput, req.body);
    const token = tokens.create({
      name: input.name,
      type: 'EXTENSION',
      ownerId: principal.user.id,
      orgId: principal.org.id,
      extensionId: input.extensionId,
      expirationDate: null,
    });
    res.status(200).json(tokenJson(ctx, token, true));
  });
  return router;
}
