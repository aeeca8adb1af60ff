/**
 * The emulated cluster API server driven by the real `kubectl` (the machine's, or `$KUBECTL`):
 * discovery, server-side printing, client- and server-side apply, controllers, namespace deletion.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startKubeApiServer, type KubeApiServer } from '../../sim/infra/kube/api-server.ts';

const run = promisify(execFile);
const kubectlBinary = process.env['KUBECTL'] ?? 'kubectl';

const crdManifest = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget, listKind: WidgetList }
  versions:
    - name: v1
      served: true
      storage: true
      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }
`;

const appManifest = (namespace: string, adminNodePort: number, image = 'nginx:1.25', replicas = 2) => `
apiVersion: v1
kind: Namespace
metadata: { name: ${namespace} }
---
apiVersion: example.com/v1
kind: Widget
metadata: { name: gadget, namespace: ${namespace} }
spec: { size: 3 }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${namespace} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: ${image}
          ports: [{ containerPort: 8080 }]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: ${namespace} }
spec:
  type: NodePort
  selector: { app: web }
  ports:
    - { name: http, port: 80, targetPort: 8080 }
    - { name: admin, port: 9000, targetPort: 9000, nodePort: ${adminNodePort} }
`;

describe('kubectl against the emulated cluster API server', () => {
  let server: KubeApiServer;
  let dir: string;

  async function kubectl(...args: string[]): Promise<string> {
    const { stdout } = await run(
      kubectlBinary,
      ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args],
      { env: { ...process.env, HOME: dir }, timeout: 20_000 },
    );
    return stdout;
  }

  async function kubectlJson<T>(...args: string[]): Promise<T> {
    return JSON.parse(await kubectl(...args, '-o', 'json')) as T;
  }

  async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-kubectl-'));
    server = await startKubeApiServer({
      host: '127.0.0.1',
      port: 0,
      clusterName: 'alpha',
      kubernetesVersion: 'v1.28.11+vmware.2',
      speed: 200,
      nodes: [
        { name: 'alpha-cp-x1', ip: '10.10.1.11', role: 'control-plane' },
        { name: 'alpha-md-0-a1', ip: '10.10.1.21', role: 'worker' },
        { name: 'alpha-md-0-a2', ip: '10.10.1.22', role: 'worker' },
      ],
    });
    await writeFile(join(dir, 'kubeconfig'), server.kubeconfig());
    await writeFile(join(dir, 'crd.yaml'), crdManifest);
  });

  after(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('the kubeconfig points at the HTTPS URL with the cluster CA and a bearer token', () => {
    const kubeconfig = server.kubeconfig();
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(kubeconfig.includes(`server: ${server.url}`));
    assert.ok(kubeconfig.includes(`certificate-authority-data: ${server.caData}`));
    assert.ok(kubeconfig.includes(`token: ${server.token}`));
    assert.match(Buffer.from(server.caData!, 'base64').toString(), /BEGIN CERTIFICATE/);
  });

  test('get nodes lists the nodes with their roles, readiness and version', async () => {
    const output = await kubectl('get', 'nodes', '-o', 'wide');
    const lines = output.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP/);
    assert.match(output, /alpha-cp-x1\s+Ready\s+control-plane\s+\S+\s+v1\.28\.11\+vmware\.2\s+10\.10\.1\.11/);
    assert.match(output, /alpha-md-0-a1\s+Ready\s+<none>\s+\S+\s+v1\.28\.11\+vmware\.2\s+10\.10\.1\.21/);
    assert.equal(lines.length, 4);
  });

  test('get pods -A shows the running system pods', async () => {
    await eventually(async () => {
      const output = await kubectl('get', 'pods', '-A');
      assert.match(output, /^NAMESPACE\s+NAME\s+READY\s+STATUS/);
      for (const name of ['etcd-alpha-cp-x1', 'kube-apiserver-alpha-cp-x1', 'coredns-', 'kube-proxy-'])
        assert.match(output, new RegExp(`kube-system\\s+${name}\\S*\\s+1/1\\s+Running`));
      assert.equal((output.match(/kube-proxy-/g) ?? []).length, 3, 'kube-proxy runs on every node');
    });
  });

  test('client-side apply creates the objects, controllers make them ready, re-applying changes nothing', async () => {
    await writeFile(join(dir, 'app.yaml'), appManifest('shop', 31900));
    assert.match(await kubectl('apply', '-f', join(dir, 'crd.yaml')), /widgets\.example\.com created/);
    const applied = await kubectl('apply', '-f', join(dir, 'app.yaml'));
    assert.match(applied, /namespace\/shop created/);
    assert.match(applied, /widget\.example\.com\/gadget created/);
    assert.match(applied, /deployment\.apps\/web created/);
    assert.match(applied, /service\/web created/);

    await kubectl('rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=20s');
    type Deployment = { metadata: { annotations: Record<string, string> }; status: Record<string, unknown> };
    const deployment = await kubectlJson<Deployment>('get', 'deployment', 'web', '-n', 'shop');
    assert.equal(deployment.status['availableReplicas'], 2);
    assert.ok(deployment.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);

    type Service = { spec: { ports: { name: string; nodePort: number }[] } };
    const service = await kubectlJson<Service>('get', 'service', 'web', '-n', 'shop');
    const http = service.spec.ports.find((port) => port.name === 'http')!;
    assert.ok(http.nodePort >= 30000 && http.nodePort <= 32767);
    assert.equal(service.spec.ports.find((port) => port.name === 'admin')!.nodePort, 31900);

    const again = await kubectl('apply', '-f', join(dir, 'app.yaml'));
    assert.match(again, /deployment\.apps\/web unchanged/);
    assert.match(again, /widget\.example\.com\/gadget unchanged/);
  });

  test('a changed manifest rolls the Deployment out to the new template', async () => {
    await writeFile(join(dir, 'app-v2.yaml'), appManifest('shop', 31900, 'nginx:1.27', 3));
    assert.match(await kubectl('apply', '-f', join(dir, 'app-v2.yaml')), /deployment\.apps\/web configured/);
    await kubectl('rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=20s');
    type Pods = {
      items: { spec: { containers: { image: string; ports: unknown[] }[] }; status: { phase: string } }[];
    };
    const pods = await kubectlJson<Pods>('get', 'pods', '-n', 'shop', '-l', 'app=web');
    assert.equal(pods.items.length, 3);
    for (const pod of pods.items) {
      assert.equal(pod.spec.containers[0]!.image, 'nginx:1.27');
      assert.deepEqual(
        pod.spec.containers[0]!.ports,
        [{ containerPort: 8080 }],
        'the strategic merge kept the ports',
      );
      assert.equal(pod.status.phase, 'Running');
    }
  });

  test('server-side apply creates and updates, and reports conflicts between managers', async () => {
    await writeFile(join(dir, 'ssa.yaml'), appManifest('lab', 31901));
    const applied = await kubectl('apply', '--server-side', '-f', join(dir, 'ssa.yaml'));
    assert.match(applied, /deployment\.apps\/web serverside-applied/);
    assert.match(applied, /widget\.example\.com\/gadget serverside-applied/);
    await kubectl('rollout', 'status', 'deployment/web', '-n', 'lab', '--timeout=20s');
    type Managed = { metadata: { managedFields: { manager: string; operation: string }[] } };
    const deployment = JSON.parse(
      await kubectl('get', '--raw', '/apis/apps/v1/namespaces/lab/deployments/web'),
    ) as Managed;
    assert.ok(
      deployment.metadata.managedFields.some(
        (entry) => entry.manager === 'kubectl' && entry.operation === 'Apply',
      ),
    );

    await writeFile(join(dir, 'ssa-v2.yaml'), appManifest('lab', 31901, 'nginx:1.27', 1));
    await assert.rejects(
      kubectl('apply', '--server-side', '--field-manager=intruder', '-f', join(dir, 'ssa-v2.yaml')),
      (error: Error & { stderr?: string }) => /conflict with "kubectl"/.test(error.stderr ?? ''),
    );
    await kubectl(
      'apply',
      '--server-side',
      '--field-manager=intruder',
      '--force-conflicts',
      '-f',
      join(dir, 'ssa-v2.yaml'),
    );
    await eventually(async () => {
      const pods = await kubectlJson<{ items: unknown[] }>('get', 'pods', '-n', 'lab', '-l', 'app=web');
      assert.equal(pods.items.length, 1);
    });
  });

  test('deleting a namespace deletes everything in it', async () => {
    await writeFile(join(dir, 'doomed.yaml'), appManifest('doomed', 31902));
    await kubectl('apply', '-f', join(dir, 'doomed.yaml'));
    assert.match(await kubectl('delete', 'namespace', 'doomed'), /namespace "doomed" deleted/);
    assert.doesNotMatch(await kubectl('get', 'namespaces'), /doomed/);
    const leftovers = server.state().objects.filter((object) => object.namespace === 'doomed');
    assert.deepEqual(leftovers, []);
  });

  test('a wrong token is refused', async () => {
    await writeFile(join(dir, 'bad-kubeconfig'), server.kubeconfig().replace(server.token, 'not-the-token'));
    await assert.rejects(
      run(
        kubectlBinary,
        ['--kubeconfig', join(dir, 'bad-kubeconfig'), '--cache-dir', join(dir, 'cache2'), 'get', 'nodes'],
        {
          env: { ...process.env, HOME: dir },
        },
      ),
      (error: Error & { stderr?: string }) => /Unauthorized|must be logged in/.test(error.stderr ?? ''),
    );
  });
});
