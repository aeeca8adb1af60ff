import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import {
  orgIdByName,
  SimAdmin,
  startTestSimulator,
  VcdClient,
  type VcdErrorBody,
  type VcdPage,
} from '../helpers/vcd.ts';
import {
  addRightsToRole,
  cloudapi,
  createEntity,
  defineTestType,
  publishTypeBundle,
  type EntityJson,
  type TestType,
} from './rde-fixtures.ts';

describe('RDE org isolation and entity visibility', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let acmeAuthor: VcdClient;
  let acmeViewer: VcdClient;
  let globexAuthor: VcdClient;
  let type: TestType;
  let acmeEntity: string;
  let globexEntity: string;
  let globexOrgId: string;
  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
    type = await defineTestType(provider, {
      nss: 'island',
      behaviors: [
        { name: 'ping', execution: { type: 'noop', execution_properties: { returnValue: 'pong' } } },
      ],
    });
    await publishTypeBundle(provider, type);
    const state = await new SimAdmin(sim.url).state();
    const acme = orgIdByName(state, 'acme');
    globexOrgId = orgIdByName(state, 'globex');
    await addRightsToRole(provider, acme, 'Kubernetes Cluster Author', [type.rights.fullControl]);
    await addRightsToRole(provider, acme, 'Kubernetes Cluster Viewer', [type.rights.adminView]);
    await addRightsToRole(provider, globexOrgId, 'Kubernetes Cluster Author', [type.rights.fullControl]);
    await provider.post(`${cloudapi}/entityTypes/${type.typeId}/behaviorAccessControls`, {
      behaviorId: `urn:vcloud:behavior-interface:ping:acmetest:island:1.0.0`,
      accessLevelId: 'urn:vcloud:accessLevel:ReadOnly',
    });
    acmeAuthor = await VcdClient.login(sim.url, 'acme-author', 'acme');
    acmeViewer = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
    globexAuthor = await VcdClient.login(sim.url, 'globex-author', 'globex');
    acmeEntity = (
      await createEntity(
        acmeAuthor,
        type.typeId,
        { name: 'acme-one', entity: { spec: { name: 'a' } } },
        '?resolveEntity=true',
      )
    ).id;
    globexEntity = (
      await createEntity(
        globexAuthor,
        type.typeId,
        { name: 'globex-one', entity: { spec: { name: 'g' } } },
        '?resolveEntity=true',
      )
    ).id;
  });
  after(() => sim.close());

  const names = (page: { body: VcdPage<EntityJson> }) => page.body.values.map((value) => value.name).sort();
  const listPath = `${cloudapi}/entities/types/acmetest/island/1.0.0`;

  it('answers 404 for another org’s entity on every endpoint', async () => {
    const paths: [string, string, unknown?][] = [
      ['GET', `${cloudapi}/entities/${acmeEntity}`],
      ['PUT', `${cloudapi}/entities/${acmeEntity}`, { name: 'x', entity: { spec: { name: 'x' } } }],
      ['DELETE', `${cloudapi}/entities/${acmeEntity}`],
      ['POST', `${cloudapi}/entities/${acmeEntity}/resolve`],
      ['GET', `${cloudapi}/entities/${acmeEntity}/accessControls`],
      [
        'POST',
        `${cloudapi}/entities/${acmeEntity}/behaviors/urn:vcloud:behavior-interface:ping:acmetest:island:1.0.0/invocations`,
        {},
      ],
    ];
    for (const [method, path, body] of paths) {
      const response = await globexAuthor.request<VcdErrorBody>(method, path, { body });
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.equal(response.body.minorErrorCode, 'RESOURCE_NOT_FOUND');
    }
  });

  it('lists only the caller’s org, and for plain users only what they own or were granted', async () => {
    assert.deepEqual(names(await globexAuthor.get<VcdPage<EntityJson>>(listPath)), ['globex-one']);
    assert.deepEqual(names(await acmeAuthor.get<VcdPage<EntityJson>>(listPath)), ['acme-one']);
  });

  it('shows every entity of its org to a holder of Administrator View, and no other org’s', async () => {
    await createEntity(acmeAuthor, type.typeId, { name: 'acme-two', entity: { spec: { name: 'b' } } });
    assert.deepEqual(names(await acmeViewer.get<VcdPage<EntityJson>>(listPath)), ['acme-one', 'acme-two']);
    assert.equal((await acmeViewer.get(`${cloudapi}/entities/${globexEntity}`)).status, 404);
    const write = await acmeViewer.put<VcdErrorBody>(`${cloudapi}/entities/${acmeEntity}`, {
      name: 'x',
      entity: { spec: { name: 'x' } },
    });
    assert.equal(write.status, 403, 'Administrator View is read-only');
  });

  it('shows the provider every org, and only the tenant’s entities in tenant context', async () => {
    const all = names(await provider.get<VcdPage<EntityJson>>(listPath));
    assert.deepEqual(all, ['acme-one', 'acme-two', 'globex-one']);
    const inGlobex = names(await provider.inTenant(globexOrgId).get<VcdPage<EntityJson>>(listPath));
    assert.deepEqual(inGlobex, ['globex-one']);
    assert.equal(
      (await provider.inTenant(globexOrgId).get(`${cloudapi}/entities/${acmeEntity}`)).status,
      404,
    );
  });

  it('creates entities in the org the caller acts in', async () => {
    const { id } = await createEntity(provider.inTenant(globexOrgId), type.typeId, {
      name: 'made-by-provider',
      entity: { spec: { name: 'p' } },
    });
    const read = await provider.get<EntityJson>(`${cloudapi}/entities/${id}`);
    assert.equal(read.body.org.name, 'globex');
    assert.equal(read.body.owner.name, 'administrator');
  });
});
