/**
 * The worker's infrastructure calls (`backend/vcd/{networks,gateways,alb,ipSpaces}.ts`) against
 * the simulator, with the filters and paths real VCD documents: a call the simulator refuses is a
 * call a real VCD would not understand either.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  createPool,
  createVirtualService,
  deletePool,
  deleteVirtualService,
  findPool,
  findVirtualService,
  getPool,
  segAssignments,
  segWithCapacity,
  updatePool,
} from '../../backend/vcd/alb.ts';
import { VcdClient as WorkerClient, type VcdRequestOptions } from '../../backend/vcd/client.ts';
import { VcdTaskError } from '../../backend/vcd/errors.ts';
import { albSettings, freeUplinkIps, getEdgeGateway, usesIpSpaces } from '../../backend/vcd/gateways.ts';
import {
  allocationFromTask,
  floatingIpSuggestions,
  listAllocations,
  releaseAllocation,
  startFloatingIpAllocation,
  updateAllocation,
} from '../../backend/vcd/ipSpaces.ts';
import { vdcNetworks } from '../../backend/vcd/networks.ts';
import { waitForTask } from '../../backend/vcd/tasks.ts';
import type { RunningSimulator } from '../../sim/server.ts';
import { startTestSimulator, VcdClient } from '../helpers/vcd.ts';

/** Request fields by object, as go-vcloud-director states them (types/v56/nsxt_types.go, ip_space.go). */
const sourceFields = {
  pool: [
    'id',
    'name',
    'description',
    'gatewayRef',
    'enabled',
    'algorithm',
    'defaultPort',
    'gracefulTimeoutPeriod',
    'passiveMonitoringEnabled',
    'healthMonitors',
    'members',
    'memberGroupRef',
    'caCertificateRefs',
    'commonNameCheckEnabled',
    'domainNames',
    'persistenceProfile',
    'memberCount',
    'enabledMemberCount',
    'upMemberCount',
    'healthMessage',
    'virtualServiceRefs',
    'sslEnabled',
  ],
  virtualService: [
    'id',
    'name',
    'description',
    'enabled',
    'applicationProfile',
    'gatewayRef',
    'loadBalancerPoolRef',
    'serviceEngineGroupRef',
    'certificateRef',
    'servicePorts',
    'virtualIpAddress',
    'ipv6VirtualIpAddress',
    'transparentModeEnabled',
    'healthStatus',
    'healthMessage',
    'detailedHealthMessage',
  ],
  allocationRequest: ['prefixLength', 'quantity', 'type', 'value'],
  allocation: [
    'id',
    'description',
    'orgRef',
    'type',
    'usageCategories',
    'usageState',
    'value',
    'usedByRef',
    'allocationDate',
  ],
};

const outside = (body: unknown, known: string[]) =>
  Object.keys(body as object).filter((key) => !known.includes(key));

