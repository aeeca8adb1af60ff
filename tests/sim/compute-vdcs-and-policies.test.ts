import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdErrorBody, type VcdPage } from '../helpers/vcd.ts';
import { byName, queryRecords } from './support/infra.ts';

interface Policy {
  id: string;
  name: string;
  cpuCount: number | null;
  memory: number | null;
  isSizingOnly: boolean;
}

describe('org VDCs, compute (sizing) policies and storage policies', () => {
  let sim: RunningSimulator;
  let acme: VcdClient;
  let provider: VcdClient;

  before(async () => {
    sim = await startTestSimulator();
    acme = await VcdClient.login(sim.url, 'acme-author', 'acme');
    provider = await VcdClient.provider(sim.url);
  });
  after(() => sim.close());

  it('shows a tenant only its own VDC, the provider every VDC', async () => {
    const mine = await acme.getAll<{ name: string }>('/cloudapi/1.0.0/vdcs');
    assert.deepEqual(
      mine.map((vdc) => vdc.name),
      ['acme-vdc'],
    );
    const all = await provider.getAll<{ name: string }>('/cloudapi/1.0.0/vdcs');
    assert.deepEqual(
      all.map((vdc) => vdc.name),
      ['acme-vdc', 'globex-vdc'],
    );
    const globexVdc = all.find((vdc) => vdc.name === 'globex-vdc') as unknown as { id: string };
    assert.equal((await acme.get(`/cloudapi/1.0.0/vdcs/${globexVdc.id}`)).status, 404);
  });

  it('finds a sizing policy by name and lists the VDC’s assigned policies', async () => {
    const response = await acme.get<VcdPage<Policy>>(
      `/cloudapi/2.0.0/vdcComputePolicies?filter=${encodeURIComponent('name==TKG small')}`,
    );
    assert.equal(response.status, 200);
    assert.equal(response.body.resultTotal, 1);
    assert.deepEqual([response.body.values[0]!.cpuCount, response.body.values[0]!.memory], [2, 4096]);
    const vdc = await byName(acme, '/cloudapi/1.0.0/vdcs', 'acme-vdc');
    const assigned = await acme.getAll<Policy>(`/cloudapi/2.0.0/vdcs/${vdc.id}/computePolicies`);
    assert.deepEqual(
      assigned.filter((policy) => policy.isSizingOnly).map((policy) => policy.name),
      ['TKG extra-large', 'TKG large', 'TKG medium', 'TKG small'],
    );
    const byContext = await acme.getAll<Policy>(
      `/cloudapi/2.0.0/vdcComputePolicies?filter=${encodeURIComponent(`_context==${vdc.id};isSizingOnly==true`)}`,
    );
    assert.equal(byContext.length, 4);
  });

  it('serves the legacy VDC with its storage profiles, networks and instantiate link', async () => {
    const vdc = await byName(acme, '/cloudapi/1.0.0/vdcs', 'acme-vdc');
    const legacy = await acme.get<{
      vdcStorageProfiles: { vdcStorageProfile: { name: string }[] };
      availableNetworks: { network: { name: string }[] };
      link: { rel: string; href: string }[];
      defaultComputePolicy: { name: string };
    }>(`/api/vdc/${vdc.id.split(':').pop()}`);
    assert.equal(legacy.status, 200);
    assert.deepEqual(
      legacy.body.vdcStorageProfiles.vdcStorageProfile.map((p) => p.name),
      ['gold-storage-policy'],
    );
    assert.equal(legacy.body.availableNetworks.network.length, 3);
    assert.equal(legacy.body.defaultComputePolicy.name, 'TKG small');
    assert.ok(
      legacy.body.link.some(
        (link) => link.rel === 'add' && link.href.endsWith('/action/instantiateVAppTemplate'),
      ),
    );
  });

  it('answers storage profile queries in the caller’s org', async () => {
    const records = await queryRecords<{ name: string; vdcName: string; isDefaultStorageProfile: boolean }>(
      acme,
      'orgVdcStorageProfile',
    );
    assert.deepEqual(
      records.record.map((r) => [r.name, r.vdcName, r.isDefaultStorageProfile]),
      [['gold-storage-policy', 'acme-vdc', true]],
    );
  });

  it('serves storage policies at /cloudapi/1.0.0/orgVdcStoragePolicies in VCD OpenAPI model, by orgVdcRef.id', async () => {
    const vdc = await byName(acme, '/cloudapi/1.0.0/vdcs', 'acme-vdc');
    const mine = await acme.getAll<Record<string, unknown>>(
      `/cloudapi/1.0.0/orgVdcStoragePolicies?filter=${encodeURIComponent(`orgVdcRef.id==${vdc.id}`)}`,
    );
    assert.equal(mine.length, 1);
    const policy = mine[0]!;
    assert.deepEqual(Object.keys(policy).sort(), [
      'id',
      'isDefaultStoragePolicy',
      'isEnabled',
      'name',
      'orgVdcRef',
      'storageLimitMb',
    ]);
    assert.deepEqual(
      [policy['name'], policy['isEnabled'], policy['isDefaultStoragePolicy'], policy['storageLimitMb']],
      ['gold-storage-policy', true, true, 1_048_576],
    );
    assert.deepEqual(policy['orgVdcRef'], { id: vdc.id, name: 'acme-vdc' });
    const one = await acme.get<{ name: string }>(
      `/cloudapi/1.0.0/orgVdcStoragePolicies/${String(policy['id'])}`,
    );
    assert.equal(one.body.name, 'gold-storage-policy');

    const all = await provider.getAll<{ orgVdcRef: { name: string } }>(
      '/cloudapi/1.0.0/orgVdcStoragePolicies',
    );
    assert.deepEqual(all.map((p) => p.orgVdcRef.name).sort(), ['acme-vdc', 'globex-vdc']);
  });

  it('answers the made-up orgVdcStorageProfiles path as any unknown cloudapi path: 404 in VCD’s error form', async () => {
    for (const path of ['/cloudapi/1.0.0/orgVdcStorageProfiles', '/cloudapi/1.0.0/noSuchThing']) {
      const response = await acme.get<VcdErrorBody>(path);
      assert.equal(response.status, 404, path);
      assert.equal(response.body.minorErrorCode, 'RESOURCE_NOT_FOUND');
      assert.equal(response.body.stackTrace, null);
      assert.ok(response.body.message.includes(path), response.body.message);
      assert.equal(response.body.majorErrorCode, undefined, 'cloudapi errors have no majorErrorCode');
    }
  });

  it('needs the compute policy view right', async () => {
    const viewer = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
    assert.equal((await viewer.get('/cloudapi/2.0.0/vdcComputePolicies')).status, 200);
  });
});
