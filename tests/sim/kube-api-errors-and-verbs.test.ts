/**
 * The emulated cluster API over raw HTTPS: Kubernetes `Status` bodies for 401/404/409/422/400,
 * patch types, dry runs, selectors and paging, cascading deletes, watches, tables, node changes.
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { startKubeApiServer, type KubeApiServer } from '../../sim/infra/kube/api-server.ts';

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

describe('emulated cluster API: errors and verbs', () => {
  let server: KubeApiServer;

  function call(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; token?: string | null; accept?: string } = {},
  ): Promise<Reply> {
    const payload =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${server.url}${path}`,
        {
          method,
          ca: Buffer.from(server.caData!, 'base64').toString(),
          headers: {
            ...(options.token === null ? {} : { Authorization: `Bearer ${options.token ?? server.token}` }),
            ...(payload ? { 'Content-Type': options.contentType ?? 'application/json' } : {}),
            ...(options.accept ? { Accept: options.accept } : {}),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  const configMap = (name: string, data: Record<string, string> = { a: '1' }, namespace = 'default') => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { tier: name.startsWith('web') ? 'web' : 'db' } },
    data,
  });

  async function eventually(check: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  }

  before(async () => {
    server = await startKubeApiServer({
      host: '127.0.0.1',
      port: 0,
      clusterName: 'errors',
      kubernetesVersion: 'v1.28.11+vmware.2',
      speed: 500,
      nodes: [
        { name: 'errors-cp-1', ip: '10.20.1.11', role: 'control-plane' },
        { name: 'errors-md-1', ip: '10.20.1.21', role: 'worker' },
      ],
    });
  });

  after(() => server.stop());

  test('a missing or wrong bearer token is 401 with an Unauthorized Status; health needs none', async () => {
    for (const token of [null, 'wrong']) {
      const reply = await call('GET', '/api/v1/nodes', { token });
      assert.equal(reply.status, 401);
      assert.deepEqual(reply.body, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
    assert.equal((await call('GET', '/version', { token: null })).body['gitVersion'], 'v1.28.11+vmware.2');
  });

  test('a missing object is 404 NotFound naming it; an unknown resource is 404 too', async () => {
    const missing = await call('GET', '/apis/apps/v1/namespaces/default/deployments/ghost');
    assert.equal(missing.status, 404);
    assert.equal(missing.body['reason'], 'NotFound');
    assert.equal(missing.body['message'], 'deployments.apps "ghost" not found');
    assert.deepEqual(missing.body['details'], { name: 'ghost', group: 'apps', kind: 'deployments' });
    const unknown = await call('GET', '/apis/example.com/v1/widgets');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body['message'], 'the server could not find the requested resource');
    const noNamespace = await call('POST', '/api/v1/namespaces/nowhere/configmaps', {
      body: configMap('x', {}, 'nowhere'),
    });
    assert.equal(noNamespace.status, 404);
    assert.equal(noNamespace.body['message'], 'namespaces "nowhere" not found');
  });

  test('creating an existing object is 409 AlreadyExists; a stale resourceVersion on update is 409 Conflict', async () => {
    const created = await call('POST', '/api/v1/namespaces/default/configmaps', {
      body: configMap('settings'),
    });
    assert.equal(created.status, 201);
    const again = await call('POST', '/api/v1/namespaces/default/configmaps', {
      body: configMap('settings'),
    });
    assert.equal(again.status, 409);
    assert.equal(again.body['reason'], 'AlreadyExists');
    assert.equal(again.body['message'], 'configmaps "settings" already exists');

    const metadata = created.body['metadata'] as Record<string, string>;
    const updated = await call('PUT', '/api/v1/namespaces/default/configmaps/settings', {
      body: { ...configMap('settings', { a: '2' }), metadata: { ...metadata } },
    });
    assert.equal(updated.status, 200);
    assert.notEqual(
      (updated.body['metadata'] as Record<string, string>)['resourceVersion'],
      metadata['resourceVersion'],
    );
    const stale = await call('PUT', '/api/v1/namespaces/default/configmaps/settings', {
      body: { ...configMap('settings', { a: '3' }), metadata: { ...metadata } },
    });
    assert.equal(stale.status, 409);
    assert.equal(stale.body['reason'], 'Conflict');
  });

  test('invalid objects are 422 Invalid with causes: no name, a bad name, the wrong kind for the URL', async () => {
    const noName = await call('POST', '/api/v1/namespaces/default/configmaps', {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
    });
    assert.equal(noName.status, 422);
    assert.equal(noName.body['reason'], 'Invalid');
    assert.deepEqual((noName.body['details'] as { causes: unknown[] }).causes, [
      {
        reason: 'FieldValueRequired',
        field: 'metadata.name',
        message: 'Required value: name or generateName is required',
      },
    ]);
    const badName = await call('POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Bad_Name' } },
    });
    assert.equal(badName.status, 422);
    const wrongKind = await call('POST', '/api/v1/namespaces/default/configmaps', {
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } },
    });
    assert.equal(wrongKind.status, 422);
    assert.match(String(wrongKind.body['message']), /kind: Invalid value: "Secret": must be ConfigMap/);
    const otherNamespace = await call('POST', '/api/v1/namespaces/default/configmaps', {
      body: configMap('x', {}, 'kube-system'),
    });
    assert.equal(otherNamespace.status, 400);
    assert.equal(otherNamespace.body['reason'], 'BadRequest');
    const generated = await call('POST', '/api/v1/namespaces/default/configmaps', {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } },
    });
    assert.equal(generated.status, 201);
    assert.match(String((generated.body['metadata'] as Record<string, string>)['name']), /^gen-[a-z0-9]{5}$/);
  });

  test('node ports: requested ones are honoured, clashes and out-of-range ones are 422', async () => {
    const service = (name: string, nodePort?: number) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { type: 'NodePort', ports: [{ port: 80, ...(nodePort ? { nodePort } : {}) }] },
    });
    const first = await call('POST', '/api/v1/namespaces/default/services', {
      body: service('first', 30080),
    });
    assert.equal(first.status, 201);
    const ports = (first.body['spec'] as { ports: Record<string, unknown>[] }).ports;
    assert.deepEqual(ports, [{ port: 80, nodePort: 30080, protocol: 'TCP', targetPort: 80 }]);
    const clash = await call('POST', '/api/v1/namespaces/default/services', {
      body: service('second', 30080),
    });
    assert.equal(clash.status, 422);
    assert.match(
      String(clash.body['message']),
      /spec\.ports\[0\]\.nodePort: Invalid value: 30080: provided port is already allocated/,
    );
    const outside = await call('POST', '/api/v1/namespaces/default/services', {
      body: service('third', 8080),
    });
    assert.equal(outside.status, 422);
    const allocated = await call('POST', '/api/v1/namespaces/default/services', { body: service('fourth') });
    const nodePort = (allocated.body['spec'] as { ports: { nodePort: number }[] }).ports[0]!.nodePort;
    assert.ok(nodePort >= 30000 && nodePort <= 32767 && nodePort !== 30080);
  });

  test('merge, JSON and strategic merge patches; dryRun=All stores nothing', async () => {
    await call('POST', '/api/v1/namespaces/default/configmaps', {
      body: configMap('patched', { a: '1', b: '2' }),
    });
    const path = '/api/v1/namespaces/default/configmaps/patched';
    const merged = await call('PATCH', path, {
      body: { data: { a: null, c: '3' } },
      contentType: 'application/merge-patch+json',
    });
    assert.deepEqual(merged.body['data'], { b: '2', c: '3' });
    const jsonPatched = await call('PATCH', path, {
      body: [
        { op: 'replace', path: '/data/b', value: 'two' },
        { op: 'add', path: '/data/d', value: '4' },
      ],
      contentType: 'application/json-patch+json',
    });
    assert.deepEqual(jsonPatched.body['data'], { b: 'two', c: '3', d: '4' });
    const strategic = await call('PATCH', path, {
      body: { metadata: { labels: { extra: 'yes' } } },
      contentType: 'application/strategic-merge-patch+json',
    });
    assert.deepEqual((strategic.body['metadata'] as { labels: Record<string, string> }).labels, {
      tier: 'db',
      extra: 'yes',
    });
    const unsupported = await call('PATCH', path, { body: {}, contentType: 'text/plain' });
    assert.equal(unsupported.status, 415);

    const dry = await call('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', {
      body: configMap('dry'),
    });
    assert.equal(dry.status, 201);
    assert.equal((await call('GET', '/api/v1/namespaces/default/configmaps/dry')).status, 404);
    assert.equal((await call('DELETE', `${path}?dryRun=All`)).status, 200);
    assert.equal((await call('GET', path)).status, 200);
  });

  test('lists filter by label and field selectors and page with limit/continue', async () => {
    for (const name of ['web-a', 'web-b', 'web-c', 'db-a'])
      await call('POST', '/api/v1/namespaces/kube-public/configmaps', {
        body: configMap(name, {}, 'kube-public'),
      });
    const names = (reply: Reply) =>
      (reply.body['items'] as { metadata: { name: string } }[]).map((item) => item.metadata.name);
    assert.deepEqual(
      names(await call('GET', '/api/v1/namespaces/kube-public/configmaps?labelSelector=tier%3Dweb')),
      ['web-a', 'web-b', 'web-c'],
    );
    assert.deepEqual(
      names(
        await call('GET', '/api/v1/namespaces/kube-public/configmaps?labelSelector=tier%20notin%20(web)'),
      ),
      ['db-a'],
    );
    assert.deepEqual(
      names(
        await call('GET', '/api/v1/namespaces/kube-public/configmaps?fieldSelector=metadata.name%3Dweb-b'),
      ),
      ['web-b'],
    );
    const first = await call(
      'GET',
      '/api/v1/namespaces/kube-public/configmaps?labelSelector=tier%3Dweb&limit=2',
    );
    assert.deepEqual(names(first), ['web-a', 'web-b']);
    const token = (first.body['metadata'] as { continue: string }).continue;
    const second = await call(
      'GET',
      `/api/v1/namespaces/kube-public/configmaps?labelSelector=tier%3Dweb&limit=2&continue=${token}`,
    );
    assert.deepEqual(names(second), ['web-c']);
    assert.equal((second.body['metadata'] as { continue?: string }).continue, undefined);
  });

  test('generation follows spec changes only; deleting a Deployment deletes its ReplicaSet and pods', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: { containers: [{ name: 'api', image: 'api:1' }] },
        },
      },
    };
    const path = '/apis/apps/v1/namespaces/default/deployments/api';
    await call('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment });
    const relabelled = await call('PATCH', path, {
      body: { metadata: { labels: { x: 'y' } } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal((relabelled.body['metadata'] as { generation: number }).generation, 1);
    const scaled = await call('PATCH', path, {
      body: { spec: { replicas: 3 } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal((scaled.body['metadata'] as { generation: number }).generation, 2);
    await eventually(async () => {
      const status = (await call('GET', path)).body['status'] as Record<string, number>;
      assert.equal(status['availableReplicas'], 3);
      assert.equal(status['observedGeneration'], 2);
    });
    const podsPath = '/api/v1/namespaces/default/pods?labelSelector=app%3Dapi';
    assert.equal(((await call('GET', podsPath)).body['items'] as unknown[]).length, 3);
    const deleted = await call('DELETE', path);
    assert.equal(deleted.body['status'], 'Success');
    assert.deepEqual((await call('GET', podsPath)).body['items'], []);
    assert.deepEqual((await call('GET', '/apis/apps/v1/namespaces/default/replicasets')).body['items'], []);
  });

  test('a watch from a list resourceVersion sees later changes', async () => {
    const list = await call('GET', '/api/v1/namespaces/default/configmaps');
    const resourceVersion = (list.body['metadata'] as { resourceVersion: string }).resourceVersion;
    await call('POST', '/api/v1/namespaces/default/configmaps', { body: configMap('watched') });
    const events = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${server.url}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${resourceVersion}&timeoutSeconds=1`,
        {
          ca: Buffer.from(server.caData!, 'base64').toString(),
          headers: { Authorization: `Bearer ${server.token}` },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end();
    });
    const lines = events
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; object: { metadata: { name: string } } });
    assert.deepEqual(
      lines.map((line) => [line.type, line.object.metadata.name]),
      [['ADDED', 'watched']],
    );
  });

  test('tables for kubectl, discovery of new CRDs, and node changes through setNodes', async () => {
    const nodesTable = await call('GET', '/api/v1/nodes', {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    assert.equal(nodesTable.body['kind'], 'Table');
    const rows = nodesTable.body['rows'] as { cells: string[] }[];
    assert.deepEqual(
      rows.map((row) => row.cells.slice(0, 3)),
      [
        ['errors-cp-1', 'Ready', 'control-plane'],
        ['errors-md-1', 'Ready', '<none>'],
      ],
    );

    await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'clusters.cluster.x-k8s.io' },
        spec: {
          group: 'cluster.x-k8s.io',
          scope: 'Namespaced',
          names: { plural: 'clusters', kind: 'Cluster' },
          versions: [{ name: 'v1beta1', served: true, storage: true }],
        },
      },
    });
    const groups = (await call('GET', '/apis')).body['groups'] as { name: string }[];
    assert.ok(groups.some((group) => group.name === 'cluster.x-k8s.io'));
    const resources = (await call('GET', '/apis/cluster.x-k8s.io/v1beta1')).body['resources'] as {
      name: string;
      namespaced: boolean;
    }[];
    assert.deepEqual(
      resources.map((resource) => [resource.name, resource.namespaced]),
      [['clusters', true]],
    );
    const badCrd = await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'wrong.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { plural: 'things', kind: 'Thing' },
          versions: [{ name: 'v1', served: true, storage: true }],
        },
      },
    });
    assert.equal(badCrd.status, 422);

    server.setNodes([
      { name: 'errors-cp-1', ip: '10.20.1.11', role: 'control-plane' },
      { name: 'errors-md-2', ip: '10.20.1.22', role: 'worker' },
      { name: 'errors-md-3', ip: '10.20.1.23', role: 'worker', ready: false },
    ]);
    const nodes = server.state().nodes;
    assert.deepEqual(
      nodes.map((node) => [node.name, node.ready]),
      [
        ['errors-cp-1', true],
        ['errors-md-2', true],
        ['errors-md-3', false],
      ],
    );
    await eventually(async () => {
      const pods = (
        await call('GET', '/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkube-proxy')
      ).body['items'] as {
        spec: { nodeName: string };
      }[];
      // kube-proxy tolerates every taint, the not-ready one a NotReady node gets too (TaintNodesByCondition),
      // so its DaemonSet places a pod on every node, Ready or not.
      assert.deepEqual(pods.map((pod) => pod.spec.nodeName).sort(), [
        'errors-cp-1',
        'errors-md-2',
        'errors-md-3',
      ]);
    });
  });
});
