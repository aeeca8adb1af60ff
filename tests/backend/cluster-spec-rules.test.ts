import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkClusterSpec,
  checkClusterSpecInContext,
  clusterSpecDefaults,
  isOpenSshPublicKey,
  parseIpv4Cidr,
  validateClusterSpecRules,
  type ClusterSpec,
  type ClusterSpecContext,
  type FieldError,
} from '../../behaviours/validation/cluster-spec-rules.ts';

const ED25519 =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICyXrIM04FJD4S0jncIoHmwhvjH9/V7PPxQgqS1DL+D/ alice@example';
const ECDSA =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBO5olf+yfv+/AOYdN7wEf5cJra8lkCOq5j3w48T1/2TQe1qPqrxo8nxWwwpgrZGlDH6HhVbA4+eIX7OaeeexWEc= root@vm';

function spec(overrides: Partial<ClusterSpec> = {}): ClusterSpec {
  return {
    name: 'demo',
    orgVdc: 'tenant1-vdc',
    network: 'tenant1-net',
    template: 'ubuntu-2204-kube-v1.28.11+vmware.2-tkg.2-7820f47053de95b5aaf7e33a17511e47',
    controlPlane: { count: 1, sizingPolicy: 'TKG small', diskGiB: 20 },
    workerPools: [{ name: 'pool-a', count: 2, sizingPolicy: 'TKG medium', diskGiB: 40 }],
    ...overrides,
  };
}

const context: ClusterSpecContext = {
  existingClusterNames: ['taken'],
  orgVdcs: ['tenant1-vdc'],
  templates: [
    { name: 'ubuntu-2204-kube-v1.28.11+vmware.2-tkg.2-7820f47053de95b5aaf7e33a17511e47' },
    { name: 'ubuntu-2004-kube-v1.25.7+vmware.2-tkg.1', expiresAt: '2026-01-01T00:00:00Z' },
    { name: 'ubuntu-2204-kube-v1.28.99', unusableReason: 'its product section has no VERSION property' },
  ],
  sizingPolicies: ['TKG small', 'TKG medium'],
  placementPolicies: ['gpu-hosts'],
  storageProfiles: ['gold', 'silver'],
  networks: [
    { name: 'tenant1-net', cidr: '10.10.0.1/24', albEnabled: true },
    { name: 'plain-net', cidr: '10.20.0.1/24', albEnabled: false },
    { name: 'docker-net', cidr: '172.17.5.1/24', albEnabled: true },
  ],
  now: '2026-06-01T00:00:00Z',
};

/** The only error, asserting its field and rule. */
function only(errors: FieldError[], field: string, rule: FieldError['rule']): string {
  assert.equal(errors.length, 1, JSON.stringify(errors, null, 2));
  assert.equal(errors[0]!.field, field);
  assert.equal(errors[0]!.rule, rule);
  return errors[0]!.message;
}

describe('a valid specification', () => {
  it('passes every rule, with and without context', () => {
    assert.deepEqual(validateClusterSpecRules(spec({ sshKey: ED25519 })), []);
    assert.deepEqual(validateClusterSpecRules(spec({ sshKey: ECDSA }), context), []);
  });

  it('uses the TKG defaults for the pod and service ranges', () => {
    assert.equal(clusterSpecDefaults.podCidr, '100.96.0.0/11');
    assert.equal(clusterSpecDefaults.serviceCidr, '100.64.0.0/13');
  });
});

describe('cluster name', () => {
  it('must be a DNS-1123 label', () => {
    const message = only(checkClusterSpec(spec({ name: 'My_Cluster' })), 'name', 'dns-label');
    assert.equal(
      message,
      `Cluster name must use only lowercase letters, digits and '-', start with a letter and end with a letter or digit; "My_Cluster" does not.`,
    );
    only(checkClusterSpec(spec({ name: 'ends-with-' })), 'name', 'dns-label');
    only(checkClusterSpec(spec({ name: '9lives' })), 'name', 'dns-label');
  });

  it('must be at most 31 characters', () => {
    const name = 'a'.repeat(32);
    const message = only(checkClusterSpec(spec({ name })), 'name', 'max-length');
    assert.equal(message, `Cluster name must be at most 31 characters; "${name}" has 32.`);
    assert.deepEqual(checkClusterSpec(spec({ name: 'a'.repeat(31) })), []);
  });

  it('must not be used by another cluster of the organisation', () => {
    const message = only(checkClusterSpecInContext(spec({ name: 'taken' }), context), 'name', 'name-taken');
    assert.equal(
      message,
      'A cluster named "taken" already exists in your organisation; choose another name.',
    );
  });
});

