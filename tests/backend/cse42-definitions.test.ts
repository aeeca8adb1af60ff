import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import {
  CAPVCD_CLUSTER_ENTITY_ID_PREFIX,
  CAPVCD_CLUSTER_TYPE_ID,
  GET_FULL_ENTITY_BEHAVIOUR_ID,
  VCDKE_CONFIG_TYPE_ID,
  capvcdClusterType,
  cseInterfaceBehaviours,
  vcdKeConfigType,
} from '../../behaviours/cse42.ts';

function compile(schema: Record<string, unknown>) {
  // VCD's validator ignores keywords it does not know; strict mode off for the same reason.
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addKeyword({ keyword: 'x-vcloud-restricted' });
  return ajv.compile(schema);
}

/** The body go-vcloud-director posts for a new cluster (fields of `govcd/cse/4.2/rde.tmpl`). */
function terraformEntity(): Record<string, unknown> {
  return {
    apiVersion: 'capvcd.vmware.com/v1.1',
    kind: 'CAPVCDCluster',
    name: 'tf-demo',
    metadata: {
      name: 'tf-demo',
      orgName: 'acme',
      site: 'https://vcd.example.com',
      virtualDataCenterName: 'acme-vdc',
    },
    spec: {
      vcdKe: {
        isVCDKECluster: true,
        markForDelete: false,
        forceDelete: false,
        autoRepairOnErrors: true,
        defaultStorageClassOptions: {
          filesystem: 'ext4',
          k8sStorageClassName: 'default-storage-class-1',
          vcdStorageProfileName: 'gold',
          useDeleteReclaimPolicy: true,
        },
        secure: { apiToken: 'a-refresh-token' },
      },
      capiYaml: 'apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\n',
      projector: { operations: [] },
    },
  };
}

function schemaAt(schema: Record<string, unknown>, path: string[]): Record<string, unknown> {
  let node = schema;
  for (const key of path) node = (node['properties'] as Record<string, Record<string, unknown>>)[key]!;
  return node;
}

describe('CSE 4.2 cluster type vmware:capvcdCluster:1.3.0', () => {
  const validate = compile(capvcdClusterType.schema);

  it('has the ids CAPVCD, CPI and go-vcloud-director use', () => {
    assert.equal(CAPVCD_CLUSTER_TYPE_ID, 'urn:vcloud:type:vmware:capvcdCluster:1.3.0');
    assert.equal(CAPVCD_CLUSTER_ENTITY_ID_PREFIX, 'urn:vcloud:entity:vmware:capvcdCluster:');
    assert.equal(
      GET_FULL_ENTITY_BEHAVIOUR_ID,
      'urn:vcloud:behavior-interface:getFullEntity:cse:capvcd:1.0.0',
    );
    assert.deepEqual(
      cseInterfaceBehaviours.map((behaviour) => behaviour.execution),
      [{ type: 'noop', id: 'getFullEntity' }],
    );
  });

  it('accepts what go-vcloud-director creates, and what CAPVCD and our worker add to it', () => {
    const entity = terraformEntity();
    assert.ok(validate(entity), JSON.stringify(validate.errors));
    entity['status'] = {
      vcdKe: { state: 'provisioned', vcdKeVersion: '4.2.3', eventSet: [], errorSet: [] },
      capvcd: {
        phase: 'Provisioned',
        clusterApiStatus: { phase: 'Provisioned', apiEndpoints: [{ host: '203.0.113.10', port: 6443 }] },
        nodePool: [{ name: 'node-pool-1', desiredReplicas: 2, availableReplicas: 2, diskSizeMb: 20480 }],
        private: { kubeConfig: 'apiVersion: v1\nkind: Config\n' },
        k8sNetwork: { pods: { cidrBlocks: ['100.96.0.0/11'] }, services: { cidrBlocks: ['100.64.0.0/13'] } },
      },
      cse: { conditions: [], resources: [] },
    };
    (entity['spec'] as Record<string, unknown>)['capiYaml'] = 'kind: Cluster\n';
    assert.ok(validate(entity), JSON.stringify(validate.errors));
  });

  it('refuses what CSE 4.2 refuses: no kind, another kind, a projector operation without its values', () => {
    const { kind: _kind, ...withoutKind } = terraformEntity();
    assert.equal(validate(withoutKind), false);
    assert.equal(validate({ ...terraformEntity(), kind: 'TKGCluster' }), false);
    const entity = terraformEntity();
    (entity['spec'] as Record<string, unknown>)['projector'] = {
      operations: [{ verb: 'apply', valueType: 'yamlString', sequence: 1 }],
    };
    assert.equal(validate(entity), false);
  });

  it('keeps secrets in the secure sections and status writable only with Full Control', () => {
    const schema = capvcdClusterType.schema;
    assert.deepEqual(schemaAt(schema, ['spec', 'vcdKe', 'secure'])['x-vcloud-restricted'], [
      'private',
      'secure',
    ]);
    assert.deepEqual(schemaAt(schema, ['status', 'capvcd', 'private'])['x-vcloud-restricted'], [
      'private',
      'secure',
    ]);
    assert.equal(schemaAt(schema, ['status'])['x-vcloud-restricted'], 'protected');
    assert.equal(schemaAt(schema, ['spec', 'projector'])['x-vcloud-restricted'], 'private');
  });
});

