import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { withClusterSpecDefaults, type ClusterSpec } from '../../behaviours/validation/cluster-spec-rules.ts';
import {
  buildCapiObjects,
  capiObjectNames,
  controlPlaneLoadBalancerName,
  renderCapiYaml,
  type CapiClusterInput,
} from '../../backend/bootstrap/capi-yaml.ts';
import { RenderInputError } from '../../backend/bootstrap/input-checks.ts';
import { tkgVersionBundle } from '../../backend/bootstrap/tkg-versions.ts';

/** A TKG 2.5.2 node image (a key of go-vcloud-director's `govcd/cse/tkg_versions.json`). */
const VERSION = 'v1.28.11+vmware.2-tkg.2-7820f47053de95b5aaf7e33a17511e47';
const TEMPLATE = `ubuntu-2204-kube-${VERSION}`;
const CLUSTER_ID = 'urn:vcloud:entity:cseoss:k8scluster:0f9c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const SSH_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICyXrIM04FJD4S0jncIoHmwhvjH9/V7PPxQgqS1DL+D/ alice@example';

function input(
  specOverrides: Partial<ClusterSpec> = {},
  overrides: Partial<CapiClusterInput> = {},
): CapiClusterInput {
  return {
    spec: withClusterSpecDefaults({
      name: 'demo',
      orgVdc: 'tenant1-vdc',
      network: 'tenant1-net',
      template: TEMPLATE,
      controlPlane: { count: 3, sizingPolicy: 'TKG small', storageProfile: 'gold', diskGiB: 30 },
      workerPools: [
        { name: 'pool-a', count: 2, sizingPolicy: 'TKG medium', diskGiB: 40 },
        { name: 'gpu', count: 1, sizingPolicy: 'TKG large', placementPolicy: 'gpu-hosts', diskGiB: 100 },
      ],
      sshKey: SSH_KEY,
      nodeHealthCheck: { enabled: true },
      ...specOverrides,
    }),
    clusterId: CLUSTER_ID,
    vcd: { url: 'https://vcd.example.com', org: 'tenant1', orgVdc: 'tenant1-vdc', network: 'tenant1-net' },
    template: { catalog: 'tkg-templates', name: TEMPLATE, ...tkgVersionBundle(VERSION)! },
    controlPlaneEndpoint: { host: '203.0.113.10' },
    imageRegistry: 'projects.registry.vmware.com/tkg',
    apiToken: 'the-owners-refresh-token',
    ...overrides,
  };
}

// Parsed YAML is read freely here; the objects' types are what the renderer's own types guarantee.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Doc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: any; annotations?: any };
  spec?: any;
  [key: string]: any;
};

/* eslint-enable @typescript-eslint/no-explicit-any */

function documents(text: string): Doc[] {
  return parseAllDocuments(text).map((document) => {
    assert.deepEqual(document.errors, [], 'every document parses');
    return document.toJS() as Doc;
  });
}

function find(docs: Doc[], kind: string, name: string): Doc {
  const doc = docs.find((candidate) => candidate.kind === kind && candidate.metadata.name === name);
  assert.ok(doc, `${kind} ${name} is in the manifest`);
  return doc;
}

/** What Cluster API 1.7 and CAPVCD 1.3 serve (read from their CRDs): infrastructure v1beta2, the rest v1beta1. */
const SERVED = {
  Namespace: 'v1',
  Secret: 'v1',
  Cluster: 'cluster.x-k8s.io/v1beta1',
  VCDCluster: 'infrastructure.cluster.x-k8s.io/v1beta2',
  VCDMachineTemplate: 'infrastructure.cluster.x-k8s.io/v1beta2',
  KubeadmControlPlane: 'controlplane.cluster.x-k8s.io/v1beta1',
  KubeadmConfigTemplate: 'bootstrap.cluster.x-k8s.io/v1beta1',
  MachineDeployment: 'cluster.x-k8s.io/v1beta1',
  MachineHealthCheck: 'cluster.x-k8s.io/v1beta1',
} as const;