describe('control plane', () => {
  it('has an odd number of nodes: 1, 3 or 5', () => {
    for (const count of [1, 3, 5])
      assert.deepEqual(checkClusterSpec(spec({ controlPlane: { count, diskGiB: 20 } })), []);
    for (const count of [0, 2, 4, 7]) {
      const message = only(
        checkClusterSpec(spec({ controlPlane: { count, diskGiB: 20 } })),
        'controlPlane.count',
        'odd-count',
      );
      assert.equal(
        message,
        `Control plane node count must be 1, 3 or 5 so that etcd keeps a majority; ${count} is not.`,
      );
    }
  });

  it('has a disk of at least 20 GiB', () => {
    const message = only(
      checkClusterSpec(spec({ controlPlane: { count: 1, diskGiB: 10 } })),
      'controlPlane.diskGiB',
      'disk-size',
    );
    assert.equal(
      message,
      'Control plane disk size must be a whole number of GiB from 20 to 2048; 10 is not.',
    );
  });
});

describe('worker pools', () => {
  it('need at least one pool', () => {
    const message = only(checkClusterSpec(spec({ workerPools: [] })), 'workerPools', 'worker-pools');
    assert.equal(message, 'A cluster needs from 1 to 10 worker pools.');
  });

  it('have unique names', () => {
    const pools = [
      { name: 'pool-a', count: 1, diskGiB: 20 },
      { name: 'pool-a', count: 1, diskGiB: 20 },
    ];
    const message = only(checkClusterSpec(spec({ workerPools: pools })), 'workerPools[1].name', 'unique');
    assert.equal(message, 'Worker pool names must be unique: "pool-a" is used twice.');
  });

  it('have DNS-1123 names', () => {
    const pools = [{ name: 'Pool A', count: 1, diskGiB: 20 }];
    const message = only(checkClusterSpec(spec({ workerPools: pools })), 'workerPools[0].name', 'dns-label');
    assert.match(message, /^Worker pool 1 name must use only lowercase letters/);
  });

  it('have node counts within bounds, naming the pool', () => {
    const pools = [
      { name: 'pool-a', count: 1, diskGiB: 20 },
      { name: 'big', count: 101, diskGiB: 20 },
    ];
    const message = only(
      checkClusterSpec(spec({ workerPools: pools })),
      'workerPools[1].count',
      'node-count',
    );
    assert.equal(message, 'Worker pool "big" node count must be a whole number from 0 to 100; 101 is not.');
  });

  it('have at least one worker node in total', () => {
    const pools = [{ name: 'pool-a', count: 0, diskGiB: 20 }];
    const message = only(checkClusterSpec(spec({ workerPools: pools })), 'workerPools', 'worker-nodes');
    assert.equal(message, 'The worker pools must have at least one node in total, or no workload can run.');
  });

  it('have disks of at least 20 GiB', () => {
    const pools = [{ name: 'small-disk', count: 1, diskGiB: 19 }];
    const message = only(
      checkClusterSpec(spec({ workerPools: pools })),
      'workerPools[0].diskGiB',
      'disk-size',
    );
    assert.equal(
      message,
      'Worker pool "small-disk" disk size must be a whole number of GiB from 20 to 2048; 19 is not.',
    );
  });
});

