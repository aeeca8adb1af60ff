import { Router } from 'express';
import type { SimContext } from '../../context.ts';
import { oauthRoutes } from '../oauth/oauth.ts';
import { ApiTokens } from './api-tokens.ts';
import { tokensRoutes } from './tokens.ts';

/** API tokens: the OAuth endpoints that mint and refresh them, and `/cloudapi/1.0.0/tokens`. */
export function tokensArea(ctx: SimContext): Router {
  const tokens = new ApiTokens(ctx);
  const router = Router();
  router.use(oauthRoutes(ctx, tokens), tokensRoutes(ctx, tokens));
  return router;
}
