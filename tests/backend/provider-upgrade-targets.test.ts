import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProviderTemplate } from '../../backend/provider/templates-lifecycle.ts';
import { compareVersions, upgradeTargets } from '../../backend/provider/upgrades.ts';

function template(
  name: string,
  kubernetesVersion: string,
  tkgVersion: string,
  lifecycle = 'supported',
): ProviderTemplate {
  return {
    id: `urn:vcloud:vapptemplate:${name}`,
    name,
    catalog: { id: 'c', name: 'tkg' },
    description: null,
    kubernetesVersion,
    tkgVersion,
    os: null,
    version: `${kubernetesVersion}-tkg.1-x`,
    size: { cpus: 2, memoryMb: 4096, storageMb: 20480 },
    lifecycle: lifecycle as ProviderTemplate['lifecycle'],
    expiresAt: null,
    publishedToAll: true,
    orgs: [],
    catalogAlsoShowsTo: { allOrgs: false, orgs: [] },
  };
}

describe('upgrade targets (pure)', () => {
  const offered = [
    template('k127-5', 'v1.27.5+vmware.1', 'v2.4.0'),
    template('k127-11', 'v1.27.11+vmware.1', 'v2.5.0'),
    template('k127-11-old-tkg', 'v1.27.11+vmware.1', 'v2.3.0'),
    template('k128-7', 'v1.28.7+vmware.1', 'v2.5.0'),
    template('k128-9-expired', 'v1.28.9+vmware.1', 'v2.5.1', 'expired'),
    template('k129-4', 'v1.29.4+vmware.3', 'v2.5.1'),
    template('k126-1', 'v1.26.1+vmware.1', 'v2.5.0'),
  ];

  it('offers the same or higher TKG and Kubernetes at most one minor ahead, newest first, never expired ones', () => {
    const targets = upgradeTargets(
      { template: 'k127-5', kubernetesVersion: 'v1.27.5+vmware.1', tkgVersion: 'v2.4.0' },
      offered,
    );
    assert.deepEqual(
      targets.map((t) => t.name),
      ['k128-7', 'k127-11'],
    );
  });

  it('offers a newer TKG build of the same Kubernetes version, but not the same versions on another image', () => {
    const current = { template: 'k128-7', kubernetesVersion: 'v1.28.7+vmware.1', tkgVersion: 'v2.5.0' };
    const same = template('k128-7-photon', 'v1.28.7+vmware.1', 'v2.5.0');
    const newerTkg = template('k128-7-tkg251', 'v1.28.7+vmware.1', 'v2.5.1');
    assert.deepEqual(
      upgradeTargets(current, [...offered, same, newerTkg]).map((t) => t.name),
      ['k129-4', 'k128-7-tkg251'],
    );
  });

  it('compares vmware builds and treats unknown versions as oldest', () => {
    assert.ok(compareVersions('v1.28.7+vmware.2', 'v1.28.7+vmware.1') > 0);
    assert.ok(compareVersions('v1.28.10', 'v1.28.9') > 0);
    assert.ok(compareVersions(null, 'v0.0.1') < 0);
  });
});
