/**
 * Where `clusterctl init` gets the provider components (core Cluster API, kubeadm bootstrap and control plane,
 * CAPVCD) and cert-manager, and the clusterctl configuration file that says so.
 *
 * clusterctl reads a provider's repository from GitHub or from the local filesystem only (cluster-api
 * `cmd/clusterctl/client/repository/client.go` `repositoryFactory`: `https://github.com/...` or a `file`/absolute
 * URL; anything else is "invalid provider url"). A local repository is laid out
 * `{basepath}/{provider-label}/{version}/{components file}` beside the release's `metadata.yaml`
 * (`repository_local.go`). So on an air-gapped site the bootstrap VM first downloads those files from the
 * provider's HTTP mirror, laid out the same way, into a local repository, and the configuration's `providers:` and
 * `cert-manager.url` point there (`docs/book/src/clusterctl/configuration.md`); `images:` re-points the images.
 */
import type { BootstrapComponents } from './cloud-init.ts';

/**
 * cert-manager release pinned when a mirror is configured and the provider names none (a local repository has no
 * "latest"). Check it against clusterctl's own `CertManagerDefaultVersion` (cluster-api
 * `cmd/clusterctl/client/config/cert_manager_client.go`) for the configured clusterctl release.
 */
export const DEFAULT_CERT_MANAGER_VERSION = 'v1.14.5';

/** The local repository on the bootstrap VM. */
export const CLUSTERCTL_REPOSITORY_PATH = '/opt/cse/clusterctl-repository';

export interface ClusterctlProvider {
  /** clusterctl's provider name (`clusterctl init --core cluster-api --bootstrap kubeadm …`). */
  name: string;
  type: 'CoreProvider' | 'BootstrapProvider' | 'ControlPlaneProvider' | 'InfrastructureProvider';
  /** `Provider.ManifestLabel()`: the folder of the local repository. */
  label: string;
  componentsFile: string;
  version: string;
  /** GitHub release download base (`…/releases/download/<version>`). */
  upstream: string;
}

/** One file of the local repository: where it comes from and where clusterctl finds it. */
export interface RepositoryFile {
  /** What it is for, e.g. `cluster-api core`. */
  component: string;
  version: string;
  /** The provider mirror's URL (`<mirror>/<label>/<version>/<file>`). */
  url: string;
  /** The same file's GitHub release URL (what to copy to the mirror). */
  upstream: string;
  /** Absolute path on the bootstrap VM. */
  path: string;
}

/** Where clusterctl finds a file of the local repository on the bootstrap VM. */
const localPath = (label: string, version: string, file: string) =>
  `${CLUSTERCTL_REPOSITORY_PATH}/${label}/${version}/${file}`;

const release = (repository: string, version: string) =>
  `https://github.com/${repository}/releases/download/${version}`;

/** The four providers `clusterctl init` installs, as clusterctl's built-in provider list names them. */
export function clusterctlProviders(components: BootstrapComponents): ClusterctlProvider[] {
  const capi = components.clusterApi;
  const capiRelease = release('kubernetes-sigs/cluster-api', capi);
  return [
    {
      name: 'cluster-api',
      type: 'CoreProvider',
      label: 'cluster-api',
      componentsFile: 'core-components.yaml',
      version: capi,
      upstream: capiRelease,
    },
    {
      name: 'kubeadm',
      type: 'BootstrapProvider',
      label: 'bootstrap-kubeadm',
      componentsFile: 'bootstrap-components.yaml',
      version: capi,
      upstream: capiRelease,
    },
    {
      name: 'kubeadm',
      type: 'ControlPlaneProvider',
      label: 'control-plane-kubeadm',
      componentsFile: 'control-plane-components.yaml',
      version: capi,
      upstream: capiRelease,
    },
    {
      name: 'vcd',
      type: 'InfrastructureProvider',
      label: 'infrastructure-vcd',
      componentsFile: 'infrastructure-components.yaml',
      version: components.capvcd,
      upstream: release('vmware/cluster-api-provider-cloud-director', components.capvcd),
    },
  ];
}

/**
 * Every file the local repository needs: each provider's components file and `metadata.yaml`, and cert-manager's
 * manifest. `mirror` absent: the URLs are the upstream ones (for `cse images` on a connected site).
 */
export function clusterctlRepositoryFiles(
  components: BootstrapComponents,
  mirror: string | undefined,
): RepositoryFile[] {
  const base = mirror?.replace(/\/+$/, '');
  const files: RepositoryFile[] = [];
  const add = (component: string, label: string, version: string, file: string, upstream: string) =>
    files.push({
      component,
      version,
      url: base ? `${base}/${label}/${version}/${file}` : `${upstream}/${file}`,
      upstream: `${upstream}/${file}`,
      path: localPath(label, version, file),
    });
  for (const provider of clusterctlProviders(components)) {
    const component = `${provider.label} provider`;
    add(component, provider.label, provider.version, provider.componentsFile, provider.upstream);
    add(component, provider.label, provider.version, 'metadata.yaml', provider.upstream);
  }
  const certManager = components.certManager ?? DEFAULT_CERT_MANAGER_VERSION;
  add(
    'cert-manager',
    'cert-manager',
    certManager,
    'cert-manager.yaml',
    release('cert-manager/cert-manager', certManager),
  );
  return files;
}

export interface ClusterctlConfigInput {
  components: BootstrapComponents;
  /** The provider components mirror: providers and cert-manager come from the local repository. */
  componentsMirror?: string;
  /** Replaces the repository of every image clusterctl installs. */
  providerImageRegistry?: string;
}

/** clusterctl's configuration file (`clusterctl init --config`), as an object to dump as YAML. */
export function clusterctlConfig(input: ClusterctlConfigInput): Record<string, unknown> {
  const { components, componentsMirror, providerImageRegistry } = input;
  const certManager = components.certManager ?? (componentsMirror ? DEFAULT_CERT_MANAGER_VERSION : undefined);
  return {
    CLUSTERCTL_DISABLE_VERSIONCHECK: 'true',
    ...(componentsMirror
      ? {
          providers: clusterctlProviders(components).map((provider) => ({
            name: provider.name,
            type: provider.type,
            url: localPath(provider.label, provider.version, provider.componentsFile),
          })),
        }
      : {}),
    ...(providerImageRegistry ? { images: { all: { repository: providerImageRegistry } } } : {}),
    ...(certManager
      ? {
          'cert-manager': {
            ...(componentsMirror ? { url: localPath('cert-manager', certManager, 'cert-manager.yaml') } : {}),
            version: certManager,
          },
        }
      : {}),
  };
}
