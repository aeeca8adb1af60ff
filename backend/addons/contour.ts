/**
 * Contour ingress: the pinned release manifest from the provider's URL or file, refused unless its sha256 is the
 * configured one; Envoy's Service turned into a NodePort Service (the ALB virtual services reach Envoy through the
 * node ports); applied with server-side apply; then wait until the certgen Job completed and the `contour`
 * Deployment and `envoy` DaemonSet are ready. Answers Envoy's node ports.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ContourSource } from '../clusters/provider-settings.ts';
import { parseManifest, waitForRollout, type KubeClient, type KubeObject } from '../kube/client.ts';

export const CONTOUR_NAMESPACE = 'projectcontour';

export class ContourSourceError extends Error {
  override readonly name = 'ContourSourceError';
}

/** Fetches the manifest (URL or file) and checks its sha256. */
export async function loadContourManifest(source: ContourSource): Promise<string> {
  let bytes: Buffer;
  if (source.file) {
    try {
      bytes = await readFile(source.file);
    } catch (error) {
      throw new ContourSourceError(
        `cannot read the Contour manifest ${source.file}: ${(error as Error).message}`,
      );
    }
  } else {
    let response: Response;
    try {
      response = await fetch(source.url, { signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      throw new ContourSourceError(
        `cannot download the Contour manifest from ${source.url}: ${(error as Error).message}`,
      );
    }
    if (!response.ok)
      throw new ContourSourceError(
        `downloading the Contour manifest from ${source.url} answered ${response.status}`,
      );
    bytes = Buffer.from(await response.arrayBuffer());
  }
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== source.sha256) {
    throw new ContourSourceError(
      `the Contour manifest from ${source.file ?? source.url} has sha256 ${digest}, not the configured ${source.sha256}; refusing to apply it`,
    );
  }
  return bytes.toString('utf8');
}

/** The manifest's objects with Envoy's Service exposed through node ports. */
export function contourObjects(manifest: string): KubeObject[] {
  return parseManifest(manifest).map((object) => {
    if (object.kind === 'Service' && object.metadata.name === 'envoy') {
      const spec = { ...(object.spec ?? {}) } as Record<string, unknown>;
      spec['type'] = 'NodePort';
      // Every node answers on the node ports, so the ALB pool may hold all workers.
      spec['externalTrafficPolicy'] = 'Cluster';
      delete spec['loadBalancerIP'];
      return { ...object, spec };
    }
    return object;
  });
}

export interface EnvoyNodePorts {
  http: number;
  https: number;
}

export async function installContour(client: KubeClient, source: ContourSource): Promise<EnvoyNodePorts> {
  const objects = contourObjects(await loadContourManifest(source));
  await client.applyAll(objects);
  const job = objects.find((object) => object.kind === 'Job');
  await waitForRollout(
    client,
    [
      ...(job
        ? [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, namespace: CONTOUR_NAMESPACE }]
        : []),
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'contour', namespace: CONTOUR_NAMESPACE },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'envoy', namespace: CONTOUR_NAMESPACE },
    ],
    source.readyTimeoutMs,
  );
  return envoyNodePorts(client);
}

export async function envoyNodePorts(client: KubeClient): Promise<EnvoyNodePorts> {
  const service = await client.read('v1', 'Service', 'envoy', CONTOUR_NAMESPACE);
  const ports =
    (service?.spec?.['ports'] as Array<{ name?: string; port: number; nodePort?: number }> | undefined) ?? [];
  const http = ports.find((port) => port.name === 'http' || port.port === 80)?.nodePort;
  const https = ports.find((port) => port.name === 'https' || port.port === 443)?.nodePort;
  if (!http || !https) throw new Error('the envoy Service has no node ports for http and https');
  return { http, https };
}
