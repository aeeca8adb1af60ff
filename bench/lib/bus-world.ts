/**
 * The world the bus benchmark reads from: CSE installed into the simulator (legacy AMQP extension), several hundred
 * cluster RDEs created by the provider in the tenant orgs through VCD's RDE API, and one request per seeded user as
 * the simulator itself forwards it to the extension (captured from the bus), to replay with fresh ids.
 */
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { CLUSTER_TYPE_ID } from '../../behaviours/index.ts';
import type { ClusterEntity } from '../../backend/clusters/spec.ts';
import { withClusterSpecDefaults } from '../../backend/clusters/spec.ts';
import { install } from '../../backend/provider/install.ts';
import { VcdClient } from '../../backend/vcd/client.ts';
import { listAll } from '../../backend/vcd/paging.ts';
import { createEntity } from '../../backend/vcd/rde.ts';
import { createApiToken, loginWithPassword } from '../../backend/vcd/tokens.ts';
import { seededPassword } from '../../sim/world/logins.ts';

/** VCD's request array as the simulator sent it: `[request, securityContext]`. */
export type ForwardedMessage = [
  { id: string; requestUri: string; headers: Record<string, string>; [field: string]: unknown },
  { user: string; org: string; rights: string[] },
];

export interface Caller {
  login: string;
  /** The org the caller acts in (`urn:vcloud:org:…`); `undefined` for the provider, who reads every org. */
  readsOrg?: string;
  template: ForwardedMessage;
}

export interface SeededCluster {
  id: string;
  orgId: string;
}

export interface BusWorld {
  /** The worker's service-account API token (from `cse install`). */
  apiToken: string;
  apiVersion: string;
  clusters: SeededCluster[];
  callers: Caller[];
  /** Names to delete at the end. */
  exchanges: string[];
}

const apiVersion = '37.2';
const callerLogins = [
  { user: 'acme-author', org: 'acme' },
  { user: 'acme-viewer', org: 'acme' },
  { user: 'globex-author', org: 'globex' },
  { user: 'globex-viewer', org: 'globex' },
  { user: 'administrator', org: 'System' },
];

async function inBatches<T, R>(
  items: T[],
  size: number,
  run: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: size }, lane));
  return results;
}

function clusterEntity(name: string, org: string, ready: boolean): ClusterEntity {
  return {
    spec: withClusterSpecDefaults({
      name,
      orgVdc: `${org}-vdc`,
      network: `${org}-k8s-net`,
      template: 'ubuntu-2204-kube-v1.28.11',
      controlPlane: { count: 3, diskGiB: 40 },
      workerPools: [
        { name: 'workers', count: 3, diskGiB: 40 },
        { name: 'gpu', count: 1, diskGiB: 80 },
      ],
    }),
    // Settled phases only: the worker's reconciler leaves Ready and Failed clusters alone.
    status: {
      phase: ready ? 'Ready' : 'Failed',
      message: ready ? undefined : 'control plane did not come up within 20 minutes',
      versions: { kubernetes: 'v1.28.11+vmware.2', tkg: 'v2.5.2' },
      endpoints: ready ? { controlPlane: { host: '203.0.113.20', port: 6443 } } : {},
      nodePools: [
        { name: 'control-plane', desired: 3, ready: ready ? 3 : 0 },
        { name: 'workers', desired: 3, ready: ready ? 3 : 0 },
        { name: 'gpu', desired: 1, ready: ready ? 1 : 0 },
      ],
    },
    private: { kubeconfig: `kubeconfig-of-${name}` },
  } as ClusterEntity;
}

/** Sends one request per caller through the simulator and keeps the message it put on the bus. */
async function captureForwardedRequests(
  simUrl: string,
  amqpUrl: string,
  route: { exchange: string; routingKey: string },
  bearers: string[],
  clusterId: string,
): Promise<ForwardedMessage[]> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    await channel.assertExchange(route.exchange, 'direct', { durable: true, autoDelete: false });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, route.exchange, route.routingKey);
    const captured = new Map<string, ForwardedMessage>();
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        const forwarded = JSON.parse(message.content.toString('utf8')) as ForwardedMessage;
        captured.set(forwarded[0].headers['Authorization'] ?? '', forwarded);
        const headers = message.properties.headers as Record<string, unknown>;
        const reply = { id: forwarded[0].id, headers: {}, statusCode: 200, body: '', request: false };
        channel.publish(
          String(headers['replyToExchange']),
          String(message.properties.replyTo),
          Buffer.from(JSON.stringify(reply)),
          {
            correlationId: message.properties.correlationId,
          },
        );
      },
      { noAck: true },
    );
    for (const bearer of bearers) {
      const response = await fetch(`${simUrl}/api/cse/v1/clusters/${clusterId}`, {
        headers: { accept: 'application/json', authorization: `Bearer ${bearer}` },
      });
      await response.arrayBuffer();
      if (response.status !== 200)
        throw new Error(`capturing a forwarded request: the simulator answered ${response.status}`);
    }
    return bearers.map((bearer) => {
      const message = captured.get(`Bearer ${bearer}`);
      if (!message) throw new Error('the simulator forwarded no request for one of the callers');
      return message;
    });
  } finally {
    await connection.close();
  }
}

