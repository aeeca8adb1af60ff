import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdErrorBody, type VcdPage } from '../helpers/vcd.ts';
import { cloudapi, createEntity, defineTestType, rightsOf, testSchema } from './rde-fixtures.ts';

describe('RDE interfaces and entity types', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let acmeAdmin: VcdClient;
  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
    acmeAdmin = await VcdClient.login(sim.url, 'acme-admin', 'acme');
  });
  after(() => sim.close());

  it('creates an interface with a URN made of vendor, nss and version', async () => {
    const created = await provider.post<{ id: string; name: string; readonly: boolean }>(
      `${cloudapi}/interfaces`,
      {
        name: 'Gadgets',
        vendor: 'acmetest',
        nss: 'gadget',
        version: '1.0.0',
      },
    );
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.id, 'urn:vcloud:interface:acmetest:gadget:1.0.0');
    const fetched = await acmeAdmin.get<{ name: string }>(`${cloudapi}/interfaces/${created.body.id}`);
    assert.equal(fetched.body.name, 'Gadgets', 'tenants can read interfaces');
    const again = await provider.post<VcdErrorBody>(`${cloudapi}/interfaces`, {
      name: 'Gadgets',
      vendor: 'acmetest',
      nss: 'gadget',
      version: '1.0.0',
    });
    assert.equal(again.status, 400);
    assert.equal(again.body.minorErrorCode, 'DUPLICATE_NAME');
  });

  it('refuses interface definitions from tenants and bad versions', async () => {
    const tenant = await acmeAdmin.post<VcdErrorBody>(`${cloudapi}/interfaces`, {
      name: 'x',
      vendor: 'acmetest',
      nss: 'x',
      version: '1.0.0',
    });
    assert.equal(tenant.status, 403);
    const badVersion = await provider.post<VcdErrorBody>(`${cloudapi}/interfaces`, {
      name: 'x',
      vendor: 'acmetest',
      nss: 'x',
      version: 'one',
    });
    assert.equal(badVersion.status, 400);
    assert.match(badVersion.body.message, /version/);
    const unknownField = await provider.post<VcdErrorBody>(`${cloudapi}/interfaces`, {
      name: 'x',
      vendor: 'acmetest',
      nss: 'x',
      version: '1.0.0',
      colour: 'red',
    });
    assert.equal(unknownField.status, 400);
    assert.match(unknownField.body.message, /Unrecognized field "colour"/);
  });

  it('registers a type with its five rights and the "<vendor>:<nss> Entitlement" bundle', async () => {
    const type = await defineTestType(provider, { nss: 'sprocket' });
    assert.equal(type.typeId, 'urn:vcloud:type:acmetest:sprocket:1.0.0');
    const rights = await provider.getAll<{ name: string }>(
      `${cloudapi}/rights?filter=${encodeURIComponent('name==acmetest:sprocket:*')}`,
    );
    assert.deepEqual(
      rights.map((right) => right.name).sort(),
      Object.values(rightsOf('acmetest', 'sprocket')).sort(),
    );
    const bundles = await provider.get<VcdPage<{ id: string; name: string }>>(
      `${cloudapi}/rightsBundles?filter=${encodeURIComponent('name==acmetest:sprocket Entitlement')}`,
    );
    assert.equal(bundles.body.resultTotal, 1);
    const bundleRights = await provider.getAll<{ name: string }>(
      `${cloudapi}/rightsBundles/${bundles.body.values[0]!.id}/rights`,
    );
    assert.equal(bundleRights.length, 5);
    const fetched = await acmeAdmin.get<{ schema: unknown; interfaces: string[] }>(
      `${cloudapi}/entityTypes/${type.typeId}`,
    );
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body.interfaces, [type.interfaceId]);
  });

  it('gives the type creator a Full Control type ACL and lets it grant more', async () => {
    const type = await defineTestType(provider, { nss: 'cog' });
    const acls = await provider.get<VcdPage<{ accessLevelId: string; memberId: string }>>(
      `${cloudapi}/entityTypes/${type.typeId}/accessControls`,
    );
    assert.equal(acls.body.resultTotal, 1);
    assert.equal(acls.body.values[0]!.accessLevelId, 'urn:vcloud:accessLevel:FullControl');
    const orgs = await provider.getAll<{ id: string; name: string }>(`${cloudapi}/orgs`);
    const acme = orgs.find((org) => org.name === 'acme')!;
    const granted = await provider.post<{ id: string; objectId: string }>(
      `${cloudapi}/entityTypes/${type.typeId}/accessControls`,
      {
        grantType: 'MembershipAccessControlGrant',
        accessLevelId: 'urn:vcloud:accessLevel:ReadOnly',
        memberId: acme.id,
      },
    );
    assert.equal(granted.status, 201, granted.text);
    assert.equal(granted.body.objectId, type.typeId);
    const tenant = await acmeAdmin.get<VcdErrorBody>(`${cloudapi}/entityTypes/${type.typeId}/accessControls`);
    assert.equal(tenant.status, 403);
  });

  it('rejects invalid schemas, unknown interfaces and hooks that name no behaviour', async () => {
    const base = { name: 'bad', vendor: 'acmetest', nss: 'bad', version: '1.0.0', schema: testSchema() };
    const badSchema = await provider.post<VcdErrorBody>(`${cloudapi}/entityTypes`, {
      ...base,
      schema: { type: 'object', properties: { a: { type: 'no-such-type' } } },
    });
    assert.equal(badSchema.status, 400);
    assert.match(badSchema.body.message, /Invalid schema/);
    const badInterface = await provider.post<VcdErrorBody>(`${cloudapi}/entityTypes`, {
      ...base,
      interfaces: ['urn:vcloud:interface:nobody:nothing:1.0.0'],
    });
    assert.equal(badInterface.status, 400);
    assert.match(badInterface.body.message, /does not exist/);
    const badHook = await provider.post<VcdErrorBody>(`${cloudapi}/entityTypes`, {
      ...base,
      hooks: { PostCreate: 'urn:vcloud:behavior-interface:missing:acmetest:bad:1.0.0' },
    });
    assert.equal(badHook.status, 400);
    assert.match(badHook.body.message, /Hook PostCreate/);
    const wrongType = await provider.post<VcdErrorBody>(`${cloudapi}/entityTypes`, {
      ...base,
      interfaces: 'x',
    });
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.body.message, /interfaces/);
  });

  it('freezes the schema once an entity exists and refuses deleting a type in use', async () => {
    const type = await defineTestType(provider, { nss: 'frozen' });
    const { id } = await createEntity(provider, type.typeId, {
      name: 'one',
      entity: { spec: { name: 'one' } },
    });
    const current = (await provider.get<Record<string, unknown>>(`${cloudapi}/entityTypes/${type.typeId}`))
      .body;
    const { id: _id, ...body } = current;
    const renamed = await provider.put<{ name: string }>(`${cloudapi}/entityTypes/${type.typeId}`, {
      ...body,
      name: 'Renamed',
    });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.body.name, 'Renamed');
    const changed = await provider.put<VcdErrorBody>(`${cloudapi}/entityTypes/${type.typeId}`, {
      ...body,
      schema: { type: 'object' },
    });
    assert.equal(changed.status, 400);
    assert.match(changed.body.message, /cannot change/);
    const deleting = await provider.delete<VcdErrorBody>(`${cloudapi}/entityTypes/${type.typeId}`);
    assert.equal(deleting.status, 400);
    assert.equal((await provider.post(`${cloudapi}/entities/${id}/resolve`)).status, 200);
    assert.equal((await provider.delete(`${cloudapi}/entities/${id}`)).status, 204);
    assert.equal((await provider.delete(`${cloudapi}/entityTypes/${type.typeId}`)).status, 204);
    assert.equal((await provider.get(`${cloudapi}/entityTypes/${type.typeId}`)).status, 404);
  });

  it('answers 404 with VCD body for unknown interfaces and types', async () => {
    const missing = await provider.get<VcdErrorBody>(`${cloudapi}/entityTypes/urn:vcloud:type:no:such:1.0.0`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.minorErrorCode, 'RESOURCE_NOT_FOUND');
    assert.equal(
      (await provider.get(`${cloudapi}/interfaces/urn:vcloud:interface:no:such:1.0.0`)).status,
      404,
    );
  });
});
