import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeStatuses, poolOfNode, vmIdOfProvider } from '../../backend/clusters/node-status.ts';
import type { ClusterNodeStatus } from '../../backend/clusters/spec.ts';
import type { NodeSummary } from '../../backend/kube/client.ts';
import { clusterRequest, createCluster, tenantStackHooks, waitForPhase } from './cluster-fixtures.ts';

const uuid = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

describe('the per-node status of a cluster', () => {
  it("names a node's pool after the longest MachineDeployment name it starts with", () => {
    const pools = ['web', 'web-large'];
    assert.equal(poolOfNode('demo-web-5d8f7c9a1b-x2k4p', 'demo', pools), 'web');
    assert.equal(poolOfNode('demo-web-large-77aa00bb11-q9w8e', 'demo', pools), 'web-large');
    assert.equal(poolOfNode('other-web-5d8f7c9a1b-x2k4p', 'demo', pools), null);
  });

  it("takes the VM id from CAPVCD's provider id, and nothing from any other", () => {
    assert.equal(vmIdOfProvider(`vmware-cloud-director://${uuid.toUpperCase()}`), `urn:vcloud:vm:${uuid}`);
    assert.equal(vmIdOfProvider(`aws:///eu-west-1a/i-0123`), null);
    assert.equal(vmIdOfProvider('vmware-cloud-director://not-a-uuid'), null);
    assert.equal(vmIdOfProvider(''), null);
  });

  it('lists the control plane first, then pool by pool, with what is not reported as null', () => {
    const node = (name: string, controlPlane: boolean, extra: Partial<NodeSummary> = {}): NodeSummary => ({
      name,
      ip: '10.0.0.1',
      ready: true,
      controlPlane,
      kubeletVersion: 'v1.28.11+vmware.2',
      providerId: `vmware-cloud-director://${uuid}`,
      ...extra,
    });
    const statuses = nodeStatuses(
      [
        node('demo-web-large-1-b', false, { kubeletVersion: '', providerId: '' }),
        node('stray', false),
        node('demo-web-1-a', false, { ready: false }),
        node('demo-control-plane-zz', true),
      ],
      'demo',
      ['web', 'web-large'],
    );
    assert.deepEqual(
      statuses.map((status) => [status.name, status.role, status.pool]),
      [
        ['demo-control-plane-zz', 'control-plane', 'control-plane'],
        ['demo-web-1-a', 'worker', 'web'],
        ['demo-web-large-1-b', 'worker', 'web-large'],
        ['stray', 'worker', null],
      ],
    );
    assert.equal(statuses[1]!.ready, false);
    assert.deepEqual([statuses[2]!.kubernetesVersion, statuses[2]!.vmId], [null, null]);
    assert.equal(statuses[0]!.vmId, `urn:vcloud:vm:${uuid}`);
  });
});

describe('GET /api/cse/v1/clusters/{id} reports each node of a Ready cluster', () => {
  const suite = tenantStackHooks();
  let id: string;

  it('has the nodes of every pool with role, pool, address, readiness, version and VM', async () => {
    const body = clusterRequest(suite.acme, 'nodes', {
      workerPools: [
        { name: 'web', count: 2, diskGiB: 20, sizingPolicy: 'TKG small' },
        { name: 'web-large', count: 1, diskGiB: 20, sizingPolicy: 'TKG small' },
      ],
    });
    const created = await createCluster(suite.acme, body);
    assert.equal(created.status, 202, created.text);
    id = created.body.id;
    const ready = await waitForPhase(suite.stack, id, ['Ready', 'Failed']);
    assert.equal(ready?.phase, 'Ready', JSON.stringify(ready?.status.events));

    const response = await suite.acme.user.get<{ status: { nodes?: ClusterNodeStatus[] } }>(
      `/api/cse/v1/clusters/${id}`,
      { accept: 'application/json' },
    );
    assert.equal(response.status, 200, response.text);
    const nodes = response.body.status.nodes ?? [];
    assert.deepEqual(
      nodes.map((node) => [node.role, node.pool]),
      [
        ['control-plane', 'control-plane'],
        ['worker', 'web'],
        ['worker', 'web'],
        ['worker', 'web-large'],
      ],
    );
    const state = (await suite.stack.admin.state()) as unknown as {
      slices: { vApps: { vms: Record<string, { name: string; vAppId: string }> } };
    };
    const vms = state.slices.vApps.vms;
    for (const node of nodes) {
      assert.equal(node.ready, true, node.name);
      assert.equal(node.kubernetesVersion, 'v1.28.11+vmware.2', node.name);
      assert.match(node.ip, /^\d+\.\d+\.\d+\.\d+$/, node.name);
      assert.ok(node.vmId && vms[node.vmId], `${node.name}: its VM ${node.vmId} exists in VCD`);
      assert.equal(vms[node.vmId]!.name, node.name, 'the VM is named after the node');
    }
    assert.equal(new Set(nodes.map((node) => node.ip)).size, nodes.length, 'one address per node');
  });

  it('describes status.nodes in the OpenAPI document', async () => {
    const response = await suite.acme.user.get<{ components: { schemas: Record<string, unknown> } }>(
      '/api/cse/v1/openapi.json',
      { accept: 'application/json' },
    );
    assert.equal(response.status, 200, response.text);
    const cluster = JSON.stringify(response.body.components.schemas['Cluster']);
    assert.match(cluster, /"nodes":\{"type":"array"/);
    assert.match(cluster, /"vmId"/);
  });
});
