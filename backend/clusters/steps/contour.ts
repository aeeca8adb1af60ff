/** Step (g): install Contour in the workload cluster and wait until Contour and Envoy are ready. */
import { ContourSourceError, installContour } from '../../addons/contour.ts';
import { KubeClient, RolloutTimeoutError } from '../../kube/client.ts';
import { DONE, PhaseFailure, type ClusterScope, type PhaseOutcome } from '../scope.ts';

/** Runs `work` with a client of the workload cluster's API, closed afterwards. */
export async function withKubeClient<T>(
  scope: ClusterScope,
  work: (kube: KubeClient) => Promise<T>,
): Promise<T> {
  const kubeconfig = (await scope.readSecrets()).kubeconfig;
  if (!kubeconfig)
    throw new PhaseFailure('NoKubeconfig', "The cluster's kubeconfig is missing from its secure section.");
  const kube = new KubeClient(kubeconfig);
  try {
    return await work(kube);
  } finally {
    kube.close();
  }
}

export async function contour(scope: ClusterScope): Promise<PhaseOutcome> {
  if (!scope.spec.ingress.contour.enabled) return DONE;
  try {
    await withKubeClient(scope, (kube) => installContour(kube, scope.settings.contour));
  } catch (error) {
    if (error instanceof ContourSourceError) {
      throw new PhaseFailure(
        'ContourSourceInvalid',
        error.message,
        'Ask your provider to fix the Contour source (clusters.contour.*), then retry.',
      );
    }
    if (error instanceof RolloutTimeoutError)
      throw new PhaseFailure('ContourNotReady', `Contour did not become ready: ${error.message}`);
    throw error;
  }
  return DONE;
}