/** Required spec fields per kind, from the CRDs' openAPIV3Schema. */
const REQUIRED: Record<string, string[]> = {
  VCDCluster: ['org', 'ovdc', 'ovdcNetwork', 'site', 'userContext'],
  VCDMachineTemplate: ['template'],
  KubeadmControlPlane: ['kubeadmConfigSpec', 'machineTemplate', 'version'],
  KubeadmConfigTemplate: ['template'],
  MachineDeployment: ['clusterName', 'selector', 'template'],
  MachineHealthCheck: ['clusterName', 'selector', 'unhealthyConditions'],
};

describe('the Cluster API manifest', () => {
  const docs = documents(renderCapiYaml(input()));

  it('has exactly the kinds CAPVCD and Cluster API serve, in apply order', () => {
    assert.deepEqual(
      docs.map((doc) => `${doc.kind} ${doc.metadata.name}`),
      [
        'Namespace demo-ns',
        'Secret demo-vcd-credentials',
        'Cluster demo',
        'VCDCluster demo',
        'VCDMachineTemplate demo-control-plane',
        'KubeadmControlPlane demo-control-plane',
        'KubeadmConfigTemplate demo-worker',
        'VCDMachineTemplate demo-pool-a',
        'MachineDeployment demo-pool-a',
        'VCDMachineTemplate demo-gpu',
        'MachineDeployment demo-gpu',
        'MachineHealthCheck demo-node-health',
      ],
    );
    for (const doc of docs) assert.equal(doc.apiVersion, SERVED[doc.kind as keyof typeof SERVED], doc.kind);
  });

  it('has every field the CRDs require', () => {
    for (const doc of docs) {
      for (const field of REQUIRED[doc.kind] ?? [])
        assert.ok(doc.spec?.[field] !== undefined, `${doc.kind}.spec.${field}`);
      if (doc.kind !== 'Namespace')
        assert.equal(doc.metadata.namespace, 'demo-ns', `${doc.kind} is namespaced`);
    }
    for (const doc of docs.filter((d) => d.kind === 'MachineDeployment')) {
      assert.ok(
        doc.spec.template.spec.clusterName && doc.spec.template.spec.bootstrap.configRef,
        'machine template spec',
      );
      const selector = doc.spec.selector.matchLabels;
      for (const [key, value] of Object.entries(selector))
        assert.equal(doc.spec.template.metadata.labels[key], value);
    }
  });

  it('points every reference at an object of the manifest', () => {
    const refs: Array<{ apiVersion: string; kind: string; name: string; namespace: string }> = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        if (
          typeof record['kind'] === 'string' &&
          typeof record['name'] === 'string' &&
          'apiVersion' in record
        ) {
          refs.push(record as never);
        }
        Object.values(record).forEach(collect);
      }
    };
    docs.forEach((doc) => collect(doc.spec));
    assert.equal(refs.length, 7);
    for (const ref of refs) {
      const target = find(docs, ref.kind, ref.name);
      assert.equal(target.apiVersion, ref.apiVersion);
      assert.equal(ref.namespace, target.metadata.namespace);
    }
  });

  it('puts the reserved VIP on port 6443 as the control-plane endpoint, and the RDE id CAPVCD names load balancers after', () => {
    const vcdCluster = find(docs, 'VCDCluster', 'demo');
    assert.deepEqual(vcdCluster.spec.controlPlaneEndpoint, { host: '203.0.113.10', port: 6443 });
    assert.equal(vcdCluster.spec.rdeId, CLUSTER_ID);
    assert.deepEqual(
      [vcdCluster.spec.site, vcdCluster.spec.org, vcdCluster.spec.ovdc, vcdCluster.spec.ovdcNetwork],
      ['https://vcd.example.com', 'tenant1', 'tenant1-vdc', 'tenant1-net'],
    );
    assert.equal(vcdCluster.spec.useAsManagementCluster, false);
    assert.equal(controlPlaneLoadBalancerName('demo', CLUSTER_ID), `demo-${CLUSTER_ID}-tcp`);
  });

  it('keeps the API token in a Secret that clusterctl moves, referenced by the VCDCluster, and nowhere else', () => {
    const vcdCluster = find(docs, 'VCDCluster', 'demo');
    assert.deepEqual(vcdCluster.spec.userContext, {
      secretRef: { name: 'demo-vcd-credentials', namespace: 'demo-ns' },
    });
    const secret = find(docs, 'Secret', 'demo-vcd-credentials');
    assert.equal(Buffer.from(secret['data'].refreshToken, 'base64').toString(), 'the-owners-refresh-token');
    assert.equal(secret.metadata['labels' as never]?.['clusterctl.cluster.x-k8s.io/move'], '');
    assert.equal(renderCapiYaml(input()).includes('the-owners-refresh-token'), false, 'never in clear text');
  });

  it('describes each node group with its catalog, template, policies, storage profile and disk', () => {
    assert.deepEqual(find(docs, 'VCDMachineTemplate', 'demo-control-plane').spec.template.spec, {
      catalog: 'tkg-templates',
      template: TEMPLATE,
      sizingPolicy: 'TKG small',
      storageProfile: 'gold',
      diskSize: '30Gi',
    });
    assert.deepEqual(find(docs, 'VCDMachineTemplate', 'demo-gpu').spec.template.spec, {
      catalog: 'tkg-templates',
      template: TEMPLATE,
      sizingPolicy: 'TKG large',
      placementPolicy: 'gpu-hosts',
      diskSize: '100Gi',
    });
    const kcp = find(docs, 'KubeadmControlPlane', 'demo-control-plane');
    assert.equal(kcp.spec.replicas, 3);
    assert.equal(kcp.spec.version, 'v1.28.11+vmware.2');
    assert.equal(
      kcp.spec.kubeadmConfigSpec.clusterConfiguration.imageRepository,
      'projects.registry.vmware.com/tkg',
    );
    assert.deepEqual(kcp.spec.kubeadmConfigSpec.users, [{ name: 'root', sshAuthorizedKeys: [SSH_KEY] }]);
    const md = find(docs, 'MachineDeployment', 'demo-pool-a');
    assert.equal(md.spec.replicas, 2);
    assert.equal(md.spec.template.spec.version, 'v1.28.11+vmware.2');
    const cluster = find(docs, 'Cluster', 'demo');
    assert.deepEqual(cluster.spec.clusterNetwork.pods.cidrBlocks, ['100.96.0.0/11']);
    assert.deepEqual(cluster.spec.clusterNetwork.services.cidrBlocks, ['100.64.0.0/13']);
  });

  it("gives kubeadm the etcd and CoreDNS image tags of the template's TKG release, from the registry", () => {
    // go-vcloud-director's tkg_versions.json for this VERSION: etcd v3.5.12_vmware.5, CoreDNS v1.10.1_vmware.21.
    const configuration = find(docs, 'KubeadmControlPlane', 'demo-control-plane').spec.kubeadmConfigSpec
      .clusterConfiguration;
    assert.deepEqual(configuration.etcd, {
      local: { imageRepository: 'projects.registry.vmware.com/tkg', imageTag: 'v3.5.12_vmware.5' },
    });
    assert.deepEqual(configuration.dns, {
      imageRepository: 'projects.registry.vmware.com/tkg',
      imageTag: 'v1.10.1_vmware.21',
    });
    assert.equal(configuration.imageRepository, 'projects.registry.vmware.com/tkg');
    const cluster = find(docs, 'Cluster', 'demo');
    assert.equal(cluster.metadata.labels.tanzuKubernetesRelease, 'v1.28.11---vmware.2-tkg.2');
    assert.equal(cluster.metadata.annotations.TKGVERSION, 'v2.5.2');
  });

  it('adds the MachineHealthCheck only when node health check is on, and no ssh users without a key', () => {
    const objects = buildCapiObjects(input({ nodeHealthCheck: { enabled: false }, sshKey: '' }));
    assert.equal(
      objects.some((object) => object.kind === 'MachineHealthCheck'),
      false,
    );
    const kcp = objects.find((object) => object.kind === 'KubeadmControlPlane');
    assert.ok(kcp);
    assert.equal(JSON.stringify(kcp).includes('sshAuthorizedKeys'), false);
  });

  it('uses no YAML anchors, so simple parsers read it', () => {
    assert.equal(/^\s*\S+: [&*]\w+/m.test(renderCapiYaml(input())), false);
  });

  it('derives every name from the cluster name', () => {
    assert.deepEqual(capiObjectNames('demo', ['pool-a']), {
      namespace: 'demo-ns',
      cluster: 'demo',
      credentialsSecret: 'demo-vcd-credentials',
      controlPlane: 'demo-control-plane',
      workerBootstrap: 'demo-worker',
      healthCheck: 'demo-node-health',
      pools: { 'pool-a': 'demo-pool-a' },
    });
  });
});

