import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { orgIdByName, SimAdmin, startTestSimulator, VcdClient } from '../helpers/vcd.ts';
import { queryRecords } from './support/infra.ts';

describe('catalog sharing decides which tenant sees the templates', () => {
  let sim: RunningSimulator;
  let provider: VcdClient;
  let acme: VcdClient;
  let globex: VcdClient;
  let catalogHref: string;
  let acmeId: string;

  before(async () => {
    sim = await startTestSimulator();
    provider = await VcdClient.provider(sim.url);
    acme = await VcdClient.login(sim.url, 'acme-author', 'acme');
    globex = await VcdClient.login(sim.url, 'globex-author', 'globex');
    const catalogs = await queryRecords<{ href: string }>(provider, 'adminCatalog', 'name==tkg-templates');
    catalogHref = catalogs.record[0]!.href;
    acmeId = orgIdByName(await new SimAdmin(sim.url).state(), 'acme');
  });
  after(() => sim.close());

  it('shares the provider catalog read-only with both tenants at first', async () => {
    const access = await provider.get<{
      accessSettings: { accessSetting: { subject: { name: string }; accessLevel: string }[] };
    }>(`${catalogHref}/controlAccess`);
    assert.equal(access.status, 200);
    assert.deepEqual(
      access.body.accessSettings.accessSetting.map((s) => [s.subject.name, s.accessLevel]).sort(),
      [
        ['acme', 'ReadOnly'],
        ['globex', 'ReadOnly'],
      ],
    );
    assert.equal((await queryRecords(globex, 'vAppTemplate')).total, 6);
  });

  it('hides the catalog from globex once unpublished and shared with acme only', async () => {
    const unpublish = await provider.post(`${catalogHref}/action/publish`, { isPublished: false });
    assert.equal(unpublish.status, 204);
    const share = await provider.post(`${catalogHref}/action/controlAccess`, {
      isSharedToEveryone: false,
      accessSettings: {
        accessSetting: [
          {
            subject: { href: `${sim.url}/api/admin/org/${acmeId.split(':').pop()}` },
            accessLevel: 'ReadOnly',
          },
        ],
      },
    });
    assert.equal(share.status, 200, share.text);

    assert.equal((await queryRecords(globex, 'vAppTemplate')).total, 0);
    assert.equal((await queryRecords(globex, 'catalog')).total, 0);
    const catalogId = catalogHref.split('/').pop();
    assert.equal((await globex.get(`/api/catalog/${catalogId}`)).status, 404);
    assert.equal((await queryRecords(acme, 'vAppTemplate')).total, 6);
    assert.equal((await acme.get(`/api/catalog/${catalogId}`)).status, 200);
  });

  it('makes it visible to every org again when published', async () => {
    await provider.post(`${catalogHref}/action/publish`, { isPublished: true });
    assert.equal((await queryRecords(globex, 'vAppTemplate')).total, 6);
  });

  it('lets only the owning org change sharing', async () => {
    const catalogId = catalogHref.split('/').pop();
    const tenant = await VcdClient.login(sim.url, 'acme-admin', 'acme');
    const response = await tenant.post(`/api/admin/catalog/${catalogId}/action/controlAccess`, {
      isSharedToEveryone: false,
    });
    assert.equal(response.status, 404);
  });

  it('refuses a subject that does not exist', async () => {
    const response = await provider.post<{ minorErrorCode: string }>(`${catalogHref}/action/controlAccess`, {
      isSharedToEveryone: false,
      accessSettings: {
        accessSetting: [
          {
            subject: { href: `${sim.url}/api/admin/org/00000000-0000-4000-8000-000000000000` },
            accessLevel: 'ReadOnly',
          },
        ],
      },
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.minorErrorCode, 'BAD_REQUEST');
  });
});