describe('pod and service CIDRs', () => {
  it('are valid IPv4 CIDRs', () => {
    const message = only(checkClusterSpec(spec({ podCidr: '100.96.0.0/33' })), 'podCidr', 'cidr');
    assert.equal(
      message,
      'Pod CIDR must be an IPv4 range in CIDR notation such as 100.96.0.0/11; "100.96.0.0/33" is not.',
    );
    only(checkClusterSpec(spec({ serviceCidr: '300.1.0.0/16' })), 'serviceCidr', 'cidr');
    only(checkClusterSpec(spec({ serviceCidr: 'fd00::/64' })), 'serviceCidr', 'cidr');
  });

  it('have no host bits set, and the message suggests the network address', () => {
    const message = only(checkClusterSpec(spec({ podCidr: '100.96.0.1/11' })), 'podCidr', 'cidr-aligned');
    assert.equal(message, 'Pod CIDR "100.96.0.1/11" has host bits set; did you mean "100.96.0.0/11"?');
  });

  it('have sizes Kubernetes accepts', () => {
    const message = only(checkClusterSpec(spec({ serviceCidr: '10.0.0.0/8' })), 'serviceCidr', 'cidr-size');
    assert.equal(message, 'Service CIDR must have a prefix length from /12 to /28; "10.0.0.0/8" does not.');
  });

  it('do not overlap each other', () => {
    const message = only(
      checkClusterSpec(spec({ podCidr: '100.64.0.0/10', serviceCidr: '100.64.0.0/13' })),
      'podCidr',
      'overlap',
    );
    assert.equal(
      message,
      'Pod CIDR "100.64.0.0/10" overlaps the service CIDR "100.64.0.0/13"; choose ranges that do not overlap.',
    );
  });

  it('do not overlap 172.17.0.0/16 or 172.18.0.0/16', () => {
    const message = only(checkClusterSpec(spec({ podCidr: '172.16.0.0/12' })), 'podCidr', 'reserved-range');
    assert.equal(
      message,
      'Pod CIDR "172.16.0.0/12" overlaps 172.17.0.0/16, which Docker and the bootstrap cluster use; choose another range.',
    );
    const service = only(
      checkClusterSpec(spec({ serviceCidr: '172.18.0.0/24' })),
      'serviceCidr',
      'reserved-range',
    );
    assert.match(service, /overlaps 172\.18\.0\.0\/16/);
  });

  it('do not overlap the node network', () => {
    const message = only(
      checkClusterSpecInContext(spec({ serviceCidr: '10.10.0.0/16' }), context),
      'serviceCidr',
      'overlap',
    );
    assert.equal(
      message,
      'Service CIDR "10.10.0.0/16" overlaps the node network "10.10.0.1/24"; choose ranges that do not overlap.',
    );
  });
});

describe('SSH key', () => {
  it('may be empty', () => {
    assert.deepEqual(checkClusterSpec(spec({ sshKey: '' })), []);
  });

  it('must be one OpenSSH public key line', () => {
    const expected =
      'SSH public key must be one OpenSSH public key line such as "ssh-ed25519 AAAA… user@host", or empty.';
    assert.equal(only(checkClusterSpec(spec({ sshKey: 'not a key' })), 'sshKey', 'ssh-key'), expected);
    for (const bad of [
      `${ED25519}\nssh-rsa AAAA second-line`,
      ED25519.replace('ssh-ed25519', 'ssh-rsa'),
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5',
      '-----BEGIN OPENSSH PRIVATE KEY-----',
    ]) {
      assert.equal(isOpenSshPublicKey(bad), false, bad);
    }
    assert.equal(isOpenSshPublicKey(ED25519), true);
    assert.equal(isOpenSshPublicKey(ECDSA), true);
  });
});

