import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { SimAdmin, startTestSimulator, VcdClient, type VcdErrorBody, type VcdPage } from '../helpers/vcd.ts';

interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string | null;
}

interface TokenJson {
  id: string;
  name: string;
  type: string;
  token: string | null;
  owner: { name: string };
}

describe('API tokens', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startTestSimulator();
  });
  after(() => sim.close());

  const form = (path: string, fields: Record<string, string>) =>
    fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(fields).toString(),
    });

  /** The UI's flow: register a client named after the token, exchange the session for a refresh token. */
  async function createApiToken(client: VcdClient, org: string, name: string): Promise<TokenAnswer> {
    const registration = await client.post<{ client_id: string; client_name: string; grant_types: string[] }>(
      `/oauth/tenant/${org}/register`,
      { client_name: name },
    );
    assert.equal(registration.status, 200, registration.text);
    assert.equal(registration.body.client_name, name);
    const exchange = await form(`/oauth/tenant/${org}/token`, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: client.token!,
      client_id: registration.body.client_id,
    });
    assert.equal(exchange.status, 200);
    return (await exchange.json()) as TokenAnswer;
  }

  it('creates an API token named after the cluster and trades it for access tokens', async () => {
    const author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    const created = await createApiToken(author, 'acme', 'cluster-alpha');
    assert.equal(created.token_type, 'Bearer');
    assert.ok(created.refresh_token && created.refresh_token.length >= 20);

    const refreshed = await form('/oauth/tenant/acme/token', {
      grant_type: 'refresh_token',
      refresh_token: created.refresh_token,
    });
    assert.equal(refreshed.status, 200);
    const answer = (await refreshed.json()) as TokenAnswer;
    assert.equal(answer.token_type, 'Bearer');
    assert.ok(answer.expires_in > 0);
    const asToken = new VcdClient(sim.url, answer.access_token);
    const session = await asToken.get<{ user: { name: string } }>('/cloudapi/1.0.0/sessions/current');
    assert.equal(session.status, 200);
    assert.equal(session.body.user.name, 'acme-author');

    const tokens = await author.get<VcdPage<TokenJson>>('/cloudapi/1.0.0/tokens?filter=type==REFRESH');
    assert.equal(tokens.status, 200);
    const listed = tokens.body.values.find((token) => token.name === 'cluster-alpha')!;
    assert.equal(listed.type, 'REFRESH');
    assert.equal(listed.token, null, 'the secret is only shown once');
    assert.equal(listed.owner.name, 'acme-author');
  });

  // go-vcloud-director's CreateToken (govcd/api_token.go) registers the client, then reads
  // `urn:vcloud:token:<client_id>` before exchanging anything: the client is the token.
  it('registers the API token itself: urn:vcloud:token:<client_id> exists before the exchange', async () => {
    const author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    const registration = await author.post<{ client_id: string }>('/oauth/tenant/acme/register', {
      client_name: 'cluster-registered',
    });
    assert.equal(registration.status, 200, registration.text);
    const id = `urn:vcloud:token:${registration.body.client_id}`;
    const before = await author.get<TokenJson>(`/cloudapi/1.0.0/tokens/${id}`);
    assert.equal(before.status, 200, before.text);
    assert.equal(before.body.name, 'cluster-registered');
    assert.equal(before.body.type, 'REFRESH');
    assert.equal(before.body.token, null);

    const fields = {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: author.token!,
      client_id: registration.body.client_id,
    };
    const exchange = await form('/oauth/tenant/acme/token', fields);
    assert.equal(exchange.status, 200);
    assert.ok(((await exchange.json()) as TokenAnswer).refresh_token);
    const listed = await author.get<VcdPage<TokenJson>>(
      '/cloudapi/1.0.0/tokens?filter=name==cluster-registered',
    );
    assert.deepEqual(
      listed.body.values.map((token) => token.id),
      [id],
      'the exchange hands out the registered token, it does not add another',
    );
    const again = await form('/oauth/tenant/acme/token', fields);
    assert.equal(again.status, 400, 'the secret is handed out once');
  });

  it('needs the right "API Tokens: Manage" to register a client', async () => {
    const viewer = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
    const response = await viewer.post<VcdErrorBody>('/oauth/tenant/acme/register', { client_name: 'nope' });
    assert.equal(response.status, 403);
    assert.match(response.body.message, /API Tokens: Manage/);
    const anonymous = await fetch(`${sim.url}/oauth/tenant/acme/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"client_name":"x"}',
    });
    assert.equal(anonymous.status, 401);
  });

  it('refuses a refresh token at another org, a bad token and an unknown grant type', async () => {
    const author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    const created = await createApiToken(author, 'acme', 'cluster-beta');
    const elsewhere = await form('/oauth/tenant/globex/token', {
      grant_type: 'refresh_token',
      refresh_token: created.refresh_token!,
    });
    assert.equal(elsewhere.status, 400);
    assert.equal(((await elsewhere.json()) as { error: string }).error, 'invalid_grant');
    const bad = await form('/oauth/tenant/acme/token', {
      grant_type: 'refresh_token',
      refresh_token: 'not-a-token',
    });
    assert.equal(bad.status, 400);
    const grant = await form('/oauth/tenant/acme/token', { grant_type: 'password' });
    assert.equal(((await grant.json()) as { error: string }).error, 'unsupported_grant_type');
  });

  it('revokes a token: refresh fails and its access tokens stop working', async () => {
    const author = await VcdClient.login(sim.url, 'globex-author', 'globex');
    const created = await createApiToken(author, 'globex', 'cluster-gamma');
    const minted = new VcdClient(sim.url, created.access_token);
    assert.equal((await minted.get('/cloudapi/1.0.0/sessions/current')).status, 200);
    const tokens = await author.get<VcdPage<TokenJson>>('/cloudapi/1.0.0/tokens?filter=name==cluster-gamma');
    const id = tokens.body.values[0]!.id;
    assert.equal((await author.delete(`/cloudapi/1.0.0/tokens/${id}`)).status, 204);
    assert.equal((await minted.get('/cloudapi/1.0.0/sessions/current')).status, 401);
    const refresh = await form('/oauth/tenant/globex/token', {
      grant_type: 'refresh_token',
      refresh_token: created.refresh_token!,
    });
    assert.equal(refresh.status, 400);
    assert.equal((await author.get(`/cloudapi/1.0.0/tokens/${id}`)).status, 404);
  });

  it("hides other users' tokens (404), unless the caller may manage all tokens", async () => {
    const author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    await createApiToken(author, 'acme', 'cluster-delta');
    const mine = await author.get<VcdPage<TokenJson>>('/cloudapi/1.0.0/tokens?filter=name==cluster-delta');
    const id = mine.body.values[0]!.id;
    const globex = await VcdClient.login(sim.url, 'globex-admin', 'globex');
    assert.equal((await globex.get(`/cloudapi/1.0.0/tokens/${id}`)).status, 404);
    assert.equal((await globex.delete(`/cloudapi/1.0.0/tokens/${id}`)).status, 404);
    const acmeAdmin = await VcdClient.login(sim.url, 'acme-admin', 'acme');
    assert.equal((await acmeAdmin.get(`/cloudapi/1.0.0/tokens/${id}`)).status, 200);
  });

  it('creates extension tokens for the provider only, showing the secret once', async () => {
    const provider = await VcdClient.provider(sim.url);
    const created = await provider.post<TokenJson>('/cloudapi/1.0.0/tokens', {
      name: 'vmware/cse/1.0.0',
      type: 'EXTENSION',
      extensionId: 'urn:vcloud:extension-api:vmware:cse:1.0.0',
    });
    assert.equal(created.status, 200);
    assert.equal(created.body.type, 'EXTENSION');
    assert.ok(created.body.token);
    const tenant = await VcdClient.login(sim.url, 'acme-admin', 'acme');
    const refused = await tenant.post('/cloudapi/1.0.0/tokens', {
      name: 'x',
      type: 'EXTENSION',
      extensionId: 'y',
    });
    assert.equal(refused.status, 403);
  });

  it('expires access tokens after their lifetime, so clients must refresh', async () => {
    const admin = new SimAdmin(sim.url);
    const author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    const created = await createApiToken(author, 'acme', 'cluster-epsilon');
    const minted = new VcdClient(sim.url, created.access_token);
    const { durations } = await admin.latency();
    await admin.advance(durations.accessTokenLifetime! + 1000);
    assert.equal((await minted.get('/cloudapi/1.0.0/sessions/current')).status, 401);
    const refreshed = await form('/oauth/tenant/acme/token', {
      grant_type: 'refresh_token',
      refresh_token: created.refresh_token!,
    });
    assert.equal(refreshed.status, 200);
    const fresh = new VcdClient(sim.url, ((await refreshed.json()) as TokenAnswer).access_token);
    assert.equal((await fresh.get('/cloudapi/1.0.0/sessions/current')).status, 200);
  });
});
