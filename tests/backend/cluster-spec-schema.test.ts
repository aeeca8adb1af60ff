import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CLUSTER_INTERFACE_ID,
  CLUSTER_TYPE_ID,
  clusterBehaviourAccess,
  clusterBehaviourId,
  clusterBehaviours,
  clusterBehavioursFor,
  clusterEntityType,
  clusterInterface,
} from '../../behaviours/index.ts';
import {
  EVENT_LOG_LIMIT,
  validateClusterEntity,
  validateClusterSpec,
  validateCreateRequest,
  type ClusterCreateRequest,
  type FieldError,
} from '../../backend/clusters/spec.ts';

function request(overrides: Record<string, unknown> = {}): ClusterCreateRequest & Record<string, unknown> {
  return {
    name: 'demo',
    orgVdc: 'tenant1-vdc',
    network: 'tenant1-net',
    template: 'ubuntu-2204-kube-v1.28.11+vmware.2-tkg.2-7820f47053de95b5aaf7e33a17511e47',
    controlPlane: { count: 3, sizingPolicy: 'TKG small', diskGiB: 20 },
    workerPools: [{ name: 'pool-a', count: 2, diskGiB: 40 }],
    apiToken: 'refresh-token-of-the-owner',
    ...overrides,
  };
}

function failures(
  result: { ok: true } | { ok: false; errors: FieldError[] },
): Array<[string, string, string]> {
  assert.equal(result.ok, false, 'expected the request to be refused');
  return result.ok ? [] : result.errors.map((error) => [error.field, error.rule, error.message]);
}

describe('POST /api/cse/v1/clusters body', () => {
  it('is accepted and completed with the defaults', () => {
    const result = validateCreateRequest(request({ apiTokenId: 'urn:vcloud:token:1234' }));
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.spec.ingress, { contour: { enabled: true } });
    assert.deepEqual(result.spec.nodeHealthCheck, { enabled: false });
    assert.equal(result.spec.podCidr, '100.96.0.0/11');
    assert.equal(result.spec.serviceCidr, '100.64.0.0/13');
    assert.equal(result.spec.sshKey, '');
    assert.deepEqual(result.secrets, {
      apiToken: 'refresh-token-of-the-owner',
      apiTokenId: 'urn:vcloud:token:1234',
    });
    assert.equal('apiToken' in result.spec, false, 'the token never lands in the spec');
  });

  it('refuses unknown fields, naming them', () => {
    assert.deepEqual(failures(validateCreateRequest(request({ autoRepairOnErrors: true }))), [
      [
        'autoRepairOnErrors',
        'unknown-field',
        '"autoRepairOnErrors" is not a cluster setting; remove it or check its spelling.',
      ],
    ]);
    const pools = [{ name: 'pool-a', count: 1, diskGiB: 20, gpu: true }];
    assert.deepEqual(
      failures(validateCreateRequest(request({ workerPools: pools }))).map(([field, rule]) => [field, rule]),
      [['workerPools[0].gpu', 'unknown-field']],
    );
  });

  it('refuses wrong types in plain words', () => {
    const result = validateCreateRequest(
      request({ controlPlane: { count: '3', diskGiB: 20 }, ingress: { contour: { enabled: 'yes' } } }),
    );
    assert.deepEqual(failures(result), [
      ['controlPlane.count', 'type', 'Control plane node count must be a whole number.'],
      ['ingress.contour.enabled', 'type', 'Ingress Contour enabled must be true or false.'],
    ]);
  });

  it('refuses missing required fields, including the API token', () => {
    const body: Record<string, unknown> = request();
    delete body['template'];
    delete body['apiToken'];
    assert.deepEqual(failures(validateCreateRequest(body)), [
      ['template', 'required', 'Kubernetes template is required.'],
      ['apiToken', 'required', 'API token is required.'],
    ]);
    assert.deepEqual(failures(validateCreateRequest(request({ orgVdc: '' }))), [
      ['orgVdc', 'required', 'Organisation VDC is required.'],
    ]);
  });

  it('refuses a body that is not an object', () => {
    for (const body of [null, 'demo', [request()]]) {
      assert.deepEqual(failures(validateCreateRequest(body)), [
        ['', 'type', 'The request body must be a JSON object.'],
      ]);
    }
  });

  it('reports value rules from the shared catalogue once, not the schema keyword', () => {
    const result = validateCreateRequest(
      request({ name: 'a'.repeat(40), controlPlane: { count: 4, diskGiB: 20 } }),
    );
    assert.deepEqual(
      failures(result).map(([field, rule]) => [field, rule]),
      [
        ['name', 'max-length'],
        ['controlPlane.count', 'odd-count'],
      ],
    );
  });

  it('words schema value errors with the catalogue when the structure is also wrong', () => {
    const result = validateCreateRequest(
      request({ name: 'Bad Name', podCidr: 'everything', controlPlane: { count: 2, diskGiB: '20' } }),
    );
    assert.deepEqual(failures(result), [
      [
        'name',
        'dns-label',
        `Cluster name must use only lowercase letters, digits and '-', start with a letter and end with a letter or digit; "Bad Name" does not.`,
      ],
      ['controlPlane.diskGiB', 'type', 'Control plane disk size must be a whole number.'],
      [
        'podCidr',
        'cidr',
        'Pod CIDR must be an IPv4 range in CIDR notation such as 100.96.0.0/11; "everything" is not.',
      ],
    ]);
  });

  it('applies the context rules', () => {
    const result = validateCreateRequest(request(), { templates: [], sizingPolicies: ['TKG small'] });
    assert.deepEqual(
      failures(result).map(([field, rule]) => [field, rule]),
      [['template', 'template-published']],
    );
  });
});

