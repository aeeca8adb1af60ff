import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../../http/auth.ts';
import { fail } from '../../http/errors.ts';
import type { SimClock } from '../../infra/clock.ts';
import type { LatencyModel } from '../../infra/latency.ts';
import { uuidOf } from '../../world/ids.ts';
import type { Session } from '../../world/credentials.ts';
import type { WorldStore } from '../../world/store.ts';
import type { Org, User } from '../../world/tenancy.ts';
import type { AccessControl } from '../rights/access-control.ts';

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * Sessions and bearer tokens. A bearer is JWT-shaped (`header.payload.signature`, HS256 with the
 * world's secret) and names its session; the session record decides whether it is still valid.
 */
export class SessionService {
  #usersByLogin = new Map<string, User>();

  constructor(
    private readonly store: WorldStore,
    private readonly clock: SimClock,
    private readonly latency: LatencyModel,
    private readonly access: AccessControl,
  ) {
    const invalidate = () => this.#usersByLogin.clear();
    store.onChanged(invalidate);
    store.onReplaced(invalidate);
  }

  orgByName(name: string): Org | undefined {
    const lower = name.toLowerCase();
    return Object.values(this.store.world.orgs).find((org) => org.name.toLowerCase() === lower);
  }

  /** `user@org` + password → user, or VCD's 401. */
  authenticate(login: string, password: string): User {
    if (this.#usersByLogin.size === 0) {
      const world = this.store.world;
      for (const user of Object.values(world.users)) {
        const org = world.orgs[user.orgId];
        if (org) this.#usersByLogin.set(`${user.username.toLowerCase()}@${org.name.toLowerCase()}`, user);
      }
    }
    const user = this.#usersByLogin.get(login.toLowerCase());
    const expected = Buffer.from(user?.password ?? '');
    const given = Buffer.from(password);
    const passwordOk =
      user !== undefined && expected.length === given.length && timingSafeEqual(expected, given);
    if (!user || !passwordOk || !user.enabled || !this.store.world.orgs[user.orgId]?.isEnabled) {
      fail('invalidCredentials', { login });
    }
    return user;
  }

  #opened = 0;

  /** Drops expired sessions now and then, so a long run of logins does not grow the world. */
  #sweep(now: number): void {
    if (++this.#opened % 256 !== 0) return;
    const sessions = this.store.world.sessions;
    for (const session of Object.values(sessions)) if (session.expiresAt <= now) delete sessions[session.id];
  }

  /** Opens a session (login) or an API-token access session and mints its bearer. */
  open(user: User, kind: Session['kind'], tokenId?: string): Session {
    const id = `urn:vcloud:session:${this.store.ids.uuid()}`;
    const now = this.clock.now();
    this.#sweep(now);
    const lifetime = this.latency.durationOf(
      kind === 'session' ? 'sessionIdleTimeout' : 'accessTokenLifetime',
    );
    const expiresAt = now + lifetime;
    const org = this.store.world.orgs[user.orgId]!;
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({
        iss: 'vcd-simulator',
        sub: user.username,
        org: org.name,
        sid: id,
        jti: randomBytes(12).toString('hex'),
        iat: Math.floor(now / 1000),
        exp: Math.floor(expiresAt / 1000),
      }),
    );
    const signature = createHmac('sha256', this.store.world.meta.tokenSecret)
      .update(`${header}.${payload}`)
      .digest('base64url');
    const session: Session = {
      id,
      kind,
      userId: user.id,
      orgId: user.orgId,
      accessToken: `${header}.${payload}.${signature}`,
      createdAt: now,
      expiresAt,
      sliding: kind === 'session',
      tokenId,
    };
    this.store.world.sessions[id] = session;
    this.store.changed();
    return session;
  }

  /** The live session a bearer belongs to; expired ones are removed. */
  resolve(bearer: string): Session | undefined {
    const parts = bearer.split('.');
    if (parts.length !== 3) return undefined;
    let sid: unknown;
    try {
      sid = (JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { sid?: unknown }).sid;
    } catch {
      return undefined;
    }
    if (typeof sid !== 'string') return undefined;
    const session = this.store.world.sessions[sid];
    if (!session || session.accessToken !== bearer) return undefined;
    const now = this.clock.now();
    if (session.expiresAt <= now) {
      delete this.store.world.sessions[sid];
      return undefined;
    }
    if (session.sliding) session.expiresAt = now + this.latency.durationOf('sessionIdleTimeout');
    return session;
  }

  close(sessionId: string): void {
    delete this.store.world.sessions[sessionId];
    this.store.changed();
  }

  /** Ends every access session minted from an API token (revocation). */
  closeForToken(tokenId: string): void {
    for (const session of Object.values(this.store.world.sessions)) {
      if (session.tokenId === tokenId) delete this.store.world.sessions[session.id];
    }
  }

  /** Builds the principal, applying `X-VMWARE-VCLOUD-TENANT-CONTEXT` (bare org UUID or URN). */
  principal(session: Session, tenantContext: string | undefined): Principal {
    const world = this.store.world;
    const user = world.users[session.userId];
    const org = world.orgs[session.orgId];
    if (!user || !org || !user.enabled) fail('tokenExpired');
    let effective = org;
    let actingInTenant = false;
    if (tenantContext !== undefined && tenantContext.trim() !== '') {
      const uuid = uuidOf(tenantContext.trim());
      const target = uuid ? world.orgs[`urn:vcloud:org:${uuid}`] : undefined;
      if (!target || (!org.isProvider && target.id !== org.id))
        fail('invalidTenantContext', { org: tenantContext });
      effective = target;
      actingInTenant = org.isProvider && target.id !== org.id;
    }
    return {
      sessionId: session.id,
      via: session.kind,
      user: { id: user.id, name: user.username },
      org: { id: org.id, name: org.name },
      isProvider: org.isProvider,
      effectiveOrg: { id: effective.id, name: effective.name },
      actingInTenant,
      roles: user.roleIds.flatMap((id) => (world.roles[id] ? [{ id, name: world.roles[id].name }] : [])),
      rights: this.access.rightsOf(user),
      accessToken: session.accessToken,
    };
  }
}