describe('worker infrastructure calls against the simulator', () => {
  let sim: RunningSimulator;
  let author: VcdClient;
  let worker: WorkerClient;
  /** What the worker sent with POST and PUT. */
  const sent: Array<{ method: string; path: string; body: unknown }> = [];

  before(async () => {
    sim = await startTestSimulator();
    author = await VcdClient.login(sim.url, 'acme-author', 'acme');
    worker = new WorkerClient({ url: sim.url, accessToken: author.token, retryBaseMs: 10 });
    const request = worker.request.bind(worker);
    worker.request = <T>(options: VcdRequestOptions) => {
      if (options.method === 'POST' || options.method === 'PUT')
        sent.push({ method: options.method, path: options.path, body: options.body });
      return request<T>(options);
    };
  });
  after(() => sim.close());

  const gatewayNamed = async (name: string) => {
    const gateways = await author.getAll<{ id: string; name: string }>('/cloudapi/1.0.0/edgeGateways');
    return getEdgeGateway(worker, gateways.find((gateway) => gateway.name === name)!.id);
  };

  it("lists a VDC's networks with the ownerRef.id filter", async () => {
    const vdcs = await author.getAll<{ id: string; name: string }>('/cloudapi/1.0.0/vdcs');
    const vdc = vdcs.find((candidate) => candidate.name === 'acme-vdc')!;
    const networks = await vdcNetworks(worker, vdc.id);
    assert.deepEqual(networks.map((network) => network.name).sort(), [
      'acme-k8s-net',
      'acme-k8s-net-uplink',
      'acme-plain-net',
    ]);
    assert.ok(networks.every((network) => network.orgVdc?.id === vdc.id));
  });

  it('stops waiting for a task that ends canceled, and waits through postRunning', async () => {
    // The simulator never cancels a task this way, so a one-route server plays VCD's task here.
    const statuses = ['running', 'postRunning', 'canceled'];
    let polls = 0;
    const server = createServer((_req, res) => {
      const status = statuses[Math.min(polls++, statuses.length - 1)];
      res.setHeader('content-type', 'application/vnd.vmware.vcloud.task+json');
      res.end(JSON.stringify({ id: 'urn:vcloud:task:1', status, operationName: 'vappDeploy' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = new WorkerClient({ url, accessToken: 'bearer', apiVersion: '37.2', retries: 0 });
      const error = await waitForTask(client, `${url}/api/task/1`, {
        initialPollMs: 1,
        timeoutMs: 60_000,
      }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof VcdTaskError, String(error));
      assert.equal(error.taskStatus, 'canceled');
      assert.equal(error.minorErrorCode, 'TASK_CANCELED');
      assert.equal(polls, 3);
    } finally {
      server.close();
    }
  });

  it('reads a legacy gateway, finds free uplink IPs, and runs a pool and a virtual service through their tasks', async () => {
    const gateway = await gatewayNamed('acme-edge-uplink');
    assert.equal(usesIpSpaces(gateway), false);
    assert.equal((await albSettings(worker, gateway.id)).enabled, true);
    const free = await freeUplinkIps(worker, gateway);
    const primary = gateway.edgeGatewayUplinks[0]!.subnets.values[0]!.primaryIp;
    assert.ok(free.length > 0 && !free.includes(primary!), 'the primary IP is never offered');
    const seg = segWithCapacity(await segAssignments(worker, gateway.id));
    assert.ok(seg, 'a service engine group with room');

    const gatewayRef = { id: gateway.id, name: gateway.name };
    const poolId = await createPool(worker, {
      name: 'audit-pool',
      gatewayRef,
      enabled: true,
      algorithm: 'ROUND_ROBIN',
      defaultPort: 6443,
      gracefulTimeoutPeriod: 0,
      healthMonitors: [{ type: 'TCP' }],
      members: [],
    });
    assert.equal((await findPool(worker, gateway.id, 'audit-pool'))?.id, poolId);
    const pool = await getPool(worker, poolId);
    assert.ok(pool);
    // The worker sends a pool back as it read it, with new members.
    await updatePool(worker, {
      ...pool,
      members: [{ ipAddress: '10.10.2.10', port: 6443, enabled: true, ratio: 1 }],
    });
    assert.deepEqual(
      (await getPool(worker, poolId))?.members?.map((member) => member.ipAddress),
      ['10.10.2.10'],
    );
    const serviceId = await createVirtualService(worker, {
      name: 'audit-vs',
      enabled: true,
      applicationProfile: { type: 'L4', systemDefined: true },
      gatewayRef,
      loadBalancerPoolRef: { id: poolId },
      serviceEngineGroupRef: seg.serviceEngineGroupRef,
      servicePorts: [{ portStart: 6443, tcpUdpProfile: { type: 'TCP_PROXY', systemDefined: true } }],
      virtualIpAddress: free[0]!,
    });
    assert.equal((await findVirtualService(worker, gateway.id, 'audit-vs'))?.id, serviceId);
    assert.ok(!(await freeUplinkIps(worker, gateway)).includes(free[0]!), 'the VIP is in use now');
    await deleteVirtualService(worker, serviceId);
    await deletePool(worker, poolId);
    await deletePool(worker, poolId); // absent is fine
    assert.equal(await findPool(worker, gateway.id, 'audit-pool'), undefined);

    for (const call of sent.filter((candidate) => candidate.path.includes('/loadBalancer/pools')))
      assert.deepEqual(outside(call.body, sourceFields.pool), [], `${call.method} ${call.path}`);
    for (const call of sent.filter((candidate) => candidate.path.includes('/loadBalancer/virtualServices')))
      assert.deepEqual(outside(call.body, sourceFields.virtualService), [], `${call.method} ${call.path}`);
  });

  it('allocates, tags and releases a floating IP through the IP space task', async () => {
    const gateway = await gatewayNamed('acme-edge-ipspace');
    assert.equal(usesIpSpaces(gateway), true);
    const [space] = await floatingIpSuggestions(worker, gateway.id);
    assert.ok(space, 'the gateway reaches an IP space');
    const location = await startFloatingIpAllocation(worker, space.ipSpaceRef.id);
    const allocation = await allocationFromTask(worker, space.ipSpaceRef.id, location);
    assert.match(allocation.value, /^203\.0\.113\./);
    await updateAllocation(worker, space.ipSpaceRef.id, allocation, {
      usageState: 'USED_MANUAL',
      description: 'audit-claim',
    });
    const tagged = (await listAllocations(worker, space.ipSpaceRef.id)).find(
      (entry) => entry.id === allocation.id,
    );
    assert.equal(tagged?.description, 'audit-claim');
    assert.equal(tagged?.usageState, 'USED_MANUAL');
    await releaseAllocation(worker, space.ipSpaceRef.id, allocation.id);
    assert.ok(
      !(await listAllocations(worker, space.ipSpaceRef.id)).some((entry) => entry.id === allocation.id),
    );

    const allocate = sent.find((call) => call.path.endsWith('/allocate'));
    assert.deepEqual(outside(allocate?.body, sourceFields.allocationRequest), []);
    const update = sent.find((call) => call.method === 'PUT' && call.path.includes('/allocations/'));
    assert.deepEqual(outside(update?.body, sourceFields.allocation), []);
  });
});
