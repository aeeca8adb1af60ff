/**
 * Upgrade targets of a cluster, from the templates published to its org: usable, not expired, the same or a higher TKG
 * version, and a Kubernetes version at least the cluster's and at most one minor version ahead (kubeadm upgrades
 * one minor at a time). A cluster on an expired template is offered its targets like any other.
 */
import type { ProviderTemplate } from './templates-lifecycle.ts';

export interface ClusterVersions {
  template: string;
  kubernetesVersion: string | null;
  tkgVersion: string | null;
}

/** `v1.28.11+vmware.2` → [1, 28, 11, 2]; `v2.5.2` → [2, 5, 2, 0]; unknown parts are 0. */
export function versionParts(version: string | null | undefined): number[] {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:\+vmware\.(\d+))?/.exec(version ?? '');
  if (!match) return [0, 0, 0, 0];
  return [1, 2, 3, 4].map((index) => Number(match[index] ?? 0));
}

export function compareVersions(a: string | null | undefined, b: string | null | undefined): number {
  const left = versionParts(a);
  const right = versionParts(b);
  for (let index = 0; index < left.length; index += 1) {
    if (left[index] !== right[index]) return left[index]! - right[index]!;
  }
  return 0;
}

/** Templates the cluster may move to, newest Kubernetes first. `offered` holds the templates published to its org. */
export function upgradeTargets(
  current: ClusterVersions,
  offered: readonly ProviderTemplate[],
): ProviderTemplate[] {
  const [major, minor] = versionParts(current.kubernetesVersion);
  return offered
    .filter((template) => {
      if (template.lifecycle === 'expired' || !template.usable || template.name === current.template)
        return false;
      if (compareVersions(template.tkgVersion, current.tkgVersion) < 0) return false;
      const order = compareVersions(template.kubernetesVersion, current.kubernetesVersion);
      if (order < 0) return false;
      const [targetMajor, targetMinor] = versionParts(template.kubernetesVersion);
      if (targetMajor !== major || targetMinor! > minor! + 1) return false;
      // The same Kubernetes and TKG versions on another image is no upgrade.
      return order > 0 || compareVersions(template.tkgVersion, current.tkgVersion) > 0;
    })
    .sort(
      (a, b) =>
        compareVersions(b.kubernetesVersion, a.kubernetesVersion) ||
        compareVersions(b.tkgVersion, a.tkgVersion) ||
        a.name.localeCompare(b.name),
    );
}
