/**
 * An air-gapped site (`airGapped`): the emulated bootstrap VM cannot reach GitHub. Downloads from public hosts fail
 * like curl, and `clusterctl init` fails with clusterctl's message while its configuration leaves a provider on
 * its GitHub repository; with every provider and cert-manager in a local repository downloaded from the
 * provider's mirror (clusterctl's `{basepath}/{provider-label}/{version}/{file}` layout), it succeeds.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient } from '../helpers/vcd.ts';
import {
  bootstrapCloudInit,
  bootstrapVm,
  capiManifest,
  longLivedSessions,
  ownerApiToken,
  ReportEndpoint,
  tenantFixture,
  tkgTemplateName,
  type Report,
} from './bootstrap-fixtures.ts';
import { eventually, type TenantFixture } from './support/infra.ts';

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
  let sim: RunningSimulator;
  let author: VcdClient;
  let endpoint: ReportEndpoint;
  let fixture: TenantFixture;
  let apiToken: string;
  let template: string;

  before(async () => {
    sim = await startTestSimulator({ speed: 1000, airGapped: true });
    await longLivedSessions(sim);
    author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    endpoint = await ReportEndpoint.start(sim, await VcdClient.provider(sim.url));
    fixture = await tenantFixture(author, 'acme');
    apiToken = await ownerApiToken(author, 'acme');
    template = await tkgTemplateName(author, 'v1.28');
  });
  after(async () => {
    await endpoint?.stop();
    await sim?.close();
  });

  const start = async (
    clusterName: string,
    extra: { clusterctlConfig?: string; settings?: Record<string, unknown> },
  ): Promise<string> => {
    const clusterId = `urn:vcloud:entity:cseoss:k8scluster:${randomUUID()}`;
    const secret = randomUUID().replace(/-/g, '');
    endpoint.expectedSecrets.set(clusterId, secret);
    const capiYaml = capiManifest({
      clusterId,
      clusterName,
      org: 'acme',
      ovdc: 'acme-vdc',
      network: 'acme-k8s-net',
      vip: '203.0.113.98',
      controlPlaneCount: 1,
      pools: [{ name: 'workers', count: 1 }],
      template,
    });
    const userdata = bootstrapCloudInit({
      clusterId,
      clusterName,
      vcdUrl: sim.url,
      org: 'acme',
      apiToken,
      secret,
      capiYaml,
      ...extra,
    });
    await bootstrapVm(author, fixture, `${clusterName}-bootstrap`, userdata);
    return clusterId;
  };
  /** The reports once the emulated VM ended (its last report answered, so nothing is in flight). */
  const reportsUntil = async (clusterId: string, phase: string) => {
    await eventually(async () => {
      const view = (await (await fetch(`${sim.url}/sim/bootstraps`)).json()) as {
        bootstraps: Array<{ clusterId: string; state: string }>;
      };
      const state = view.bootstraps.find((bootstrap) => bootstrap.clusterId === clusterId)?.state;
      return state !== undefined && state !== 'running';
    }, 15_000);
    const reports = endpoint.of(clusterId);
    assert.ok(reports.some((report) => report.phase === phase));
    return reports;
  };
  const lastOf = (reports: Report[]) => reports.at(-1)!;

  it('tool downloads from GitHub fail like curl', async () => {
    const clusterId = await start('ag-tools', {
      settings: {
        downloads: {
          kind: 'https://github.com/kubernetes-sigs/kind/releases/download/v0.22.0/kind-linux-amd64',
        },
      },
    });
    const last = lastOf(await reportsUntil(clusterId, 'tools-installed'));
    assert.equal(`${last.phase}:${last.status}`, 'tools-installed:failed');
    assert.match(last.message, /curl: \(6\) Could not resolve host: github\.com/);
  });

  it('clusterctl init fails with clusterctl’s message while a provider still points at GitHub', async () => {
    const clusterId = await start('ag-github', { settings: { downloads: mirroredTools } });
    const last = lastOf(await reportsUntil(clusterId, 'capi-initialised'));
    assert.equal(`${last.phase}:${last.status}`, 'capi-initialised:failed');
    assert.match(
      last.message,
      /^Error: failed to read "core-components\.yaml" from provider's repository "cluster-api": failed to get GitHub release v1\.7\.9: .*api\.github\.com/,
    );
  });

  it('clusterctl init fails when a provider’s local repository lacks metadata.yaml', async () => {
    const repository = localRepository();
    const clusterId = await start('ag-partial', {
      clusterctlConfig: repository.config,
      settings: {
        downloads: mirroredTools,
        clusterctlRepository: {
          mirror: MIRROR,
          files: repository.files.filter((file) => !file.path.includes('infrastructure-vcd/v1.3.2/metadata')),
        },
      },
    });
    const last = lastOf(await reportsUntil(clusterId, 'capi-initialised'));
    assert.equal(`${last.phase}:${last.status}`, 'capi-initialised:failed');
    assert.match(
      last.message,
      /failed to read "metadata\.yaml" from provider's repository "infrastructure-vcd"/,
    );
  });

  it('with every provider and cert-manager from the mirror, clusterctl init succeeds', async () => {
    const repository = localRepository();
    const clusterId = await start('ag-mirror', {
      clusterctlConfig: repository.config,
      settings: {
        downloads: mirroredTools,
        clusterctlRepository: { mirror: MIRROR, files: repository.files },
      },
    });
    // Without a control-plane pool it stops at control-plane-ready; the phases before it are what matter here.
    const reports = await reportsUntil(clusterId, 'capi-initialised');
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