describe('context rules', () => {
  it('need a template published to the organisation', () => {
    const message = only(
      checkClusterSpecInContext(spec({ template: 'photon-3-kube-v1.20' }), context),
      'template',
      'template-published',
    );
    assert.equal(
      message,
      'Kubernetes template "photon-3-kube-v1.20" is not published to your organisation; choose a listed template or ask your provider to publish it.',
    );
  });

  it('need a template that has not expired', () => {
    const message = only(
      checkClusterSpecInContext(spec({ template: 'ubuntu-2004-kube-v1.25.7+vmware.2-tkg.1' }), context),
      'template',
      'template-expired',
    );
    assert.equal(
      message,
      'Kubernetes template "ubuntu-2004-kube-v1.25.7+vmware.2-tkg.1" expired on 2026-01-01T00:00:00Z; choose a newer template.',
    );
  });

  it('need a usable template, naming it and what is missing', () => {
    const message = only(
      checkClusterSpecInContext(spec({ template: 'ubuntu-2204-kube-v1.28.99' }), context),
      'template',
      'template-usable',
    );
    assert.equal(
      message,
      'Kubernetes template "ubuntu-2204-kube-v1.28.99" cannot be used: its product section has no VERSION property; choose a template the templates list shows as usable, or ask your provider to replace it.',
    );
  });

  it('need sizing policies available in the VDC', () => {
    const pools = [{ name: 'pool-a', count: 1, sizingPolicy: 'TKG huge', diskGiB: 20 }];
    const message = only(
      checkClusterSpecInContext(spec({ workerPools: pools }), context),
      'workerPools[0].sizingPolicy',
      'sizing-policy-available',
    );
    assert.equal(
      message,
      'Worker pool "pool-a" sizing policy "TKG huge" is not available in VDC "tenant1-vdc"; available: "TKG small", "TKG medium".',
    );
  });

  it('need placement policies and storage profiles available in the VDC', () => {
    const controlPlane = { count: 1, placementPolicy: 'fast-hosts', storageProfile: 'platinum', diskGiB: 20 };
    const errors = checkClusterSpecInContext(spec({ controlPlane }), context);
    assert.deepEqual(
      errors.map((error) => [error.field, error.rule]),
      [
        ['controlPlane.placementPolicy', 'placement-policy-available'],
        ['controlPlane.storageProfile', 'storage-profile-available'],
      ],
    );
    assert.equal(
      errors[1]!.message,
      'Control plane storage profile "platinum" is not available in VDC "tenant1-vdc"; available: "gold", "silver".',
    );
  });

  it('need an org VDC the user may use', () => {
    const message = only(
      checkClusterSpecInContext(spec({ orgVdc: 'other' }), context),
      'orgVdc',
      'vdc-available',
    );
    assert.equal(message, 'Organisation VDC "other" is not available to you; available: "tenant1-vdc".');
  });

  it('need a network of the VDC', () => {
    const message = only(
      checkClusterSpecInContext(spec({ network: 'nowhere' }), context),
      'network',
      'network-available',
    );
    assert.match(
      message,
      /^Network "nowhere" is not a network of VDC "tenant1-vdc"; available: "tenant1-net"/,
    );
  });

  it('need a network whose edge gateway has the ALB enabled', () => {
    const message = only(
      checkClusterSpecInContext(spec({ network: 'plain-net' }), context),
      'network',
      'alb-gateway',
    );
    assert.equal(
      message,
      'Network "plain-net" is not routed through an edge gateway with the NSX Advanced Load Balancer enabled; choose another network or ask your provider to enable load balancing on its gateway.',
    );
  });

  it('need a node network outside the Docker ranges', () => {
    const message = only(
      checkClusterSpecInContext(spec({ network: 'docker-net' }), context),
      'network',
      'reserved-range',
    );
    assert.match(message, /^Network "docker-net" "172\.17\.5\.1\/24" overlaps 172\.17\.0\.0\/16/);
  });

  it('run only for the parts of the context that are given', () => {
    assert.deepEqual(checkClusterSpecInContext(spec({ template: 'anything', network: 'anywhere' }), {}), []);
  });
});

describe('IPv4 ranges', () => {
  it('parse to their first and last address', () => {
    const cidr = parseIpv4Cidr('10.10.0.1/24');
    assert.deepEqual(cidr && [cidr.start, cidr.end, cidr.prefix], [0x0a0a0000, 0x0a0a00ff, 24]);
    assert.equal(parseIpv4Cidr('255.255.255.255/32')?.end, 0xffffffff);
    assert.equal(parseIpv4Cidr('01.2.3.4/8'), undefined);
  });
});
