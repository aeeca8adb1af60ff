/**
 * A trimmed copy of Contour's quickstart shape applied with `@kubernetes/client-node`
 * (server-side apply), as the worker's Contour step does, then waited on until ready.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { startKubeApiServer, type KubeApiServer } from '../../sim/infra/kube/api-server.ts';

const namespace = 'projectcontour';
const labels = (app: string) => ({ app });

/** Contour's objects, in its manifest's order, with only the fields readiness depends on. */
const contourShape: KubernetesObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'contour', namespace } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'envoy', namespace } },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'contour', namespace },
    data: { 'contour.yaml': 'gateway:\n  controllerName: projectcontour.io/gateway-controller\n' },
  } as KubernetesObject,
  {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'httpproxies.projectcontour.io' },
    spec: {
      group: 'projectcontour.io',
      scope: 'Namespaced',
      names: {
        plural: 'httpproxies',
        singular: 'httpproxy',
        kind: 'HTTPProxy',
        listKind: 'HTTPProxyList',
        shortNames: ['proxy'],
      },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          subresources: { status: {} },
        },
      ],
    },
  } as KubernetesObject,
  {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'contourconfigurations.projectcontour.io' },
    spec: {
      group: 'projectcontour.io',
      scope: 'Namespaced',
      names: { plural: 'contourconfigurations', kind: 'ContourConfiguration' },
      versions: [{ name: 'v1alpha1', served: true, storage: true }],
    },
  } as KubernetesObject,
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'contour-certgen', namespace } },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'contour-certgen', namespace },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'update'] }],
  } as KubernetesObject,
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'contour', namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'contour-certgen' },
    subjects: [{ kind: 'ServiceAccount', name: 'contour-certgen', namespace }],
  } as KubernetesObject,
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'contour-certgen-v1-33-6', namespace },
    spec: {
      backoffLimit: 1,
      template: {
        metadata: { labels: labels('contour-certgen') },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: 'contour-certgen',
          containers: [
            {
              name: 'contour',
              image: 'ghcr.io/projectcontour/contour:v1.33.6',
              command: [
                'contour',
                'certgen',
                '--kube',
                '--incluster',
                '--overwrite',
                '--secrets-format=compact',
              ],
            },
          ],
        },
      },
    },
  } as KubernetesObject,
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'contour' },
    rules: [
      { apiGroups: ['projectcontour.io'], resources: ['httpproxies'], verbs: ['get', 'list', 'watch'] },
    ],
  } as KubernetesObject,
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'contour' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'contour' },
    subjects: [{ kind: 'ServiceAccount', name: 'contour', namespace }],
  } as KubernetesObject,
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'contour', namespace },
    spec: {
      selector: labels('contour'),
      ports: [{ name: 'xds', port: 8001, protocol: 'TCP', targetPort: 8001 }],
    },
  } as KubernetesObject,
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'envoy',
      namespace,
      annotations: { 'service.beta.kubernetes.io/aws-load-balancer-backend-protocol': 'tcp' },
    },
    spec: {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      selector: labels('envoy'),
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
      ],
    },
  } as KubernetesObject,
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'contour', namespace, labels: labels('contour') },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels('contour') },
      template: {
        metadata: { labels: labels('contour') },
        spec: {
          serviceAccountName: 'contour',
          containers: [
            {
              name: 'contour',
              image: 'ghcr.io/projectcontour/contour:v1.33.6',
              args: ['serve', '--incluster', '--xds-address=0.0.0.0', '--xds-port=8001'],
              ports: [{ containerPort: 8001, name: 'xds', protocol: 'TCP' }],
              readinessProbe: { tcpSocket: { port: 8001 }, periodSeconds: 10 },
            },
          ],
        },
      },
    },
  } as KubernetesObject,
  {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'envoy', namespace, labels: labels('envoy') },
    spec: {
      selector: { matchLabels: labels('envoy') },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
      template: {
        metadata: { labels: labels('envoy') },
        spec: {
          serviceAccountName: 'envoy',
          containers: [
            {
              name: 'envoy',
              image: 'docker.io/envoyproxy/envoy:distroless-v1.38.3',
              ports: [
                { containerPort: 8080, hostPort: 80, name: 'http', protocol: 'TCP' },
                { containerPort: 8443, hostPort: 443, name: 'https', protocol: 'TCP' },
              ],
              readinessProbe: { httpGet: { path: '/ready', port: 8002 } },
            },
          ],
        },
      },
    },
  } as KubernetesObject,
];

async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
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

