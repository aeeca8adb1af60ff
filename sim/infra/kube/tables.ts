import type { KubeObject } from './objects.ts';
import { objectAt } from './objects.ts';
import type { ResourceType } from './resources.ts';

/** Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), as `kubectl get` asks. */
interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  priority?: number;
  cell(object: KubeObject, now: number): string | number;
}

/** kubectl's short durations (`45s`, `3m12s`, `5h`, `12d`). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  return `${days}d`;
}

const name: Column = { name: 'Name', type: 'string', cell: (object) => object.metadata.name ?? '' };
const age: Column = {
  name: 'Age',
  type: 'string',
  cell: (object, now) => humanDuration(now - Date.parse(object.metadata.creationTimestamp ?? '')),
};
const status = (object: KubeObject) => objectAt(object, 'status');
const spec = (object: KubeObject) => objectAt(object, 'spec');
const num = (value: unknown) => Number(value ?? 0);

type Condition = { type: string; status: string };
const conditionTrue = (object: KubeObject, type: string) =>
  ((status(object)['conditions'] ?? []) as Condition[]).some(
    (entry) => entry.type === type && entry.status === 'True',
  );

interface ContainerStatus {
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
}

function podStatus(pod: KubeObject): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  const containers = (status(pod)['containerStatuses'] ?? []) as ContainerStatus[];
  const waiting = containers.find((container) => container.state?.waiting?.reason)?.state?.waiting?.reason;
  const terminated = containers.find((container) => container.state?.terminated?.reason)?.state?.terminated
    ?.reason;
  return String(status(pod)['reason'] ?? waiting ?? terminated ?? status(pod)['phase'] ?? 'Pending');
}

function servicePorts(service: KubeObject): string {
  const ports = (spec(service)['ports'] ?? []) as { port: number; nodePort?: number; protocol?: string }[];
  if (ports.length === 0) return '<none>';
  return ports
    .map((port) => `${port.port}${port.nodePort ? `:${port.nodePort}` : ''}/${port.protocol ?? 'TCP'}`)
    .join(',');
}

function externalIp(service: KubeObject): string {
  const ingress = (objectAt(service, 'status.loadBalancer')['ingress'] ?? []) as {
    ip?: string;
    hostname?: string;
  }[];
  if (ingress.length) return ingress.map((entry) => entry.ip ?? entry.hostname).join(',');
  const external = (spec(service)['externalIPs'] ?? []) as string[];
  if (external.length) return external.join(',');
  return spec(service)['type'] === 'LoadBalancer' ? '<pending>' : '<none>';
}

const containerNames = (template: Record<string, unknown>, field: 'name' | 'image') =>
  ((objectAt(template, 'spec')['containers'] ?? []) as Record<string, string>[])
    .map((container) => container[field])
    .join(',');

const columnsByKind: Record<string, Column[]> = {
  Node: [
    name,
    {
      name: 'Status',
      type: 'string',
      cell: (node) =>
        `${conditionTrue(node, 'Ready') ? 'Ready' : 'NotReady'}${spec(node)['unschedulable'] ? ',SchedulingDisabled' : ''}`,
    },
    {
      name: 'Roles',
      type: 'string',
      cell: (node) =>
        Object.keys(node.metadata.labels ?? {})
          .filter((label) => label.startsWith('node-role.kubernetes.io/'))
          .map((label) => label.slice('node-role.kubernetes.io/'.length))
          .join(',') || '<none>',
    },
    age,
    {
      name: 'Version',
      type: 'string',
      cell: (node) => String(objectAt(node, 'status.nodeInfo')['kubeletVersion'] ?? ''),
    },
    {
      name: 'Internal-IP',
      type: 'string',
      priority: 1,
      cell: (node) =>
        ((status(node)['addresses'] ?? []) as { type: string; address: string }[]).find(
          (entry) => entry.type === 'InternalIP',
        )?.address ?? '<none>',
    },
    { name: 'External-IP', type: 'string', priority: 1, cell: () => '<none>' },
    {
      name: 'OS-Image',
      type: 'string',
      priority: 1,
      cell: (node) => String(objectAt(node, 'status.nodeInfo')['osImage'] ?? ''),
    },
    {
      name: 'Kernel-Version',
      type: 'string',
      priority: 1,
      cell: (node) => String(objectAt(node, 'status.nodeInfo')['kernelVersion'] ?? ''),
    },
    {
      name: 'Container-Runtime',
      type: 'string',
      priority: 1,
      cell: (node) => String(objectAt(node, 'status.nodeInfo')['containerRuntimeVersion'] ?? ''),
    },
  ],
  Pod: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: (pod) => {
        const containers = (spec(pod)['containers'] ?? []) as unknown[];
        const statuses = (status(pod)['containerStatuses'] ?? []) as ContainerStatus[];
        return `${statuses.filter((entry) => entry.ready).length}/${containers.length}`;
      },
    },
    { name: 'Status', type: 'string', cell: podStatus },
    {
      name: 'Restarts',
      type: 'string',
      cell: (pod) =>
        String(
          ((status(pod)['containerStatuses'] ?? []) as ContainerStatus[]).reduce(
            (sum, entry) => sum + (entry.restartCount ?? 0),
            0,
          ),
        ),
    },
    age,
    { name: 'IP', type: 'string', priority: 1, cell: (pod) => String(status(pod)['podIP'] ?? '<none>') },
    { name: 'Node', type: 'string', priority: 1, cell: (pod) => String(spec(pod)['nodeName'] ?? '<none>') },
    { name: 'Nominated Node', type: 'string', priority: 1, cell: () => '<none>' },
    { name: 'Readiness Gates', type: 'string', priority: 1, cell: () => '<none>' },
  ],
  Deployment: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: (d) => `${num(status(d)['readyReplicas'])}/${num(spec(d)['replicas'] ?? 1)}`,
    },
    { name: 'Up-to-date', type: 'integer', cell: (d) => num(status(d)['updatedReplicas']) },
    { name: 'Available', type: 'integer', cell: (d) => num(status(d)['availableReplicas']) },
    age,
    {
      name: 'Containers',
      type: 'string',
      priority: 1,
      cell: (d) => containerNames(objectAt(d, 'spec.template'), 'name'),
    },
    {
      name: 'Images',
      type: 'string',
      priority: 1,
      cell: (d) => containerNames(objectAt(d, 'spec.template'), 'image'),
    },
  ],
  DaemonSet: [
    name,
    { name: 'Desired', type: 'integer', cell: (d) => num(status(d)['desiredNumberScheduled']) },
    { name: 'Current', type: 'integer', cell: (d) => num(status(d)['currentNumberScheduled']) },
    { name: 'Ready', type: 'integer', cell: (d) => num(status(d)['numberReady']) },
    { name: 'Up-to-date', type: 'integer', cell: (d) => num(status(d)['updatedNumberScheduled']) },
    { name: 'Available', type: 'integer', cell: (d) => num(status(d)['numberAvailable']) },
    {
      name: 'Node Selector',
      type: 'string',
      cell: (d) =>
        Object.entries((objectAt(d, 'spec.template.spec')['nodeSelector'] ?? {}) as Record<string, string>)
          .map(([key, value]) => `${key}=${value}`)
          .join(',') || '<none>',
    },
    age,
  ],
  Job: [
    name,
    {
      name: 'Status',
      type: 'string',
      cell: (job) =>
        conditionTrue(job, 'Complete') ? 'Complete' : conditionTrue(job, 'Failed') ? 'Failed' : 'Running',
    },
    {
      name: 'Completions',
      type: 'string',
      cell: (job) => `${num(status(job)['succeeded'])}/${num(spec(job)['completions'] ?? 1)}`,
    },
    age,
  ],
  Service: [
    name,
    { name: 'Type', type: 'string', cell: (service) => String(spec(service)['type'] ?? 'ClusterIP') },
    { name: 'Cluster-IP', type: 'string', cell: (service) => String(spec(service)['clusterIP'] ?? '<none>') },
    { name: 'External-IP', type: 'string', cell: externalIp },
    { name: 'Port(s)', type: 'string', cell: servicePorts },
    age,
  ],
  Namespace: [
    name,
    { name: 'Status', type: 'string', cell: (ns) => String(status(ns)['phase'] ?? 'Active') },
    age,
  ],
  CustomResourceDefinition: [
    name,
    { name: 'Created At', type: 'date', cell: (crd) => crd.metadata.creationTimestamp ?? '' },
  ],
};

export function table(
  type: ResourceType,
  objects: KubeObject[],
  now: number,
  includeObject: string,
  metadata: Record<string, unknown>,
): Record<string, unknown> {
  const columns = columnsByKind[type.kind] ?? [name, age];
  const rowObject = (object: KubeObject) =>
    includeObject === 'None'
      ? undefined
      : includeObject === 'Object'
        ? object
        : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: columns.map((column) => ({
      name: column.name,
      type: column.type,
      format: column === name ? 'name' : '',
      description: column.name,
      priority: column.priority ?? 0,
    })),
    rows: objects.map((object) => ({
      cells: columns.map((column) => column.cell(object, now)),
      object: rowObject(object),
    })),
  };
}
