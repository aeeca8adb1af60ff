/**
 * An air-gapped site (`airGapped`): the emulated bootstrap VM cannot reach GitHub. Downloads from public hosts fail
 * like curl, and `clusterctl init` fails with clusterctl's message while its configuration leaves a provider on
 * its GitHub repository; with every provider and cert-manager in a local repository downloaded from the
 * provider's mirror (clusterctl's `{basepath}/{provider-label}/{version}/{file}` layout), it succeeds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { bootstrapWorldHooks, runBootstrap, type Report } from './bootstrap-fixtures.ts';

const MIRROR = 'https://mirror.site.example/cse';
const REPOSITORY = '/opt/cse/clusterctl-repository';

/** The local repository as docs/cluster-spec.md §4 describes it: components and metadata.yaml per provider. */
function localRepository(): { config: string; files: Array<{ url: string; path: string }> } {
  const providers = [
    {
      name: 'cluster-api',
      type: 'CoreProvider',
      label: 'cluster-api',
      file: 'core-components.yaml',
      v: 'v1.7.9',
    },
    {
      name: 'kubeadm',
      type: 'BootstrapProvider',
      label: 'bootstrap-kubeadm',
      file: 'bootstrap-components.yaml',
      v: 'v1.7.9',
    },
    {
      name: 'kubeadm',
      type: 'ControlPlaneProvider',
      label: 'control-plane-kubeadm',
      file: 'control-plane-components.yaml',
      v: 'v1.7.9',
    },
    {
      name: 'vcd',
      type: 'InfrastructureProvider',
      label: 'infrastructure-vcd',
      file: 'infrastructure-components.yaml',
      v: 'v1.3.2',
    },
  ];
  const files = providers.flatMap((p) =>
    [p.file, 'metadata.yaml'].map((file) => ({
      url: `${MIRROR}/${p.label}/${p.v}/${file}`,
      path: `${REPOSITORY}/${p.label}/${p.v}/${file}`,
    })),
  );
  const certManager = `${REPOSITORY}/cert-manager/v1.14.5/cert-manager.yaml`;
  files.push({ url: `${MIRROR}/cert-manager/v1.14.5/cert-manager.yaml`, path: certManager });
  const config = stringify({
    CLUSTERCTL_DISABLE_VERSIONCHECK: 'true',
    providers: providers.map((p) => ({
      name: p.name,
      type: p.type,
      url: `${REPOSITORY}/${p.label}/${p.v}/${p.file}`,
    })),
    'cert-manager': { url: certManager, version: 'v1.14.5' },
  });
  return { config, files };
}

const mirroredTools = {
  kind: `${MIRROR}/kind/v0.22.0/kind-linux-amd64`,
  clusterctl: `${MIRROR}/clusterctl/v1.7.9/clusterctl-linux-amd64`,
  kubectl: `${MIRROR}/kubectl/v1.29.2/kubectl-linux-amd64`,
};

describe('bootstrap on an air-gapped site', () => {
  const world = bootstrapWorldHooks({ simulator: { airGapped: true }, kubernetes: 'v1.28' });

  /** Runs a bootstrap with these clusterctl settings; answers its reports once the VM ended, which reached `phase`. */
  const reportsUntil = async (
    clusterName: string,
    phase: string,
    extra: { clusterctlConfig?: string; settings?: Record<string, unknown> },
  ) => {
    const { reports } = await runBootstrap(world, { clusterName, vip: '203.0.113.98', cloudInit: extra });
    assert.ok(reports.some((report) => report.phase === phase));
    return reports;
  };
  const lastOf = (reports: Report[]) => reports.at(-1)!;

  it('tool downloads from GitHub fail like curl', async () => {
    const reports = await reportsUntil('ag-tools', 'tools-installed', {
      settings: {
        downloads: {
          kind: 'https://github.com/kubernetes-sigs/kind/releases/download/v0.22.0/kind-linux-amd64',
        },
      },
    });
    const last = lastOf(reports);
    assert.equal(`${last.phase}:${last.status}`, 'tools-installed:failed');
    assert.match(last.message, /curl: \(6\) Could not resolve host: github\.com/);
  });

  it('clusterctl init fails with clusterctl’s message while a provider still points at GitHub', async () => {
    const reports = await reportsUntil('ag-github', 'capi-initialised', {
      settings: { downloads: mirroredTools },
    });
    const last = lastOf(reports);
    assert.equal(`${last.phase}:${last.status}`, 'capi-initialised:failed');
    assert.match(
      last.message,
      /^Error: failed to read "core-components\.yaml" from provider's repository "cluster-api": failed to get GitHub release v1\.7\.9: .*api\.github\.com/,
    );
  });

  it('clusterctl init fails when a provider’s local repository lacks metadata.yaml', async () => {
    const repository = localRepository();
    const reports = await reportsUntil('ag-partial', 'capi-initialised', {
      clusterctlConfig: repository.config,
      settings: {
        downloads: mirroredTools,
        clusterctlRepository: {
          mirror: MIRROR,
          files: repository.files.filter((file) => !file.path.includes('infrastructure-vcd/v1.3.2/metadata')),
        },
      },
    });
    const last = lastOf(reports);
    assert.equal(`${last.phase}:${last.status}`, 'capi-initialised:failed');
    assert.match(
      last.message,
      /failed to read "metadata\.yaml" from provider's repository "infrastructure-vcd"/,
    );
  });

  it('with every provider and cert-manager from the mirror, clusterctl init succeeds', async () => {
    const repository = localRepository();
    const reports = await reportsUntil('ag-mirror', 'capi-initialised', {
      clusterctlConfig: repository.config,
      settings: {
        downloads: mirroredTools,
        clusterctlRepository: { mirror: MIRROR, files: repository.files },
      },
    });
    // Without a control-plane pool it stops at control-plane-ready; the phases before it are what matter here.
    assert.deepEqual(
      reports.slice(0, 4).map((report) => `${report.phase}:${report.status}`),
      [
        'vm-started:succeeded',
        'tools-installed:succeeded',
        'kind-ready:succeeded',
        'capi-initialised:succeeded',
      ],
    );
  });
});
