import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { clusterViewerRights } from '../../sim/world/seed-access.ts';
import { startTestSimulator, VcdClient, type VcdErrorBody, type VcdPage } from '../helpers/vcd.ts';

interface Ref {
  id: string;
  name: string;
}

const tokensRight = 'API Tokens: Manage';
const byName = (name: string) =>
  `/cloudapi/1.0.0/sessions/current/rights?filter=${encodeURIComponent(`name==${name}`)}`;

describe("the current session's rights (GET /cloudapi/1.0.0/sessions/current/rights)", () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startTestSimulator();
  });
  after(() => sim.close());

  it('answers a right the user holds, filtered by name, without impliedRights', async () => {
    const author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    const response = await author.get<VcdPage<Ref & Record<string, unknown>>>(byName(tokensRight));
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.resultTotal, 1);
    const [right] = response.body.values;
    assert.equal(right!.name, tokensRight);
    assert.match(right!.id, /^urn:vcloud:right:/);
    assert.ok(!('impliedRights' in right!), 'impliedRights is not set on session rights');
  });

  it('answers no value for a right the user lacks, and every right of its role otherwise', async () => {
    const viewer = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
    const missing = await viewer.get<VcdPage<Ref>>(byName(tokensRight));
    assert.equal(missing.status, 200);
    assert.equal(missing.body.resultTotal, 0);
    assert.deepEqual(missing.body.values, []);
    const all = await viewer.get<VcdPage<Ref>>('/cloudapi/1.0.0/sessions/current/rights?pageSize=128');
    assert.deepEqual(all.body.values.map((right) => right.name).sort(), [...clusterViewerRights].sort());
  });

  it('needs no "Role: View": the viewer cannot read its role, but can read its own rights', async () => {
    const viewer = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
    const session = await viewer.get<{ roleRefs: Ref[] }>('/cloudapi/1.0.0/sessions/current');
    const role = session.body.roleRefs[0]!;
    const roleRights = await viewer.get<VcdErrorBody>(`/cloudapi/1.0.0/roles/${role.id}/rights`);
    assert.equal(roleRights.status, 403);
    assert.match(roleRights.body.message, /Role: View/);
  });

  it("follows the role: a right the organisation administrator takes away is gone from the user's session", async () => {
    const admin = await VcdClient.login(sim.url, 'globex-admin', 'globex');
    const author = await VcdClient.login(sim.url, 'globex-author', 'globex');
    const session = await author.get<{ roleRefs: Ref[] }>('/cloudapi/1.0.0/sessions/current');
    const role = session.body.roleRefs[0]!;
    const rights = await admin.get<VcdPage<Ref>>(`/cloudapi/1.0.0/roles/${role.id}/rights?pageSize=128`);
    const kept = rights.body.values.filter((right) => right.name !== tokensRight);
    assert.equal(kept.length, rights.body.values.length - 1);
    const put = await admin.put(`/cloudapi/1.0.0/roles/${role.id}/rights`, { values: kept });
    assert.equal(put.status, 200, put.text);
    assert.equal((await author.get<VcdPage<Ref>>(byName(tokensRight))).body.resultTotal, 0);
  });

  it("answers 401 with VCD's body without a bearer", async () => {
    const response = await new VcdClient(sim.url).get<VcdErrorBody>(
      '/cloudapi/1.0.0/sessions/current/rights',
    );
    assert.equal(response.status, 401);
    assert.equal(response.body.minorErrorCode, 'UNAUTHORIZED');
  });
});
