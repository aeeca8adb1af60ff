/** A logged-in session or an access token minted from an API token; the bearer maps to one. */
export interface Session {
  id: string;
  kind: 'session' | 'apiToken';
  userId: string;
  orgId: string;
  accessToken: string;
  /** epoch ms on the simulator clock */
  createdAt: number;
  expiresAt: number;
  /** Sessions slide their expiry on use (VCD's idle timeout); API-token access tokens do not. */
  sliding: boolean;
  /** The API token this access token came from. */
  tokenId?: string;
}

/** VCD's `/cloudapi/1.0.0/tokens` objects: API (refresh) tokens and extension (MQTT) tokens. */
export interface ApiToken {
  id: string;
  name: string;
  type: 'REFRESH' | 'EXTENSION';
  /** The user it acts as (REFRESH), or the user who created it (EXTENSION). */
  ownerId: string;
  orgId: string;
  /** Shown once on creation; kept here so `/sim/state` can show it to tests. */
  secret: string;
  clientId?: string;
  extensionId?: string;
  createdAt: string;
  expirationDate: string | null;
}

/** OAuth client registration (`/oauth/tenant/{org}/register`), one per API token. */
export interface OAuthClient {
  clientId: string;
  clientName: string;
  orgId: string;
  userId: string;
  issuedAt: number;
  /** The API token registered with this client (`urn:vcloud:token:<clientId>`). */
  tokenId?: string;
  /** The token's secret was handed out (once, by the first jwt-bearer exchange). */
  secretIssued?: boolean;
}