describe('CSE 4.2 settings type vmware:VCDKEConfig:1.1.0', () => {
  const validate = compile(vcdKeConfigType.schema);

  it('accepts the settings entity as CSE 4.2 installs write it', () => {
    assert.equal(VCDKE_CONFIG_TYPE_ID, 'urn:vcloud:type:vmware:VCDKEConfig:1.1.0');
    const settings = {
      profiles: [
        {
          name: 'production',
          active: true,
          serverConfig: {
            rdePollIntervalInMin: 1,
            heartbeatWatcherTimeoutInMin: 10,
            staleHeartbeatIntervalInMin: 30,
          },
          vcdKeInstances: [{ name: 'vcd-container-service-extension' }],
          K8Config: {
            certificateAuthorities: [],
            cni: { name: 'antrea', version: '' },
            cpi: { name: 'cpi for cloud director', version: '1.6.0' },
            csi: [{ name: 'csi for cloud director', version: '1.6.0' }],
            mhc: {
              maxUnhealthyNodes: 100,
              nodeStartupTimeout: '900',
              nodeNotReadyTimeout: '300',
              nodeUnknownTimeout: '200',
            },
            rdeProjectorVersion: '0.7.1',
          },
          vcdConfig: { sysLogger: { host: '', port: '' } },
          githubConfig: { githubPersonalAccessToken: '' },
          bootstrapClusterConfig: {
            capiEcosystem: {
              infraProvider: {
                name: 'capvcd',
                version: 'v1.3.0',
                capvcdRde: { nss: 'capvcdCluster', vendor: 'vmware', version: '1.3.0' },
              },
              coreCapiVersion: 'v1.4.0',
              bootstrapProvider: { name: 'CAPBK', version: 'v1.4.0' },
              controlPlaneProvider: { name: 'KCP', version: 'v1.4.0' },
              certManagerVersion: 'v1.11.1',
            },
            certificateAuthorities: [],
            clusterctl: { version: 'v1.4.0', clusterctlyaml: '' },
            dockerVersion: '',
            kindVersion: 'v0.19.0',
            kindestNodeVersion: 'v1.27.1',
            kubectlVersion: '',
            proxyConfig: { noProxy: '', httpProxy: '', httpsProxy: '' },
            sizingPolicy: 'TKG small',
          },
          containerRegistryUrl: 'projects.registry.vmware.com',
        },
      ],
    };
    assert.ok(validate(settings), JSON.stringify(validate.errors));
    const broken = structuredClone(settings);
    delete (broken.profiles[0]!.K8Config as Partial<(typeof settings.profiles)[0]['K8Config']>).cpi;
    assert.equal(validate(broken), false);
  });
});
