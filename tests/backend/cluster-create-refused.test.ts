import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLUSTER_TYPE_ID } from '../../behaviours/index.ts';
import {
  clusterRequest,
  createCluster,
  infrastructure,
  startClusterStack,
  tenant,
  type ClusterStack,
  type Tenant,
} from './cluster-fixtures.ts';

/** Every refusal leaves VCD as it was: no entity, no IP, no load balancer object, no VM. */
describe('POST /api/cse/v1/clusters refuses bad requests before anything is created', () => {
  let stack: ClusterStack;
  let acme: Tenant;
  let world0: Record<string, unknown>;

  before(async () => {
    stack = await startClusterStack({ inProcessWorker: true });
    acme = await tenant(stack);
    world0 = infrastructure(await stack.admin.state());
  });
  after(() => stack.close());

  async function refused(overrides: Record<string, unknown>, field: string, rule: string, message: RegExp) {
    const response = await createCluster(acme, clusterRequest(acme, 'refused', overrides));
    assert.equal(response.status, 400, response.text);
    assert.equal(response.body.minorErrorCode, 'INVALID_CLUSTER');
    const error = response.body.errors?.find(
      (candidate) => candidate.field === field && candidate.rule === rule,
    );
    assert.ok(error, `expected ${field}/${rule} in ${response.text}`);
    assert.match(error.message, message);
    assert.match(response.body.message ?? '', message);
  }

  const rules: Array<[string, Record<string, unknown>, string, string, RegExp]> = [
    [
      'a name that is not a DNS-1123 label',
      { name: 'My_Cluster' },
      'name',
      'dns-label',
      /lowercase letters, digits and '-'/,
    ],
    ['a name over 31 characters', { name: 'a'.repeat(32) }, 'name', 'max-length', /at most 31 characters/],
    [
      'an even control-plane count',
      { controlPlane: { count: 2, diskGiB: 20 } },
      'controlPlane.count',
      'odd-count',
      /1, 3 or 5 so that etcd keeps a majority; 2 is not/,
    ],
    ['no worker pool', { workerPools: [] }, 'workerPools', 'worker-pools', /from 1 to 10 worker pools/],
    [
      'two pools with one name',
      {
        workerPools: [
          { name: 'a', count: 1, diskGiB: 20 },
          { name: 'a', count: 1, diskGiB: 20 },
        ],
      },
      'workerPools[1].name',
      'unique',
      /must be unique: "a" is used twice/,
    ],
    [
      'a disk under 20 GiB',
      { controlPlane: { count: 1, diskGiB: 10 } },
      'controlPlane.diskGiB',
      'disk-size',
      /from 20 to 2048; 10 is not/,
    ],
    ['an invalid pod CIDR', { podCidr: '100.96.0.0/33' }, 'podCidr', 'cidr', /IPv4 range in CIDR notation/],
    [
      'overlapping pod and service CIDRs',
      { podCidr: '100.64.0.0/10' },
      'podCidr',
      'overlap',
      /overlaps the service CIDR/,
    ],
    [
      'a pod CIDR on the Docker range',
      { podCidr: '172.17.0.0/16' },
      'podCidr',
      'reserved-range',
      /172\.17\.0\.0\/16, which Docker/,
    ],
    [
      'a service CIDR on the KinD range',
      { serviceCidr: '172.18.0.0/16' },
      'serviceCidr',
      'reserved-range',
      /172\.18\.0\.0\/16/,
    ],
    [
      'a pod CIDR overlapping the node network',
      { podCidr: '10.10.0.0/16' },
      'podCidr',
      'overlap',
      /overlaps the node network/,
    ],
    [
      'a template not published to the org',
      { template: 'ubuntu-2204-kube-v9.9.9' },
      'template',
      'template-published',
      /not published to your organisation/,
    ],
    [
      'a sizing policy not in the VDC',
      { controlPlane: { count: 1, diskGiB: 20, sizingPolicy: 'TKG huge' } },
      'controlPlane.sizingPolicy',
      'sizing-policy-available',
      /"TKG huge" is not available in VDC "acme-vdc"/,
    ],
    [
      'a network without an ALB gateway',
      { network: 'acme-plain-net' },
      'network',
      'alb-gateway',
      /NSX Advanced Load Balancer enabled/,
    ],
    ['a VDC of another org', { orgVdc: 'globex-vdc' }, 'orgVdc', 'vdc-available', /not available to you/],
  ];
  for (const [what, overrides, field, rule, message] of rules) {
    it(`refuses ${what}, naming the field and the rule`, () => refused(overrides, field, rule, message));
  }

  it('refuses a body without the API token', async () => {
    const { apiToken: _token, ...body } = clusterRequest(acme, 'refused');
    const response = await createCluster(acme, body);
    assert.equal(response.status, 400);
    assert.ok(response.body.errors?.some((error) => error.field === 'apiToken' && error.rule === 'required'));
  });

  it('refuses when the service engine group has no room for the virtual services', async () => {
    const assignments = await stack.vcd.get<{
      values: Array<{ id: string; gatewayRef: { name: string }; serviceEngineGroupRef: unknown }>;
    }>('/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments');
    const assignment = assignments.body.values.find((a) => a.gatewayRef.name === 'acme-edge-ipspace')!;
    await stack.vcd.put(`/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments/${assignment.id}`, {
      ...assignment,
      maxVirtualServices: 2,
    });
    try {
      await refused({}, 'network', 'service-engine-capacity', /no room for 3 more virtual services/);
    } finally {
      await stack.vcd.put(`/cloudapi/1.0.0/loadBalancer/serviceEngineGroups/assignments/${assignment.id}`, {
        ...assignment,
        maxVirtualServices: 10,
      });
    }
  });

  it('refuses when the IP quota cannot give the cluster its addresses', async () => {
    const spaces = await acme.user.get<{ values: Array<{ id: string; name: string }> }>(
      '/cloudapi/1.0.0/ipSpaces',
    );
    const space = spaces.body.values.find((candidate) => candidate.name === 'public-ip-space')!;
    const allocate = await acme.user.post(`/cloudapi/1.0.0/ipSpaces/${space.id}/allocate`, {
      type: 'FLOATING_IP',
      quantity: 10,
    });
    assert.equal(allocate.status, 202, allocate.text);
    for (let i = 0; i < 100; i++) {
      const task = await acme.user.get<{ status: string }>(allocate.headers.get('location')!);
      if (task.body.status !== 'running' && task.body.status !== 'queued') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await refused({}, 'network', 'ip-quota', /can give only 0 of the 2 IP addresses/);
    // Used by nothing else: give them back so the world matches the snapshot.
    const allocations = await acme.user.get<{ values: Array<{ id: string }> }>(
      `/cloudapi/1.0.0/ipSpaces/${space.id}/allocations`,
    );
    for (const allocation of allocations.body.values) {
      const removed = await acme.user.delete(
        `/cloudapi/1.0.0/ipSpaces/${space.id}/allocations/${allocation.id}`,
      );
      const location = removed.headers.get('location');
      for (let i = 0; location && i < 100; i++) {
        const task = await acme.user.get<{ status: string }>(location);
        if (task.body.status !== 'running' && task.body.status !== 'queued') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  });

  it('created nothing at all', async () => {
    assert.deepEqual(infrastructure(await stack.admin.state()), world0);
    const entities = await stack.vcd.get<{ resultTotal: number }>(
      `/cloudapi/1.0.0/entities/types/cseoss/k8scluster/1.0.0`,
    );
    assert.equal(entities.body.resultTotal, 0, CLUSTER_TYPE_ID);
  });
});
