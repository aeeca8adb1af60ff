/**
 * How the bootstrap VM and the cluster's nodes reach the outside: the provider's HTTP(S) proxy and the CA
 * certificates they must trust (a mirror or proxy with a private CA). Rendered as data only: cloud-init's
 * `ca_certs` module, configuration files for apt, Docker and the helper's commands, and, for the nodes, CAPVCD's
 * `proxyConfigSpec` (containerd) plus kubeadm `files`. Values reach files whose syntax quotes them, so each must
 * first pass a pattern without quotes, backslashes, `%`, whitespace or newlines.
 */
import type { CloudInitFile } from './cloud-init.ts';
import type { InputChecks } from './input-checks.ts';

export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string[];
}

export interface TrustedCertificate {
  name: string;
  pem: string;
}

export interface EgressSettings {
  proxy?: ProxySettings;
  trustedCertificates?: TrustedCertificate[];
}

export const egressPatterns = {
  /** `http(s)://[user[:password]@]host[:port][/]`: no quote, `%`, backslash or space can reach a config file. */
  proxyUrl:
    /^https?:\/\/([A-Za-z0-9._~-]+(:[A-Za-z0-9._~-]+)?@)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?\/?$/,
  /** A host, `.domain`, `*.domain`, IPv4/IPv6 address or CIDR. */
  noProxyEntry: /^[A-Za-z0-9.*:/_-]{1,256}$/,
  pem: /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/,
} as const;

/** Problems of the egress settings as `field: reason`, for the settings API and the renderers. */
export function egressProblems(egress: EgressSettings): Array<{ field: string; reason: string }> {
  const problems: Array<{ field: string; reason: string }> = [];
  for (const key of ['httpProxy', 'httpsProxy'] as const) {
    const value = egress.proxy?.[key];
    if (value !== undefined && !egressPatterns.proxyUrl.test(value))
      problems.push({
        field: `proxy.${key}`,
        reason: 'must be http(s)://[user[:password]@]host[:port] with unreserved characters only',
      });
  }
  (egress.proxy?.noProxy ?? []).forEach((entry, index) => {
    if (!egressPatterns.noProxyEntry.test(entry))
      problems.push({
        field: `proxy.noProxy[${index}]`,
        reason: 'must be a host, domain, IP address or CIDR (letters, digits, . * : / _ -)',
      });
  });
  (egress.trustedCertificates ?? []).forEach((certificate, index) => {
    if (!egressPatterns.pem.test(certificate.pem.trim()))
      problems.push({ field: `trustedCertificates[${index}].pem`, reason: 'must be one PEM certificate' });
  });
  return problems;
}

export function checkEgress(checks: InputChecks, egress: EgressSettings): void {
  for (const problem of egressProblems(egress)) checks.check(problem.field, false, problem.reason);
}

function hasProxy(proxy: ProxySettings | undefined): proxy is ProxySettings {
  return !!proxy && !!(proxy.httpProxy || proxy.httpsProxy);
}

/** The environment variables, both spellings (tools disagree on which one they read). */
export function proxyEnvironment(proxy: ProxySettings | undefined): Record<string, string> {
  if (!hasProxy(proxy)) return {};
  const env: Record<string, string> = {};
  const set = (name: string, value: string | undefined) => {
    if (!value) return;
    env[name.toUpperCase()] = value;
    env[name.toLowerCase()] = value;
  };
  set('HTTP_PROXY', proxy.httpProxy);
  set('HTTPS_PROXY', proxy.httpsProxy);
  set('NO_PROXY', noProxyList(proxy));
  return env;
}

/** Always bypass the proxy for loopback and the KinD cluster's own addresses. */
function noProxyList(proxy: ProxySettings): string {
  return ['localhost', '127.0.0.1', '::1', '.svc', '.cluster.local', ...(proxy.noProxy ?? [])].join(',');
}

const CA_DIRECTORY = '/usr/local/share/ca-certificates';

/** Files for the bootstrap VM: apt's and Docker's proxy configuration (written before Docker is installed). */
export function bootstrapEgressFiles(egress: EgressSettings): CloudInitFile[] {
  const proxy = egress.proxy;
  if (!hasProxy(proxy)) return [];
  const env = proxyEnvironment(proxy);
  const apt = [
    proxy.httpProxy ? `Acquire::http::Proxy "${proxy.httpProxy}";` : '',
    proxy.httpsProxy ? `Acquire::https::Proxy "${proxy.httpsProxy}";` : '',
  ].filter(Boolean);
  const docker = [
    '[Service]',
    ...Object.entries(env)
      .filter(([name]) => name === name.toUpperCase())
      .map(([name, value]) => `Environment="${name}=${value}"`),
  ];
  const file = (path: string, lines: string[]): CloudInitFile => ({
    path,
    content: `${lines.join('\n')}\n`,
    owner: 'root:root',
    permissions: '0644',
  });
  return [
    file('/etc/apt/apt.conf.d/95cse-proxy', apt),
    file('/etc/systemd/system/docker.service.d/cse-proxy.conf', docker),
  ];
}

/** cloud-init's `ca_certs` module: the certificates join the system trust store before anything runs. */
export function cloudInitCaCerts(egress: EgressSettings): { trusted: string[] } | undefined {
  const certificates = egress.trustedCertificates ?? [];
  return certificates.length
    ? { trusted: certificates.map((certificate) => certificate.pem.trim()) }
    : undefined;
}

/** What the nodes get: CAPVCD's containerd proxy, and CA files with the commands that trust them. */
export function nodeEgress(egress: EgressSettings): {
  proxyConfigSpec?: { httpProxy?: string; httpsProxy?: string; noProxy?: string };
  files: Array<{ path: string; content: string; owner: string; permissions: string }>;
  preKubeadmCommands: string[];
} {
  const proxy = egress.proxy;
  const certificates = egress.trustedCertificates ?? [];
  return {
    ...(hasProxy(proxy)
      ? {
          proxyConfigSpec: {
            ...(proxy.httpProxy ? { httpProxy: proxy.httpProxy } : {}),
            ...(proxy.httpsProxy ? { httpsProxy: proxy.httpsProxy } : {}),
            noProxy: noProxyList(proxy),
          },
        }
      : {}),
    // Named by position, so a certificate's label never becomes part of a path.
    files: certificates.map((certificate, index) => ({
      path: `${CA_DIRECTORY}/cse-trusted-${index + 1}.crt`,
      content: `${certificate.pem.trim()}\n`,
      owner: 'root:root',
      permissions: '0644',
    })),
    // Ubuntu TKG images have update-ca-certificates, Photon ones rehash_ca_certificates.sh.
    preKubeadmCommands: certificates.length
      ? [
          '(command -v update-ca-certificates >/dev/null && update-ca-certificates) || rehash_ca_certificates.sh',
          'systemctl restart containerd',
        ]
      : [],
  };
}
