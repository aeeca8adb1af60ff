/**
 * The provider settings for air-gapped sites and add-ons: `registry.componentsMirror` and
 * `components.cni`/`cpi`/`csi` are validated like the other URLs and checksums, reach the bootstrap as
 * add-on sources, and `cse images` lists every file to mirror with where to copy it from.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clustersConfigSchema } from '../../backend/config/clusters-schema.ts';
import { clusterArtifacts } from '../../backend/provider/images.ts';
import { settingsFromConfig, toProviderSettings, validateSettings } from '../../backend/provider/settings.ts';

const MIRROR = 'https://mirror.site.example/cse';
const config = clustersConfigSchema.parse({
  binaryMirror: MIRROR,
  componentsMirror: MIRROR,
  addons: {
    antrea: { url: `${MIRROR}/antrea/v1.15.1/antrea.yml`, sha256: 'a'.repeat(64), version: 'v1.15.1' },
    cpi: { url: `${MIRROR}/cpi/1.6.0/cloud-director-ccm.yaml`, sha256: 'b'.repeat(64), version: '1.6.0' },
    csi: { url: `${MIRROR}/csi/1.6.0/csi-driver.yaml`, sha256: 'c'.repeat(64), version: '1.6.0' },
  },
});

describe('settings for mirrors and add-ons', () => {
  const document = settingsFromConfig(config);

  it('carries the components mirror and the add-ons from the worker configuration, and validates', () => {
    assert.equal(document.registry.componentsMirror, MIRROR);
    assert.equal(document.components.cni?.name, 'antrea');
    assert.equal(document.components.cpi?.sha256, 'b'.repeat(64));
    assert.deepEqual(validateSettings(document), []);
  });

  it('refuses a mirror or add-on value that could break a YAML file or a command line', () => {
    const bad = structuredClone(document);
    bad.registry.componentsMirror = 'https://mirror.site.example/a"b';
    bad.components.cni!.sha256 = 'XYZ';
    bad.components.csi!.manifestUrl = 'https://m/$(id)';
    const fields = validateSettings(bad).map((problem) => problem.field);
    for (const field of ['registry.componentsMirror', 'components.cni.sha256', 'components.csi.manifestUrl'])
      assert.ok(fields.includes(field), `${field} in ${fields.join(', ')}`);
  });

  it('gives the bootstrap the add-ons in CNI, CPI, CSI order', () => {
    const settings = toProviderSettings(document, config, 'https://vcd.example.com');
    assert.equal(settings.componentsMirror, MIRROR);
    assert.deepEqual(
      settings.addons.map((source) => [source.name, source.version]),
      [
        ['antrea', 'v1.15.1'],
        ['cpi', '1.6.0'],
        ['csi', '1.6.0'],
      ],
    );
    const without = structuredClone(document);
    delete without.components.cni;
    delete without.components.cpi;
    delete without.components.csi;
    assert.deepEqual(toProviderSettings(without, config, 'https://vcd.example.com').addons, []);
  });

  it('cse images lists every clusterctl file and add-on manifest at the mirror, with its upstream source', () => {
    const artifacts = clusterArtifacts(document);
    const manifests = artifacts.filter((artifact) => artifact.kind === 'manifest');
    const fromMirror = manifests.filter((artifact) => artifact.reference.startsWith(`${MIRROR}/`));
    // 4 providers × (components + metadata.yaml), cert-manager, Antrea, CPI, CSI.
    assert.equal(fromMirror.length, 12, JSON.stringify(manifests, null, 1));
    for (const artifact of fromMirror.slice(0, 9))
      assert.match(artifact.upstream ?? '', /^https:\/\/github\.com\/[^/]+\/[^/]+\/releases\/download\//);
    assert.ok(
      fromMirror.some(
        (artifact) => artifact.reference === `${MIRROR}/infrastructure-vcd/v1.3.2/metadata.yaml`,
      ),
    );
    for (const artifact of artifacts.filter((entry) => entry.kind === 'binary'))
      assert.ok(artifact.reference.startsWith(`${MIRROR}/`) && artifact.upstream, artifact.component);
  });
});