describe('Contour-shaped install through @kubernetes/client-node', () => {
  let server: KubeApiServer;
  let kubeConfig: KubeConfig;

  before(async () => {
    server = await startKubeApiServer({
      host: '127.0.0.1',
      port: 0,
      clusterName: 'ingress',
      kubernetesVersion: 'v1.29.6+vmware.1',
      speed: 200,
      nodes: [
        { name: 'ingress-cp-1', ip: '10.10.1.11', role: 'control-plane' },
        { name: 'ingress-md-0-1', ip: '10.10.1.21', role: 'worker' },
        { name: 'ingress-md-0-2', ip: '10.10.1.22', role: 'worker' },
      ],
    });
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(server.kubeconfig());
  });

  after(() => server.stop());

  test('server-side apply of every object, then Contour, Envoy and certgen become ready', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    for (const object of contourShape) {
      const applied = await objects.patch(
        object,
        undefined,
        undefined,
        'cse',
        true,
        PatchStrategy.ServerSideApply,
      );
      assert.equal(applied.metadata?.name, object.metadata?.name);
      assert.ok(applied.metadata?.uid, `${object.kind} has a uid`);
    }
    const proxy = await objects.patch(
      {
        apiVersion: 'projectcontour.io/v1',
        kind: 'HTTPProxy',
        metadata: { name: 'echo', namespace: 'default' },
        spec: {
          virtualhost: { fqdn: 'echo.example.com' },
          routes: [{ services: [{ name: 'echo', port: 80 }] }],
        },
      } as KubernetesObject,
      undefined,
      undefined,
      'cse',
      true,
      PatchStrategy.ServerSideApply,
    );
    assert.equal(proxy.kind, 'HTTPProxy');

    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const batch = kubeConfig.makeApiClient(BatchV1Api);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await eventually(async () => {
      const job = await batch.readNamespacedJob({ name: 'contour-certgen-v1-33-6', namespace });
      assert.equal(job.status?.succeeded, 1);
      assert.ok(
        job.status?.conditions?.some(
          (condition) => condition.type === 'Complete' && condition.status === 'True',
        ),
      );
    });
    const secrets = await core.listNamespacedSecret({ namespace });
    assert.deepEqual(secrets.items.map((secret) => secret.metadata?.name).sort(), [
      'contourcert',
      'envoycert',
    ]);

    await eventually(async () => {
      const contour = await apps.readNamespacedDeployment({ name: 'contour', namespace });
      assert.equal(contour.status?.readyReplicas, 2);
      assert.equal(contour.status?.availableReplicas, 2);
      assert.equal(contour.status?.observedGeneration, contour.metadata?.generation);
      assert.ok(
        contour.status?.conditions?.some(
          (condition) => condition.type === 'Available' && condition.status === 'True',
        ),
      );
    });
    await eventually(async () => {
      const envoy = await apps.readNamespacedDaemonSet({ name: 'envoy', namespace });
      assert.equal(
        envoy.status?.desiredNumberScheduled,
        2,
        'one Envoy per worker: control planes are tainted',
      );
      assert.equal(envoy.status?.numberReady, 2);
      assert.equal(envoy.status?.updatedNumberScheduled, 2);
    });
    const envoyPods = await core.listNamespacedPod({ namespace, labelSelector: 'app=envoy' });
    assert.deepEqual(envoyPods.items.map((pod) => pod.spec?.nodeName).sort(), [
      'ingress-md-0-1',
      'ingress-md-0-2',
    ]);
    for (const pod of envoyPods.items) {
      assert.equal(pod.status?.phase, 'Running');
      assert.ok(pod.status?.podIP);
    }

    const envoy = await core.readNamespacedService({ name: 'envoy', namespace });
    assert.equal(envoy.spec?.type, 'LoadBalancer');
    const nodePorts = envoy.spec?.ports?.map((port) => port.nodePort ?? 0) ?? [];
    assert.equal(nodePorts.length, 2);
    for (const nodePort of nodePorts) assert.ok(nodePort >= 30000 && nodePort <= 32767);
    assert.notEqual(nodePorts[0], nodePorts[1]);
    await eventually(async () => {
      const endpoints = await core.readNamespacedEndpoints({ name: 'envoy', namespace });
      assert.equal(endpoints.subsets?.[0]?.addresses?.length, 2);
    });
  });

  test('re-applying the same objects changes nothing, and switching Envoy to NodePort keeps its ports', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const before = await core.readNamespacedService({ name: 'envoy', namespace });
    for (const object of contourShape) {
      const current = await objects.read(object as KubernetesObject & { metadata: { name: string } });
      const reapplied = await objects.patch(
        object,
        undefined,
        undefined,
        'cse',
        true,
        PatchStrategy.ServerSideApply,
      );
      assert.equal(
        reapplied.metadata?.resourceVersion,
        current.metadata?.resourceVersion,
        `${object.kind} unchanged`,
      );
    }
    const envoyShape = contourShape.find(
      (object) => object.kind === 'Service' && object.metadata?.name === 'envoy',
    )!;
    const asNodePort = {
      ...envoyShape,
      spec: { ...(envoyShape as { spec: object }).spec, type: 'NodePort' },
    } as KubernetesObject;
    const patched = await objects.patch(
      asNodePort,
      undefined,
      undefined,
      'cse',
      true,
      PatchStrategy.ServerSideApply,
    );
    assert.equal((patched as { spec: { type: string } }).spec.type, 'NodePort');
    const after = await core.readNamespacedService({ name: 'envoy', namespace });
    assert.deepEqual(
      after.spec?.ports?.map((port) => port.nodePort),
      before.spec?.ports?.map((port) => port.nodePort),
    );
  });

  test('list by kind through discovery finds the custom resources and the CRDs are Established', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    const proxies = await objects.list('projectcontour.io/v1', 'HTTPProxy');
    assert.deepEqual(
      proxies.items.map((item) => item.metadata?.name),
      ['echo'],
    );
    await eventually(async () => {
      const crd = (await objects.read({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'httpproxies.projectcontour.io' },
      })) as KubernetesObject & { status?: { conditions?: { type: string; status: string }[] } };
      assert.ok(
        crd.status?.conditions?.some(
          (condition) => condition.type === 'Established' && condition.status === 'True',
        ),
      );
    });
  });

  test('deleting the namespace removes Contour, and deleting a CRD removes its resources', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.deleteNamespace({ name: namespace });
    await assert.rejects(
      core.readNamespace({ name: namespace }),
      (error: { code?: number }) => error.code === 404,
    );
    assert.deepEqual(
      server.state().objects.filter((object) => object.namespace === namespace),
      [],
    );
    await objects.delete({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'httpproxies.projectcontour.io' },
    });
    assert.deepEqual(
      server.state().objects.filter((object) => object.kind === 'HTTPProxy'),
      [],
    );
  });
});
