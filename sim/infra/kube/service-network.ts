import type { Admission, ClusterObjects } from './cluster-objects.ts';
import type { KubeObject } from './objects.ts';
import { clone, objectAt } from './objects.ts';
import { invalid } from './status.ts';
import type { ResourceType } from './resources.ts';

export const nodePortRange = { first: 30000, last: 32767 };

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
  nodePort?: number;
}

const servicesType = { group: '', plural: 'services' };

/**
 * Service admission, as the API server's registry does it: a cluster IP from 10.96.0.0/12 and,
 * for `NodePort` and `LoadBalancer` Services, a node port per port from 30000–32767 (a requested
 * one is honoured; out of range or taken → 422).
 */
export function serviceAdmission(objects: ClusterObjects): Admission {
  const usedNodePorts = (except: string | undefined): Set<number> => {
    const used = new Set<number>();
    for (const service of objects.store.list(servicesType)) {
      if (service.metadata.uid === except) continue;
      for (const port of (objectAt(service, 'spec')['ports'] ?? []) as ServicePort[])
        if (port.nodePort) used.add(port.nodePort);
    }
    return used;
  };
  const usedClusterIps = (): Set<string> =>
    new Set(
      objects.store.list(servicesType).map((service) => String(objectAt(service, 'spec')['clusterIP'] ?? '')),
    );

  return {
    admit(type: ResourceType, service: KubeObject, previous: KubeObject | undefined) {
      const spec = (service['spec'] ??= {}) as Record<string, unknown>;
      const name = service.metadata.name ?? '';
      spec['type'] ??= 'ClusterIP';
      spec['sessionAffinity'] ??= 'None';
      const previousSpec = previous ? objectAt(previous, 'spec') : {};
      if (spec['clusterIP'] === undefined || spec['clusterIP'] === '') {
        if (previousSpec['clusterIP']) spec['clusterIP'] = previousSpec['clusterIP'];
        else {
          const taken = usedClusterIps();
          for (let index = 2; index < 4096 * 256; index++) {
            const candidate = `10.96.${Math.floor(index / 256)}.${index % 256}`;
            if (index % 256 !== 0 && !taken.has(candidate)) {
              spec['clusterIP'] = candidate;
              break;
            }
          }
        }
      }
      if (spec['clusterIP'] !== 'None') spec['clusterIPs'] = [spec['clusterIP'] as string];
      const ports = (spec['ports'] ?? []) as ServicePort[];
      for (const port of ports) {
        port.protocol ??= 'TCP';
        port.targetPort ??= port.port;
      }
      const exposed = spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer';
      if (!exposed) {
        for (const port of ports) delete port.nodePort;
        return;
      }
      spec['externalTrafficPolicy'] ??= 'Cluster';
      const used = usedNodePorts(service.metadata.uid);
      const previousPorts = (previousSpec['ports'] ?? []) as ServicePort[];
      ports.forEach((port, index) => {
        if (port.nodePort === undefined) return;
        const field = `spec.ports[${index}].nodePort`;
        if (port.nodePort < nodePortRange.first || port.nodePort > nodePortRange.last)
          throw invalid('Service', '', name, [
            {
              reason: 'FieldValueInvalid',
              field,
              message: `Invalid value: ${port.nodePort}: provided port is not in the valid range. The range of valid ports is ${nodePortRange.first}-${nodePortRange.last}`,
            },
          ]);
        if (used.has(port.nodePort))
          throw invalid('Service', '', name, [
            {
              reason: 'FieldValueInvalid',
              field,
              message: `Invalid value: ${port.nodePort}: provided port is already allocated`,
            },
          ]);
        used.add(port.nodePort);
      });
      for (const port of ports) {
        if (port.nodePort !== undefined) continue;
        const kept = previousPorts.find(
          (old) => old.port === port.port && old.nodePort && !used.has(old.nodePort),
        );
        let chosen = kept?.nodePort;
        for (
          let candidate = nodePortRange.first;
          chosen === undefined && candidate <= nodePortRange.last;
          candidate++
        )
          if (!used.has(candidate)) chosen = candidate;
        if (chosen === undefined)
          throw invalid('Service', '', name, [
            { reason: 'FieldValueInvalid', field: 'spec.ports', message: 'range of node ports is full' },
          ]);
        port.nodePort = chosen;
        used.add(chosen);
      }
      if (spec['type'] === 'LoadBalancer' && service['status'] === undefined)
        service['status'] = { loadBalancer: {} };
    },
  };
}

/** Endpoints of a Service with a selector: the ready pods it selects, with their IPs and ports. */
export function endpointsFor(service: KubeObject, pods: KubeObject[]): KubeObject | undefined {
  const spec = objectAt(service, 'spec');
  const selector = spec['selector'] as Record<string, string> | undefined;
  if (!selector || Object.keys(selector).length === 0) return undefined;
  const selected = pods.filter((pod) =>
    Object.entries(selector).every(([key, value]) => pod.metadata.labels?.[key] === value),
  );
  const ready = selected.filter((pod) => isPodReady(pod) && objectAt(pod, 'status')['podIP']);
  const address = (pod: KubeObject) => ({
    ip: objectAt(pod, 'status')['podIP'] as string,
    nodeName: objectAt(pod, 'spec')['nodeName'] as string,
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata.namespace!,
      name: pod.metadata.name!,
      uid: pod.metadata.uid!,
    },
  });
  const ports = ((spec['ports'] ?? []) as ServicePort[]).map((port) => ({
    ...(port.name ? { name: port.name } : {}),
    port: typeof port.targetPort === 'number' ? port.targetPort : port.port,
    protocol: port.protocol ?? 'TCP',
  }));
  const notReady = selected.filter((pod) => !ready.includes(pod) && objectAt(pod, 'status')['podIP']);
  const subsets =
    ready.length + notReady.length === 0
      ? []
      : [
          {
            ...(ready.length ? { addresses: ready.map(address) } : {}),
            ...(notReady.length ? { notReadyAddresses: notReady.map(address) } : {}),
            ports,
          },
        ];
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: service.metadata.name,
      namespace: service.metadata.namespace,
      labels: clone(service.metadata.labels),
    },
    subsets,
  };
}

export function isPodReady(pod: KubeObject): boolean {
  return ((objectAt(pod, 'status')['conditions'] ?? []) as { type: string; status: string }[]).some(
    (condition) => condition.type === 'Ready' && condition.status === 'True',
  );
}
