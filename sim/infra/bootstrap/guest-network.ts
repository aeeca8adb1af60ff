import type { SimulatorOptions } from '../../options.ts';

/**
 * What the emulated bootstrap VM can reach. On an air-gapped site (`--air-gapped`) the public release hosts the
 * bootstrap downloads from by default (GitHub and its download hosts, the Kubernetes release and image hosts) do not
 * resolve; the provider's mirrors and the simulator itself do. Guessed boundary: a real air-gapped site may also
 * block other hosts; the emulation only needs the ones a default bootstrap uses.
 */
const publicHosts = [
  /(^|\.)github\.com$/,
  /(^|\.)githubusercontent\.com$/,
  /(^|\.)k8s\.io$/,
  /(^|\.)docker\.io$/,
  /^quay\.io$/,
  /(^|\.)ghcr\.io$/,
];

export function isPublicHost(host: string): boolean {
  return publicHosts.some((pattern) => pattern.test(host.toLowerCase()));
}

/** curl's message when the URL's host is unreachable from the guest, or undefined when it can be fetched. */
export function unreachable(options: Pick<SimulatorOptions, 'airGapped'>, url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return `curl: (3) URL using bad/illegal format or missing URL`;
  }
  // curl's error 6 (CURLE_COULDNT_RESOLVE_HOST), as an air-gapped site's resolver answers for public names.
  if (options.airGapped && isPublicHost(host)) return `curl: (6) Could not resolve host: ${host}`;
  return undefined;
}