describe('a specification read back or updated', () => {
  it('is validated without the secrets', () => {
    const body: Record<string, unknown> = request();
    delete body['apiToken'];
    assert.equal(validateClusterSpec(body).ok, true);
    assert.deepEqual(
      failures(validateClusterSpec(request())).map(([field, rule]) => [field, rule]),
      [['apiToken', 'unknown-field']],
    );
  });
});

describe('the cluster entity type', () => {
  it('is one VCD accepts: vendor, nss, semver version and our interface', () => {
    assert.equal(CLUSTER_INTERFACE_ID, 'urn:vcloud:interface:cseoss:k8scluster:1.0.0');
    assert.equal(CLUSTER_TYPE_ID, 'urn:vcloud:type:cseoss:k8scluster:1.0.0');
    assert.deepEqual(clusterEntityType.interfaces, [CLUSTER_INTERFACE_ID]);
    assert.match(clusterEntityType.version, /^\d+\.\d+\.\d+$/);
    assert.equal(clusterInterface.readonly, false);
  });

  it('keeps status protected and secrets private and secure', () => {
    const properties = clusterEntityType.schema['properties'] as Record<string, Record<string, unknown>>;
    assert.equal(properties['status']!['x-vcloud-restricted'], 'protected');
    assert.deepEqual(properties['private']!['x-vcloud-restricted'], ['private', 'secure']);
    const secrets = Object.keys(properties['private']!['properties'] as object).sort();
    assert.deepEqual(secrets, ['apiToken', 'apiTokenId', 'bootstrapSecret', 'kubeconfig']);
  });

  it('validates a whole entity, with a bounded event log', () => {
    const spec = validateCreateRequest(request());
    assert.ok(spec.ok);
    const event = {
      time: '2026-06-01T00:00:00Z',
      type: 'Normal',
      reason: 'Created',
      message: 'Cluster accepted.',
    };
    const entity = {
      spec: spec.spec,
      status: {
        phase: 'Provisioning',
        operation: {
          name: 'create',
          step: 'reserve-control-plane-vip',
          lease: { holder: 'worker-1', expiresAt: '2026-06-01T00:01:00Z' },
        },
        endpoints: { controlPlane: { host: '203.0.113.10', port: 6443 } },
        resources: [
          {
            type: 'virtualService',
            id: 'demo-urn-tcp',
            name: 'demo-urn-tcp',
            purpose: 'control-plane-endpoint',
          },
        ],
        nodePools: [{ name: 'control-plane', desired: 3, ready: 0 }],
        versions: { kubernetes: 'v1.28.11+vmware.2', tkg: 'v2.5.2' },
        events: [event],
      },
      private: { apiToken: 'secret', bootstrapSecret: 'one-time' },
    };
    assert.deepEqual(validateClusterEntity(entity), []);
    const tooMany = {
      ...entity,
      status: { ...entity.status, events: Array.from({ length: EVENT_LOG_LIMIT + 1 }, () => event) },
    };
    assert.deepEqual(
      validateClusterEntity(tooMany).map((error) => error.field),
      ['status.events'],
    );
    assert.deepEqual(
      validateClusterEntity({ ...entity, status: { phase: 'Exploded' } }).map((error) => [
        error.field,
        error.rule,
      ]),
      [['status.phase', 'enum']],
    );
  });

  it('hooks create, update and delete to behaviours of our interface', () => {
    assert.deepEqual(clusterEntityType.hooks, {
      PostCreate: clusterBehaviourId('reconcileAfterCreate'),
      PostUpdate: clusterBehaviourId('reconcileAfterUpdate'),
      PreDelete: clusterBehaviourId('reconcileBeforeDelete'),
    });
    const names = clusterBehaviours.map((behaviour) => behaviour.name).sort();
    assert.deepEqual(names, [
      'getKubeconfig',
      'reconcileAfterCreate',
      'reconcileAfterUpdate',
      'reconcileBeforeDelete',
    ]);
  });

  it('runs every behaviour over MQTT on the CSE extension, and grants each one to full control', () => {
    for (const behaviour of clusterBehaviours) {
      assert.equal(behaviour.execution.type, 'MQTT');
      assert.match(
        behaviour.execution.execution_properties.serviceId,
        /^urn:vcloud:extension-api:[^:]+:[^:]+:[^:]+$/,
      );
    }
    assert.deepEqual(
      clusterBehaviourAccess.map((access) => access.behaviorId).sort(),
      clusterBehaviours.map((behaviour) => clusterBehaviourId(behaviour.name as 'getKubeconfig')).sort(),
    );
    for (const access of clusterBehaviourAccess)
      assert.equal(access.accessLevelId, 'urn:vcloud:accessLevel:FullControl');
    const moved = clusterBehavioursFor('urn:vcloud:extension-api:acme:cse:2.0.0');
    assert.ok(
      moved.every(
        (b) => b.execution.execution_properties.serviceId === 'urn:vcloud:extension-api:acme:cse:2.0.0',
      ),
    );
    assert.equal(
      clusterBehaviours[0]!.execution.execution_properties.serviceId,
      'urn:vcloud:extension-api:vmware:cse:1.0.0',
    );
  });
});
