import type { ClusterObjects } from './cluster-objects.ts';

const controlPlaneToleration = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

/**
 * What kubeadm and the TKG add-ons leave in a fresh cluster, so `kubectl get pods -A` looks real:
 * the system namespaces, the `kubernetes` and `kube-dns` Services, CoreDNS (a Deployment that
 * tolerates control-plane nodes) and kube-proxy (a DaemonSet on every node). The static
 * control-plane pods come with the nodes (`nodes.ts`).
 */
export function seedSystemWorkloads(objects: ClusterObjects, kubernetesVersion: string): void {
  const type = (apiVersion: string, kind: string) => objects.typeOf(apiVersion, kind);
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
    objects.create(type('v1', 'Namespace'), '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  objects.create(type('v1', 'Service'), 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    },
  });
  objects.create(type('v1', 'Service'), 'kube-system', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kube-dns', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' } },
    spec: {
      clusterIP: '10.96.0.10',
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      ],
    },
  });
  objects.create(type('apps/v1', 'Deployment'), 'kube-system', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'coredns', labels: { 'k8s-app': 'kube-dns' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-dns' } },
        spec: {
          priorityClassName: 'system-cluster-critical',
          tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, controlPlaneToleration],
          containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.10.1' }],
        },
      },
    },
  });
  objects.create(type('apps/v1', 'DaemonSet'), 'kube-system', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-proxy', labels: { 'k8s-app': 'kube-proxy' } },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-proxy' } },
        spec: {
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          tolerations: [{ operator: 'Exists' }],
          containers: [
            { name: 'kube-proxy', image: `registry.k8s.io/kube-proxy:${kubernetesVersion.split('+')[0]}` },
          ],
        },
      },
    },
  });
}
