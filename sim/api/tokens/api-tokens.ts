import { randomBytes } from 'node:crypto';
import type { SimContext } from '../../context.ts';
import type { ApiToken } from '../../world/credentials.ts';

/**
 * API tokens (`/cloudapi/1.0.0/tokens`): REFRESH tokens act as their owner through the OAuth
 * refresh-token grant; EXTENSION tokens are an extension's MQTT password. Secrets are indexed so
 * a refresh is O(1) even with thousands of tokens (the UI creates one per cluster).
 */
export class ApiTokens {
  #bySecret: Map<string, string> | undefined;

  constructor(private readonly ctx: SimContext) {
    ctx.store.onReplaced(() => (this.#bySecret = undefined));
  }

  #index(): Map<string, string> {
    if (!this.#bySecret) {
      this.#bySecret = new Map(
        Object.values(this.ctx.store.world.apiTokens).map((token) => [token.secret, token.id]),
      );
    }
    return this.#bySecret;
  }

  /** `id` is given for REFRESH tokens: VCD's is `urn:vcloud:token:<OAuth client_id>`. */
  create(input: Omit<ApiToken, 'id' | 'secret' | 'createdAt'> & { id?: string }): ApiToken {
    const token: ApiToken = {
      ...input,
      id: input.id ?? this.ctx.store.ids.urn('token'),
      secret: randomBytes(24).toString('base64url'),
      createdAt: this.ctx.clock.iso(),
    };
    this.ctx.store.world.apiTokens[token.id] = token;
    this.#index().set(token.secret, token.id);
    this.ctx.store.changed();
    return token;
  }

  bySecret(secret: string): ApiToken | undefined {
    const id = this.#index().get(secret);
    const token = id ? this.ctx.store.world.apiTokens[id] : undefined;
    if (!token) return undefined;
    if (token.expirationDate && Date.parse(token.expirationDate) <= this.ctx.clock.now()) return undefined;
    return token;
  }

  /** Revokes: the token, every access token minted from it, and its OAuth client. */
  revoke(token: ApiToken): void {
    const world = this.ctx.store.world;
    delete world.apiTokens[token.id];
    this.#index().delete(token.secret);
    this.ctx.sessions.closeForToken(token.id);
    if (token.clientId) delete world.oauthClients[token.clientId];
    this.ctx.store.changed();
  }
}

export function tokenJson(ctx: SimContext, token: ApiToken, revealSecret = false) {
  const world = ctx.store.world;
  const owner = world.users[token.ownerId];
  const org = world.orgs[token.orgId];
  return {
    id: token.id,
    name: token.name,
    token: revealSecret ? token.secret : null,
    // `expirationTimeUtc` is the name in VMware's extensibility docs (api-extensibility.md, "Obtaining an extension
    // access token"); `expirationDate` is what this simulator served before. Both until a real VCD settles it.
    expirationTimeUtc: token.expirationDate,
    expirationDate: token.expirationDate,
    type: token.type,
    owner: owner ? { id: owner.id, name: owner.username } : null,
    org: org ? { id: org.id, name: org.name } : null,
    ...(token.extensionId ? { extensionId: token.extensionId } : {}),
  };
}
