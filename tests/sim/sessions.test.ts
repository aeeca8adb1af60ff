import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { apiVersion, SimAdmin, startTestSimulator, VcdClient, type VcdErrorBody } from '../helpers/vcd.ts';

interface SessionBody {
  id: string;
  user: { id: string; name: string };
  org: { id: string; name: string };
  operatingOrg: { id: string; name: string };
  roles: string[];
}

function basic(login: string, password = 'VMware1!') {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
}

describe('sessions', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startTestSimulator();
  });
  after(() => sim.close());

  const login = (path: string, authorization?: string) =>
    fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: {
        accept: `application/json;version=${apiVersion}`,
        ...(authorization ? { authorization } : {}),
      },
    });

  it('logs a tenant user in with Basic user@org and answers the session and a bearer', async () => {
    const response = await login('/cloudapi/1.0.0/sessions', basic('acme-author@acme'));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-vmware-vcloud-token-type'), 'Bearer');
    const token = response.headers.get('x-vmware-vcloud-access-token')!;
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const session = (await response.json()) as SessionBody;
    assert.match(session.id, /^urn:vcloud:session:/);
    assert.equal(session.user.name, 'acme-author');
    assert.equal(session.org.name, 'acme');
    assert.deepEqual(session.roles, ['Kubernetes Cluster Author']);
  });

  it("refuses a wrong password, an unknown user and a missing org with 401 and VCD's body", async () => {
    for (const authorization of [
      basic('acme-author@acme', 'nope'),
      basic('nobody@acme'),
      basic('acme-author'),
      undefined,
    ]) {
      const response = await login('/cloudapi/1.0.0/sessions', authorization);
      assert.equal(response.status, 401, String(authorization));
      const body = (await response.json()) as VcdErrorBody;
      assert.equal(body.minorErrorCode, 'UNAUTHORIZED');
      assert.equal(typeof body.message, 'string');
    }
  });

  it('logs System users in only at /sessions/provider, and tenants only at /sessions', async () => {
    assert.equal((await login('/cloudapi/1.0.0/sessions', basic('administrator@System'))).status, 401);
    assert.equal((await login('/cloudapi/1.0.0/sessions/provider', basic('acme-admin@acme'))).status, 401);
    const provider = await login('/cloudapi/1.0.0/sessions/provider', basic('administrator@System'));
    assert.equal(provider.status, 200);
    assert.deepEqual(((await provider.json()) as SessionBody).roles, ['System Administrator']);
  });

  it('answers the current session for the bearer, and 401 without or with a forged one', async () => {
    const client = await VcdClient.login(sim.url, 'globex-viewer', 'globex');
    const current = await client.get<SessionBody>('/cloudapi/1.0.0/sessions/current');
    assert.equal(current.status, 200);
    assert.equal(current.body.user.name, 'globex-viewer');
    const anonymous = new VcdClient(sim.url);
    assert.equal((await anonymous.get('/cloudapi/1.0.0/sessions/current')).status, 401);
    const [header, , signature] = client.token!.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sid: current.body.id })).toString('base64url');
    const forged = new VcdClient(sim.url, `${header}.${forgedPayload}.${signature}`);
    assert.equal((await forged.get('/cloudapi/1.0.0/sessions/current')).status, 401);
  });

  it('logs out with DELETE, after which the bearer no longer works', async () => {
    const client = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
    assert.equal((await client.delete('/cloudapi/1.0.0/sessions/current')).status, 204);
    const after = await client.get<VcdErrorBody>('/cloudapi/1.0.0/sessions/current');
    assert.equal(after.status, 401);
    assert.equal(after.body.minorErrorCode, 'UNAUTHORIZED');
  });

  it('supports the legacy POST /api/sessions login for any org', async () => {
    const response = await fetch(`${sim.url}/api/sessions`, {
      method: 'POST',
      headers: {
        accept: `application/*+json;version=${apiVersion}`,
        authorization: basic('administrator@System'),
      },
    });
    assert.equal(response.status, 200);
    const token = response.headers.get('x-vmware-vcloud-access-token')!;
    const body = (await response.json()) as { user: string; org: string };
    assert.deepEqual([body.user, body.org], ['administrator', 'System']);
    const legacy = new VcdClient(sim.url, token);
    assert.equal((await legacy.get('/api/session')).status, 200);
    assert.equal((await legacy.delete('/api/session')).status, 204);
    assert.equal((await legacy.get('/api/session')).status, 401);
  });

  it('lets a provider act in a tenant with X-VMWARE-VCLOUD-TENANT-CONTEXT (bare UUID)', async () => {
    const provider = await VcdClient.provider(sim.url);
    const orgs = await provider.get<{ values: { id: string; name: string }[] }>('/cloudapi/1.0.0/orgs');
    const acme = orgs.body.values.find((org) => org.name === 'acme')!;
    const inAcme = provider.inTenant(acme.id);
    const session = await inAcme.get<SessionBody>('/cloudapi/1.0.0/sessions/current');
    assert.equal(session.body.operatingOrg.name, 'acme');
    const scoped = await inAcme.get<{ values: { name: string }[] }>('/cloudapi/1.0.0/orgs');
    assert.deepEqual(
      scoped.body.values.map((org) => org.name),
      ['acme'],
    );
  });

  it('refuses a tenant user that names another org as tenant context with 403', async () => {
    const provider = await VcdClient.provider(sim.url);
    const orgs = await provider.get<{ values: { id: string; name: string }[] }>('/cloudapi/1.0.0/orgs');
    const globex = orgs.body.values.find((org) => org.name === 'globex')!;
    const acmeAdmin = await VcdClient.login(sim.url, 'acme-admin', 'acme');
    const response = await acmeAdmin.inTenant(globex.id).get<VcdErrorBody>('/cloudapi/1.0.0/orgs');
    assert.equal(response.status, 403);
    assert.equal(response.body.minorErrorCode, 'ACCESS_TO_RESOURCE_IS_FORBIDDEN');
  });

  it('ends a session after the idle timeout of simulator time', async () => {
    const admin = new SimAdmin(sim.url);
    const client = await VcdClient.login(sim.url, 'acme-author', 'acme');
    assert.equal((await client.get('/cloudapi/1.0.0/sessions/current')).status, 200);
    const { durations } = await admin.latency();
    await admin.advance(durations.sessionIdleTimeout! + 1000);
    assert.equal((await client.get('/cloudapi/1.0.0/sessions/current')).status, 401);
  });
});
