import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient, type VcdPage } from '../helpers/vcd.ts';
import { byName, queryRecords } from './support/infra.ts';

interface Policy {
  id: string;
  name: string;
  cpuCount: number | null;
  memory: number | null;
  isSizingOnly: boolean;
}

describe('org VDCs, compute (sizing) policies and storage profiles', () => {
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
    const cloudapi = await acme.getAll<{ name: string }>('/cloudapi/1.0.0/orgVdcStorageProfiles');
    assert.equal(cloudapi.length, 1);
  });

  it('needs the compute policy view right', async () => {
    const viewer = await VcdClient.login(sim.url, 'acme-viewer', 'acme');
    assert.equal((await viewer.get('/cloudapi/2.0.0/vdcComputePolicies')).status, 200);
  });
});