describe('a manifest input that breaks a rule', () => {
  it('is refused, naming each bad field', () => {
    const bad = input(
      { name: 'Demo Cluster' },
      {
        clusterId: '$(reboot)',
        template: { ...input().template, kubernetesVersion: 'v1.27.5; rm -rf /' },
        controlPlaneEndpoint: { host: '203.0.113.10`reboot`' },
        imageRegistry: 'registry.example.com/"tkg"',
      },
    );
    assert.throws(
      () => renderCapiYaml(bad),
      (error: unknown) => {
        assert.ok(error instanceof RenderInputError);
        assert.deepEqual(
          error.problems.map((problem) => problem.field),
          [
            'spec.name',
            'clusterId',
            'template.kubernetesVersion',
            'controlPlaneEndpoint.host',
            'imageRegistry',
          ],
        );
        return true;
      },
    );
  });

  it('does not echo the API token when refusing it', () => {
    assert.throws(
      () => renderCapiYaml(input({}, { apiToken: '' })),
      (error: unknown) => error instanceof RenderInputError && error.problems[0]!.field === 'apiToken',
    );
  });
});

describe("the provider's proxy and trusted CAs on the nodes", () => {
  const pem = '-----BEGIN CERTIFICATE-----\nTUlJQmFzZTY0Q2VydA==\n-----END CERTIFICATE-----';
  const egress = {
    proxy: {
      httpProxy: 'http://proxy.corp:3128',
      httpsProxy: 'http://proxy.corp:3128',
      noProxy: ['10.0.0.0/8'],
    },
    trustedCertificates: [{ name: 'Corp root CA', pem }],
  };

  it('gives containerd the proxy through CAPVCD and every node the CA files and the commands that trust them', () => {
    const docs = documents(renderCapiYaml(input({}, { egress })));
    const vcdCluster = find(docs, 'VCDCluster', 'demo');
    assert.deepEqual(vcdCluster.spec.proxyConfigSpec, {
      httpProxy: 'http://proxy.corp:3128',
      httpsProxy: 'http://proxy.corp:3128',
      noProxy: 'localhost,127.0.0.1,::1,.svc,.cluster.local,10.0.0.0/8',
    });
    const controlPlane = docs.find((doc) => doc.kind === 'KubeadmControlPlane')!.spec.kubeadmConfigSpec;
    const workers = docs.find((doc) => doc.kind === 'KubeadmConfigTemplate')!.spec.template.spec;
    for (const config of [controlPlane, workers]) {
      assert.deepEqual(config.files, [
        {
          path: '/usr/local/share/ca-certificates/cse-trusted-1.crt',
          content: `${pem}\n`,
          owner: 'root:root',
          permissions: '0644',
        },
      ]);
      assert.equal(config.preKubeadmCommands.length, 2);
      assert.match(config.preKubeadmCommands[0], /update-ca-certificates/);
    }
  });

  it('adds nothing when the provider set neither', () => {
    const docs = documents(renderCapiYaml(input()));
    assert.equal(find(docs, 'VCDCluster', 'demo').spec.proxyConfigSpec, undefined);
    const controlPlane = docs.find((doc) => doc.kind === 'KubeadmControlPlane')!.spec.kubeadmConfigSpec;
    assert.equal(controlPlane.files, undefined);
    assert.equal(controlPlane.preKubeadmCommands, undefined);
  });

  it('refuses a proxy value that could break out of a configuration file', () => {
    for (const httpProxy of [
      'http://proxy"; evil',
      'http://proxy\nEnvironment=X',
      'http://pro%xy',
      'ftp://proxy',
    ]) {
      assert.throws(
        () => renderCapiYaml(input({}, { egress: { proxy: { httpProxy } } })),
        (error: unknown) =>
          error instanceof RenderInputError && error.problems.some((p) => p.field === 'proxy.httpProxy'),
        httpProxy,
      );
    }
  });
});
