import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { SimulatorOptions } from '../../options.ts';
import type { BootstrapGuestConfig } from './cloud-config.ts';
import { unreachable } from './guest-network.ts';

/**
 * Where the emulated `clusterctl init` reads each provider's components, and whether it can. Mirrors clusterctl
 * (kubernetes-sigs/cluster-api `cmd/clusterctl/client/repository/client.go` `repositoryFactory`): a provider URL is
 * a GitHub release (`https://github.com/...`) or a local file (`file://` or an absolute path); anything else is
 * refused. A local repository is `{basepath}/{provider-label}/{version}/{file}` with `metadata.yaml` beside the
 * components (`repository_local.go`). The built-in provider URLs are GitHub's (`client/config/providers_client.go`),
 * cert-manager's too (`client/config/cert_manager_client.go`). Messages follow clusterctl's
 * (`failed to read %q from provider's repository %q: ...`); the wording of the network error is a guess.
 */

interface ProviderSource {
  name: string;
  type: string;
  label: string;
  file: string;
  version: string;
  /** clusterctl's built-in repository URL for the provider. */
  builtIn: string;
}

const componentsSchema = z
  .object({ clusterApi: z.string().min(1), capvcd: z.string().min(1), certManager: z.string().optional() })
  .passthrough();

const repositorySchema = z
  .object({ files: z.array(z.object({ url: z.string(), path: z.string() }).passthrough()) })
  .passthrough();

const configSchema = z
  .object({
    providers: z
      .array(z.object({ name: z.string(), type: z.string(), url: z.string() }).passthrough())
      .optional(),
    'cert-manager': z
      .object({ url: z.string().optional(), version: z.string().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

/** A guessed default when the guest names no cert-manager version (clusterctl's own default varies by release). */
const CERT_MANAGER_DEFAULT = 'v1.14.5';

function providersOf(components: z.infer<typeof componentsSchema>): ProviderSource[] {
  const capi = 'https://github.com/kubernetes-sigs/cluster-api/releases/latest';
  return [
    {
      name: 'cluster-api',
      type: 'CoreProvider',
      label: 'cluster-api',
      file: 'core-components.yaml',
      version: components.clusterApi,
      builtIn: `${capi}/core-components.yaml`,
    },
    {
      name: 'kubeadm',
      type: 'BootstrapProvider',
      label: 'bootstrap-kubeadm',
      file: 'bootstrap-components.yaml',
      version: components.clusterApi,
      builtIn: `${capi}/bootstrap-components.yaml`,
    },
    {
      name: 'kubeadm',
      type: 'ControlPlaneProvider',
      label: 'control-plane-kubeadm',
      file: 'control-plane-components.yaml',
      version: components.clusterApi,
      builtIn: `${capi}/control-plane-components.yaml`,
    },
    {
      name: 'vcd',
      type: 'InfrastructureProvider',
      label: 'infrastructure-vcd',
      file: 'infrastructure-components.yaml',
      version: components.capvcd,
      builtIn:
        'https://github.com/vmware/cluster-api-provider-cloud-director/releases/latest/infrastructure-components.yaml',
    },
  ];
}

/** What a guest's local repository holds: the files its commands downloaded (each from a reachable URL). */
function downloadedFiles(guest: BootstrapGuestConfig): Map<string, string> {
  const parsed = repositorySchema.safeParse(
    (guest.settings as Record<string, unknown>)['clusterctlRepository'],
  );
  return new Map((parsed.success ? parsed.data.files : []).map((file) => [file.path, file.url]));
}

/**
 * The `capi-initialised` phase's downloads (the local repository) then `clusterctl init`: a message when they
 * fail, undefined when every provider and cert-manager can be read.
 */
export function clusterctlInitFailure(
  options: Pick<SimulatorOptions, 'airGapped'>,
  guest: BootstrapGuestConfig,
): string | undefined {
  const downloads = downloadedFiles(guest);
  for (const [path, url] of downloads) {
    const problem = unreachable(options, url);
    if (problem) return `curl -o ${path} ${url}: ${problem}`;
  }
  const components = componentsSchema.safeParse((guest.settings as Record<string, unknown>)['components']);
  if (!components.success) return 'clusterctl init: the bootstrap settings name no provider versions';
  const configPath =
    typeof guest.settings.files['clusterctlConfig'] === 'string'
      ? guest.settings.files['clusterctlConfig']
      : undefined;
  let config: z.infer<typeof configSchema> = {};
  const text = configPath ? guest.files.get(configPath) : undefined;
  if (text !== undefined) {
    const parsed = configSchema.safeParse(parseYaml(text) ?? {});
    if (!parsed.success) return `Error: failed to read the clusterctl configuration file ${configPath}`;
    config = parsed.data;
  }
  const read = (
    label: string,
    version: string,
    file: string,
    url: string,
    extra: string[],
  ): string | undefined => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed?.protocol === 'https:' && parsed.hostname === 'github.com') {
      if (!options.airGapped) return undefined;
      const repository = parsed.pathname.split('/').slice(1, 3).join('/');
      return `Error: failed to read "${file}" from provider's repository "${label}": failed to get GitHub release ${version}: Get "https://api.github.com/repos/${repository}/releases/tags/${version}": dial tcp: lookup api.github.com: no such host`;
    }
    const path = parsed?.protocol === 'file:' ? parsed.pathname : url.startsWith('/') ? url : undefined;
    if (path === undefined)
      return `Error: invalid provider url. there are no provider implementation for "${(parsed?.protocol ?? '').replace(':', '')}" schema`;
    const parts = path.split('/');
    if (parts.length < 4 || parts[parts.length - 3] !== label)
      return `Error: invalid path: path "${url}" must contain provider "${label}" in the format {basepath}/{provider-label}/{version}/{components.yaml}`;
    const base = parts.slice(0, -3).join('/');
    for (const name of [file, ...extra]) {
      const wanted = posix.join(base, label, version, name);
      if (!downloads.has(wanted))
        return `Error: failed to read "${name}" from provider's repository "${label}": failed to read file "${wanted}" from local release ${version}: stat ${wanted}: no such file or directory`;
    }
    return undefined;
  };
  for (const provider of providersOf(components.data)) {
    const override = config.providers?.find(
      (entry) => entry.name === provider.name && entry.type === provider.type,
    );
    const problem = read(provider.label, provider.version, provider.file, override?.url ?? provider.builtIn, [
      'metadata.yaml',
    ]);
    if (problem) return problem;
  }
  const certManager = config['cert-manager'];
  const version = certManager?.version ?? components.data.certManager ?? CERT_MANAGER_DEFAULT;
  return read(
    'cert-manager',
    version,
    'cert-manager.yaml',
    certManager?.url ?? `https://github.com/cert-manager/cert-manager/releases/${version}/cert-manager.yaml`,
    [],
  );
}

/** The `tools-installed` downloads: curl's message for the first binary the guest cannot reach. */
export function toolDownloadFailure(
  options: Pick<SimulatorOptions, 'airGapped'>,
  guest: BootstrapGuestConfig,
): string | undefined {
  const downloads = (guest.settings as Record<string, unknown>)['downloads'];
  if (!downloads || typeof downloads !== 'object') return undefined;
  for (const [tool, url] of Object.entries(downloads as Record<string, unknown>)) {
    if (typeof url !== 'string') continue;
    const problem = unreachable(options, url);
    if (problem) return `curl -o /usr/local/bin/${tool} ${url}: ${problem}`;
  }
  return undefined;
}
