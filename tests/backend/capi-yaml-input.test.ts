import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments, stringify } from 'yaml';
import { withClusterSpecDefaults } from '../../behaviours/validation/cluster-spec-rules.ts';
import { renderCapiYaml } from '../../backend/bootstrap/capi-yaml.ts';
import {
  CAPI_YAML_MAX_BYTES,
  quantityToGiB,
  readCapiYaml,
  type CapiYamlExpectations,
} from '../../backend/clusters/capi-yaml-input.ts';

const ENTITY_ID = 'urn:vcloud:entity:vmware:capvcdCluster:6f3c9d2e-8a41-4b7e-9c55-0d1e2f3a4b5c';
const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICyXrIM04FJD4S0jncIoHmwhvjH9/V7PPxQgqS1DL+D/ tf@example';
const expect: CapiYamlExpectations = {
  clusterName: 'tf-demo',
  org: 'acme',
  site: 'https://vcd.example.com',
  entityId: ENTITY_ID,
};

type Doc = Record<string, unknown>;

/**
 * A document laid out the way go-vcloud-director's CSE 4.2 templates lay one out (objects named after the cluster and
 * the pool, `<name>-ns`, `<name>-control-plane-node-pool`, `<name>-kct`, disk sizes as quantities, a pool without
 * `replicas` for the autoscaler), built here as objects.
 */
function terraformStyleDocuments(): Doc[] {
  const ns = 'tf-demo-ns';
  const machine = (name: string, spec: Doc): Doc => ({
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
    kind: 'VCDMachineTemplate',
    metadata: { name, namespace: ns },
    spec: { template: { spec: { catalog: 'tkg', template: 'ubuntu-2204-kube-v1.28.11', ...spec } } },
  });
  const deployment = (name: string, replicas?: number): Doc => ({
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'MachineDeployment',
    metadata: { name, namespace: ns },
    spec: {
      clusterName: 'tf-demo',
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: null },
      template: {
        spec: {
          bootstrap: {
            configRef: {
              apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1',
              kind: 'KubeadmConfigTemplate',
              name: 'tf-demo-kct',
              namespace: ns,
            },
          },
          clusterName: 'tf-demo',
          infrastructureRef: {
            apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
            kind: 'VCDMachineTemplate',
            name,
            namespace: ns,
          },
          version: 'v1.28.11+vmware.2',
        },
      },
    },
  });
  return [
    {
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'Cluster',
      metadata: { name: 'tf-demo', namespace: ns, annotations: { TKGVERSION: 'v2.5.2' } },
      spec: {
        clusterNetwork: {
          pods: { cidrBlocks: ['100.96.0.0/11'] },
          services: { cidrBlocks: ['100.64.0.0/13'] },
          serviceDomain: 'cluster.local',
        },
        controlPlaneRef: {
          apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
          kind: 'KubeadmControlPlane',
          name: 'tf-demo-control-plane-node-pool',
          namespace: ns,
        },
        infrastructureRef: {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
          kind: 'VCDCluster',
          name: 'tf-demo',
          namespace: ns,
        },
      },
    },
    {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'VCDCluster',
      metadata: { name: 'tf-demo', namespace: ns },
      spec: {
        site: 'https://vcd.example.com',
        org: 'acme',
        ovdc: 'acme-vdc',
        ovdcNetwork: 'acme-net',
        useAsManagementCluster: false,
        userContext: { secretRef: { name: 'capi-user-credentials', namespace: ns } },
      },
    },
    machine('tf-demo-control-plane-node-pool', {
      sizingPolicy: 'TKG small',
      placementPolicy: '',
      storageProfile: 'gold',
      diskSize: '20Gi',
    }),
    {
      apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
      kind: 'KubeadmControlPlane',
      metadata: { name: 'tf-demo-control-plane-node-pool', namespace: ns },
      spec: {
        kubeadmConfigSpec: {
          users: [{ name: 'root', sshAuthorizedKeys: [SSH_KEY] }],
          clusterConfiguration: {
            dns: { imageTag: 'v1.10.1_vmware.21' },
            etcd: { local: { imageTag: 'v3.5.12_vmware.5' } },
          },
        },
        machineTemplate: {
          infrastructureRef: {
            apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
            kind: 'VCDMachineTemplate',
            name: 'tf-demo-control-plane-node-pool',
            namespace: ns,
          },
        },
        replicas: 3,
        version: 'v1.28.11+vmware.2',
      },
    },
    {
      apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1',
      kind: 'KubeadmConfigTemplate',
      metadata: { name: 'tf-demo-kct', namespace: ns },
      spec: { template: { spec: { users: [{ name: 'root', sshAuthorizedKeys: [SSH_KEY] }] } } },
    },
    machine('node-pool-1', { sizingPolicy: 'TKG medium', diskSize: '40Gi', enableNvidiaGPU: false }),
    deployment('node-pool-1', 2),
    machine('autoscaled', { diskSize: '20Gi' }),
    deployment('autoscaled'),
    {
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'MachineHealthCheck',
      metadata: { name: 'tf-demo', namespace: ns },
      spec: { clusterName: 'tf-demo', maxUnhealthy: '100%' },
    },
  ];
}