export async function setUpBusWorld(options: {
  simUrl: string;
  amqpUrl: string;
  clusters: number;
  namePrefix: string;
  progress: (line: string) => void;
}): Promise<BusWorld> {
  const { simUrl } = options;
  // Sessions and access tokens live as long as on a real VCD, whatever the simulator's speed.
  const latency = (await (await fetch(`${simUrl}/sim/latency`)).json()) as { speed: number };
  await fetch(`${simUrl}/sim/latency`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      durations: {
        sessionIdleTimeout: 30 * 60_000 * latency.speed,
        accessTokenLifetime: 60 * 60_000 * latency.speed,
      },
    }),
  });

  const session = await loginWithPassword(simUrl, 'administrator', 'System', seededPassword, apiVersion);
  const { refreshToken } = await createApiToken(simUrl, 'System', session, `${options.namePrefix}-installer`);
  const provider = new VcdClient({ url: simUrl, org: 'System', apiToken: refreshToken, retryBaseMs: 20 });
  const route = { exchange: `${options.namePrefix}-vcd-ext`, routingKey: `${options.namePrefix}-vcd-rk` };
  const { settings } = await install({ vcd: provider, transport: 'amqp', identity: route });
  if (!settings.vcd.apiToken) throw new Error('cse install gave the worker no API token');
  options.progress('installed CSE into the simulator (AMQP extension)');

  const orgs = (await listAll<{ id: string; name: string }>(provider, '/cloudapi/1.0.0/orgs')).filter((org) =>
    ['acme', 'globex'].includes(org.name),
  );
  const plan = Array.from({ length: options.clusters }, (_, index) => ({
    org: orgs[index % orgs.length]!,
    index,
  }));
  const clusters = await inBatches(plan, 16, async ({ org, index }) => {
    const name = `bench-${String(index).padStart(4, '0')}`;
    const id = await createEntity(
      provider.withTenant(org.id),
      CLUSTER_TYPE_ID,
      { name, entity: clusterEntity(name, org.name, index % 10 !== 9) },
      { initialPollMs: 5, maxPollMs: 50 },
    );
    return { id, orgId: org.id };
  });
  options.progress(
    `created ${clusters.length} cluster RDEs as the provider in ${orgs.map((o) => o.name).join(', ')}`,
  );

  const bearers = await Promise.all(
    callerLogins.map((login) => loginWithPassword(simUrl, login.user, login.org, seededPassword, apiVersion)),
  );
  const someCluster = clusters[0]!;
  // Each caller asks for a cluster it can see; the provider sees every org.
  const templates: ForwardedMessage[] = [];
  for (const [index, login] of callerLogins.entries()) {
    const org = orgs.find((candidate) => candidate.name === login.org);
    const visible = org ? clusters.find((cluster) => cluster.orgId === org.id)! : someCluster;
    templates.push(
      ...(await captureForwardedRequests(simUrl, options.amqpUrl, route, [bearers[index]!], visible.id)),
    );
  }
  const callers = callerLogins.map((login, index) => ({
    login: `${login.user}@${login.org}`,
    readsOrg: login.org === 'System' ? undefined : templates[index]![1].org,
    template: templates[index]!,
  }));
  options.progress(`captured the forwarded request of ${callers.length} callers from the simulator's bus`);

  return {
    apiToken: settings.vcd.apiToken,
    apiVersion: await new VcdClient({ url: simUrl }).apiVersion(),
    clusters,
    callers,
    exchanges: [route.exchange],
  };
}

/** A fresh copy of a caller's forwarded request asking for one cluster. */
export function forwardedRequestFor(caller: Caller, clusterId: string): { id: string; content: Buffer } {
  const [request, context] = caller.template;
  const id = randomUUID();
  const copy = [{ ...request, id, requestUri: `/api/cse/v1/clusters/${clusterId}` }, context];
  return { id, content: Buffer.from(JSON.stringify(copy)) };
}
