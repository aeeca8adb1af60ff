/**
 * The add-ons a CAPVCD cluster cannot become Ready without (CAPVCD `docs/CRS.md`, "Enable CPI and CSI"): a CNI
 * (Antrea, TKG's), the cloud provider for Cloud Director (CPI: initialises nodes, kubelet runs with
 * `cloud-provider: external`) and the named-disk CSI driver. Their release manifests come from the provider's URLs
 * (its mirror on an air-gapped site) and are applied only when their sha256 is the configured one; the bootstrap VM
 * downloads and checks them (the helper's `fetch-addon`), the way `backend/addons/contour.ts` checks Contour's.
 *
 * What each cluster needs of its own is rendered here as Kubernetes objects, applied before the manifests:
 * the `vcloud-basic-auth` Secret with the owner's refresh token (only ever in this Secret, written to a 0600 file and
 * applied with `kubectl apply -f`, never on a command line), `vcloud-ccm-configmap` and `vcloud-csi-configmap` with
 * the cluster's VCD coordinates and entity id (`clusterid`), and the empty `vcloud-capvcd-zones` both mount.
 * Shapes: cloud-provider-for-cloud-director `manifests/vcloud-configmap.yaml`, `vcloud-basic-auth.yaml`,
 * `vcloud-capvcd-empty-zones.yaml`; cloud-director-named-disk-csi-driver `manifests/vcloud-csi-config.yaml`.
 */
import { stringify } from 'yaml';

export const addonNames = ['antrea', 'cpi', 'csi'] as const;
export type AddonName = (typeof addonNames)[number];

/** A release manifest the provider configured: VCDKEConfig `K8Config.cni`/`cpi`/`csi` in CSE 4.2 (name, version). */
export interface AddonSource {
  name: AddonName;
  version: string;
  url: string;
  sha256: string;
}

/** Where the add-ons and their configuration live in the workload cluster. */
const KUBE_SYSTEM = 'kube-system';

export interface AddonRollout {
  kind: 'daemonset' | 'deployment';
  name: string;
  namespace: string;
}

/**
 * The workload that must roll out before the add-on counts as running: Antrea's agent DaemonSet (it writes the CNI
 * configuration kubelet waits for), the CPI Deployment, the CSI controller Deployment (names from the upstream
 * manifests: Antrea `build/yamls/antrea.yml`, CPI `manifests/cloud-director-ccm.yaml`, CSI
 * `manifests/csi-controller.yaml`).
 */
export const addonRollouts: Readonly<Record<AddonName, AddonRollout>> = {
  antrea: { kind: 'daemonset', name: 'antrea-agent', namespace: KUBE_SYSTEM },
  cpi: { kind: 'deployment', name: 'vmware-cloud-director-ccm', namespace: KUBE_SYSTEM },
  csi: { kind: 'deployment', name: 'csi-vcd-controllerplugin', namespace: KUBE_SYSTEM },
};

export interface VcdAddonContext {
  /** VCD's URL as the cluster reaches it. */
  vcdUrl: string;
  org: string;
  orgVdc: string;
  /** The org VDC network of the nodes. */
  network: string;
  /** CAPVCD names the cluster's vApp after the cluster. */
  clusterName: string;
  /** The cluster's entity id: `clusterid` of both configurations (CAPVCD's `VCDCluster.status.infraId`). */
  clusterId: string;
  /** The owner's API (refresh) token. */
  refreshToken: string;
}

/** The per-cluster objects, as one multi-document YAML (for a 0600 file; it holds the token). */
export function renderVcdAddonConfig(context: VcdAddonContext): string {
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  const cpiConfig = {
    vcd: { host: context.vcdUrl, org: context.org, vdc: context.orgVdc, isZoneEnabledCluster: false },
    loadbalancer: {
      ports: { http: 80, https: 443 },
      network: context.network,
      enableVirtualServiceSharedIP: false,
    },
    clusterid: context.clusterId,
    vAppName: context.clusterName,
  };
  const csiConfig = {
    vcd: { host: context.vcdUrl, org: context.org, vdc: context.orgVdc, vAppName: context.clusterName },
    clusterid: context.clusterId,
  };
  const objects = [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'vcloud-basic-auth', namespace: KUBE_SYSTEM },
      data: { username: '', password: '', refreshToken: base64(context.refreshToken) },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'vcloud-ccm-configmap', namespace: KUBE_SYSTEM },
      data: { 'vcloud-ccm-config.yaml': stringify(cpiConfig) },
      immutable: true,
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'vcloud-csi-configmap', namespace: KUBE_SYSTEM },
      data: { 'vcloud-csi-config.yaml': stringify(csiConfig) },
      immutable: true,
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'vcloud-capvcd-zones', namespace: KUBE_SYSTEM },
      data: { 'vcloud-cse-zones.yaml': stringify({ zoneType: 'dcgroup', zones: [] }) },
    },
  ];
  return objects.map((object) => stringify(object)).join('---\n');
}