const yamlOf = (documents: Doc[]) => documents.map((document) => stringify(document)).join('---\n');

function withChange(change: (documents: Doc[]) => void): string {
  const documents = terraformStyleDocuments();
  change(documents);
  return yamlOf(documents);
}

const find = (documents: Doc[], kind: string, name?: string) =>
  documents.find(
    (document) => document['kind'] === kind && (!name || (document['metadata'] as Doc)['name'] === name),
  )!;

function refusal(text: string, overrides: Partial<CapiYamlExpectations> = {}): string {
  const result = readCapiYaml(text, { ...expect, ...overrides });
  assert.equal(result.ok, false, 'the document should be refused');
  return result.ok ? '' : result.problems.map((problem) => `${problem.at}: ${problem.message}`).join('\n');
}

describe('capiYaml as go-vcloud-director writes it', () => {
  it('reads the topology: control plane, pools, template, versions, networks, key, health check', () => {
    const result = readCapiYaml(yamlOf(terraformStyleDocuments()), expect);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    const topology = result.topology;
    assert.equal(topology.clusterName, 'tf-demo');
    assert.equal(topology.namespace, 'tf-demo-ns');
    assert.deepEqual(
      { org: topology.org, orgVdc: topology.orgVdc, network: topology.network },
      { org: 'acme', orgVdc: 'acme-vdc', network: 'acme-net' },
    );
    assert.deepEqual(topology.template, { catalog: 'tkg', name: 'ubuntu-2204-kube-v1.28.11' });
    assert.equal(topology.kubernetesVersion, 'v1.28.11+vmware.2');
    assert.equal(topology.tkgVersion, 'v2.5.2');
    assert.deepEqual(topology.controlPlane, {
      count: 3,
      sizingPolicy: 'TKG small',
      storageProfile: 'gold',
      diskGiB: 20,
    });
    assert.deepEqual(topology.workerPools, [
      { name: 'node-pool-1', count: 2, sizingPolicy: 'TKG medium', diskGiB: 40 },
      { name: 'autoscaled', count: 0, diskGiB: 20 },
    ]);
    assert.equal(topology.podCidr, '100.96.0.0/11');
    assert.equal(topology.serviceCidr, '100.64.0.0/13');
    assert.equal(topology.sshKey, SSH_KEY);
    assert.equal(topology.nodeHealthCheck, true);
    assert.equal(topology.rdeId, undefined);
  });

  it('takes the cluster entity id in rdeId and a trailing slash on the site', () => {
    const text = withChange((documents) => {
      const spec = find(documents, 'VCDCluster')['spec'] as Doc;
      spec['rdeId'] = ENTITY_ID;
      spec['site'] = 'https://vcd.example.com/';
    });
    const result = readCapiYaml(text, expect);
    assert.ok(result.ok);
    assert.equal(result.topology.rdeId, ENTITY_ID);
  });

  it("reads back the worker's own rendering (without the Namespace and credentials it applies beside it)", () => {
    const spec = withClusterSpecDefaults({
      name: 'tf-demo',
      orgVdc: 'acme-vdc',
      network: 'acme-net',
      template: 'ubuntu-2204-kube-v1.28.11',
      controlPlane: { count: 1, sizingPolicy: 'TKG small', diskGiB: 30 },
      workerPools: [{ name: 'pool-a', count: 4, storageProfile: 'gold', diskGiB: 50 }],
      sshKey: SSH_KEY,
      nodeHealthCheck: { enabled: true },
    });
    const rendered = renderCapiYaml({
      spec,
      clusterId: ENTITY_ID,
      vcd: { url: 'https://vcd.example.com', org: 'acme', orgVdc: 'acme-vdc', network: 'acme-net' },
      template: {
        catalog: 'tkg',
        name: 'ubuntu-2204-kube-v1.28.11',
        kubernetesVersion: 'v1.28.11+vmware.2',
        tkgVersion: 'v2.5.2',
        etcdImageTag: 'v3.5.12_vmware.5',
        coreDnsImageTag: 'v1.10.1_vmware.21',
      },
      controlPlaneEndpoint: { host: '203.0.113.7' },
      imageRegistry: 'projects.packages.broadcom.com/tkg',
      apiToken: 'refresh-token-of-the-owner',
    });
    const clusterDocuments = parseAllDocuments(rendered)
      .map((document) => document.toJS() as Doc)
      .filter((document) => document['kind'] !== 'Namespace' && document['kind'] !== 'Secret');
    const result = readCapiYaml(yamlOf(clusterDocuments), expect);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    assert.deepEqual(result.topology.controlPlane, { count: 1, sizingPolicy: 'TKG small', diskGiB: 30 });
    assert.deepEqual(
      result.topology.workerPools.map((pool) => ({
        count: pool.count,
        storageProfile: pool.storageProfile,
        diskGiB: pool.diskGiB,
      })),
      [{ count: 4, storageProfile: 'gold', diskGiB: 50 }],
    );
    assert.equal(result.topology.controlPlaneHost, '203.0.113.7');
    assert.equal(result.topology.nodeHealthCheck, true);
  });
});

