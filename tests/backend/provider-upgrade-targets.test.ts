import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProviderTemplate } from '../../backend/provider/templates-lifecycle.ts';
import { compareVersions, upgradeTargets } from '../../backend/provider/upgrades.ts';

function template(
  name: string,
  kubernetesVersion: string,
  tkgVersion: string,
  lifecycle = 'supported',
  usable = true,
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
    usable,
    unusableReason: usable ? null : 'its VERSION is not a TKG node image version CSE knows',
  };
}

describe('upgrade targets (pure)', () => {
  // Kubernetes and TKG versions of go-vcloud-director's tkg_versions.json (the rule itself is pure).
  const offered = [
    template('k127-5', 'v1.27.5+vmware.1', 'v2.4.0'),
    template('k127-15', 'v1.27.15+vmware.1', 'v2.5.2'),
    template('k127-8', 'v1.27.8+vmware.1', 'v2.5.0'),
    template('k127-5-old-tkg', 'v1.27.5+vmware.1', 'v2.3.1'),
    template('k128-11', 'v1.28.11+vmware.2', 'v2.5.2'),
    template('k128-4-expired', 'v1.28.4+vmware.1', 'v2.5.0', 'expired'),
    template('k128-11-unusable', 'v1.28.11+vmware.2', 'v2.5.2', 'supported', false),
    template('k129-6', 'v1.29.6+vmware.1', 'v2.5.2'),
    template('k126-14', 'v1.26.14+vmware.1', 'v2.5.2'),
  ];

  it('offers the same or higher TKG and Kubernetes at most one minor ahead, newest first, never expired or unusable ones', () => {
    const targets = upgradeTargets(
      { template: 'k127-5', kubernetesVersion: 'v1.27.5+vmware.1', tkgVersion: 'v2.4.0' },
      offered,
    );
    assert.deepEqual(
      targets.map((t) => t.name),
      ['k128-11', 'k127-15', 'k127-8'],
    );
  });

  it('offers a newer TKG build of the same Kubernetes version, but not the same versions on another image', () => {
    const current = { template: 'k128-11', kubernetesVersion: 'v1.28.11+vmware.2', tkgVersion: 'v2.5.2' };
    const same = template('k128-11-photon', 'v1.28.11+vmware.2', 'v2.5.2');
    const newerTkg = template('k128-11-tkg253', 'v1.28.11+vmware.2', 'v2.5.3');
    assert.deepEqual(
      upgradeTargets(current, [...offered, same, newerTkg]).map((t) => t.name),
      ['k129-6', 'k128-11-tkg253'],
    );
  });

  it('compares vmware builds and treats unknown versions as oldest', () => {
    assert.ok(compareVersions('v1.28.11+vmware.2', 'v1.28.11+vmware.1') > 0);
    assert.ok(compareVersions('v1.28.10', 'v1.28.9') > 0);
    assert.ok(compareVersions(null, 'v0.0.1') < 0);
  });
});