describe('capiYaml refusals name the document, the field and what to do', () => {
  it("another org's VDC", () => {
    const message = refusal(
      withChange((documents) => ((find(documents, 'VCDCluster')['spec'] as Doc)['org'] = 'globex')),
    );
    assert.match(message, /VCDCluster\/tf-demo spec\.org: must be the cluster's own organization, acme\./);
  });

  it('a foreign site, which would receive the credentials', () => {
    const message = refusal(
      withChange(
        (documents) => ((find(documents, 'VCDCluster')['spec'] as Doc)['site'] = 'https://attacker.example'),
      ),
    );
    assert.match(
      message,
      /spec\.site: must be this Cloud Director, https:\/\/vcd\.example\.com; it is https:\/\/attacker\.example\./,
    );
  });

  it('a ClusterResourceSet (a privileged pod or hostPath would run in every cluster it selects)', () => {
    const text = withChange((documents) =>
      documents.push({
        apiVersion: 'addons.cluster.x-k8s.io/v1beta1',
        kind: 'ClusterResourceSet',
        metadata: { name: 'evil', namespace: 'tf-demo-ns' },
        spec: {
          clusterSelector: { matchLabels: {} },
          resources: [{ kind: 'ConfigMap', name: 'privileged-pod' }],
        },
      }),
    );
    assert.match(
      refusal(text),
      /document 11 \(ClusterResourceSet\/evil\): kind ClusterResourceSet is not allowed: a cluster's capiYaml holds only Cluster, /,
    );
  });

  it('a Secret or any kind a cluster does not need', () => {
    const text = withChange((documents) =>
      documents.push({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'x', namespace: 'tf-demo-ns' },
        data: {},
      }),
    );
    assert.match(refusal(text), /kind Secret is not allowed/);
  });

  it('an API version CAPVCD does not serve', () => {
    const text = withChange(
      (documents) =>
        (find(documents, 'VCDCluster')['apiVersion'] = 'infrastructure.cluster.x-k8s.io/v1alpha4'),
    );
    assert.match(
      refusal(text),
      /VCDCluster\/tf-demo: apiVersion infrastructure\.cluster\.x-k8s\.io\/v1alpha4 is not served; use /,
    );
  });

  it('inline credentials instead of the secret the worker writes', () => {
    const text = withChange(
      (documents) =>
        ((find(documents, 'VCDCluster')['spec'] as Doc)['userContext'] = {
          username: 'admin',
          password: 'x',
        }),
    );
    assert.match(refusal(text), /spec\.userContext: may hold only secretRef; credentials are never inline\./);
  });

  it("another entity's id in rdeId", () => {
    const text = withChange(
      (documents) =>
        ((find(documents, 'VCDCluster')['spec'] as Doc)['rdeId'] =
          'urn:vcloud:entity:vmware:capvcdCluster:00000000-0000-4000-8000-000000000000'),
    );
    assert.match(refusal(text), /spec\.rdeId: may only name the cluster's own entity\./);
  });

  it('a VCDCluster field a cluster may not set', () => {
    const text = withChange(
      (documents) => ((find(documents, 'VCDCluster')['spec'] as Doc)['parentUid'] = 'x'),
    );
    assert.match(refusal(text), /spec\.parentUid: is not a field a cluster may set\./);
  });

  it('files read from the management cluster', () => {
    const text = withChange((documents) => {
      const spec = (find(documents, 'KubeadmControlPlane')['spec'] as Doc)['kubeadmConfigSpec'] as Doc;
      spec['files'] = [
        {
          path: '/root/token',
          contentFrom: { secret: { name: 'capi-user-credentials', key: 'refreshToken' } },
        },
      ];
    });
    assert.match(
      refusal(text),
      /kubeadmConfigSpec\.files\[0\]\.contentFrom: is not allowed; give the content\./,
    );
  });

  it('two vApp templates', () => {
    const text = withChange((documents) => {
      const spec = ((find(documents, 'VCDMachineTemplate', 'node-pool-1')['spec'] as Doc)['template'] as Doc)[
        'spec'
      ] as Doc;
      spec['template'] = 'some-other-ova';
    });
    assert.match(refusal(text), /uses several vApp templates .*; every node uses one\./);
  });

  it('a Cluster whose name is not the entity name', () => {
    assert.match(
      refusal(yamlOf(terraformStyleDocuments()), { clusterName: 'other' }),
      /metadata\.name: must be the cluster's name, other\./,
    );
  });

  it('a pool that names a template the document does not hold', () => {
    const text = withChange((documents) => {
      const spec = (
        ((find(documents, 'MachineDeployment', 'node-pool-1')['spec'] as Doc)['template'] as Doc)[
          'spec'
        ] as Doc
      )['infrastructureRef'] as Doc;
      spec['name'] = 'missing';
    });
    assert.match(refusal(text), /names VCDMachineTemplate\/missing, which the document does not hold\./);
  });

  it('5 MB of YAML, unread', () => {
    const big = yamlOf(terraformStyleDocuments()) + `# ${'x'.repeat(5 * 1024 * 1024)}\n`;
    assert.match(
      refusal(big),
      new RegExp(`spec\\.capiYaml: is 5\\d{3} KiB; at most ${CAPI_YAML_MAX_BYTES / 1024} KiB is read\\.`),
    );
  });

  it('YAML aliases (an expansion bomb) and duplicate keys', () => {
    const bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n';
    assert.match(refusal(bomb), /document 1: (is not valid YAML|cannot be read)/);
    assert.match(refusal('kind: Cluster\nkind: Cluster\n'), /document 1: is not valid YAML/);
  });

  it('text that is not a list of objects, or nothing at all', () => {
    assert.match(refusal('- a\n- b\n'), /document 1: must be a Kubernetes object/);
    assert.match(refusal(''), /spec\.capiYaml: is required/);
  });

  it('several namespaces', () => {
    const text = withChange(
      (documents) =>
        ((find(documents, 'MachineHealthCheck')['metadata'] as Doc)['namespace'] = 'kube-system'),
    );
    assert.match(refusal(text), /uses several namespaces \(tf-demo-ns, kube-system\); a cluster uses one\./);
  });
});

describe('disk sizes', () => {
  it('reads Kubernetes quantities as whole GiB, rounded up', () => {
    assert.equal(quantityToGiB('20Gi'), 20);
    assert.equal(quantityToGiB('20480Mi'), 20);
    assert.equal(quantityToGiB('21G'), 20);
    assert.equal(quantityToGiB(21474836480), 20);
    assert.equal(quantityToGiB('1Ti'), 1024);
    assert.equal(quantityToGiB('twenty'), undefined);
    assert.equal(quantityToGiB('-1Gi'), undefined);
  });
});
