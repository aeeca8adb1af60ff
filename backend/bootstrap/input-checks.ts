/**
 * Strict patterns for every value the bootstrap renderers put into Kubernetes object names or into the bootstrap
 * VM's `runcmd`. A value that does not match is refused before anything is rendered: nothing user-supplied reaches
 * a command line unless it is one of these shapes, none of which can hold a quote, a space, `$`, a backtick or a
 * newline.
 */

export const inputPatterns = {
  /** Component and Kubernetes versions: `v1.27.5+vmware.1`, `v3.5.7_vmware.6`, `1.4.0`. */
  version: /^v?\d+\.\d+\.\d+[-+.\w]*$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  /** A cluster RDE id (`urn:vcloud:entity:<vendor>:<nss>:<uuid>`, e.g. `vmware:capvcdCluster`) or its bare UUID. */
  clusterId:
    /^(urn:vcloud:entity:[A-Za-z0-9]+:[A-Za-z0-9]+:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  /** Kubernetes object names we derive (DNS-1123 label). */
  dnsLabel: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
  /** Registry host with optional port and path: `projects.registry.vmware.com/tkg`, `registry.local:5000/mirror`. */
  registry:
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/,
  /** Container image reference with a tag or digest: `kindest/node:v1.27.3`, `reg.local:5000/kind/node@sha256:…`. */
  image:
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$/,
  /** Download URL: http(s), host, optional port, path of safe characters; no query, no fragment, no credentials. */
  url: /^https?:\/\/[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?(\/[A-Za-z0-9._~+-]+)*\/?$/,
  /** VCD base URL (no trailing slash). */
  vcdUrl: /^https?:\/\/[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?(\/[A-Za-z0-9._~-]+)*$/,
  ipv4: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
  hostname: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/,
  /** The one-time report secret: URL-safe base64 of at least 24 random bytes. */
  secret: /^[A-Za-z0-9_-]{32,128}$/,
  /** A manifest's sha256, as 64 lowercase hex digits. */
  sha256: /^[0-9a-f]{64}$/,
} as const;

export interface InputProblem {
  field: string;
  message: string;
}

/** Thrown when a renderer's input breaks a pattern: a bug or an attack upstream, never shown to tenants as is. */
export class RenderInputError extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(
      `refusing to render: ${problems.map((problem) => `${problem.field} ${problem.message}`).join('; ')}`,
    );
    this.name = 'RenderInputError';
  }
}

/** Collects pattern violations, then throws them together. */
export class InputChecks {
  private readonly problems: InputProblem[] = [];

  /** `secret` values are never echoed in the problem. */
  match(field: string, value: unknown, pattern: RegExp, shape: string, secret = false): void {
    if (typeof value !== 'string' || !pattern.test(value)) {
      const got = secret ? '' : `; got ${describe(value)}`;
      this.problems.push({ field, message: `must be ${shape}${got}` });
    }
  }

  present(field: string, value: unknown, maxLength = 4096): void {
    if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
      this.problems.push({ field, message: `must be a non-empty string of at most ${maxLength} characters` });
    }
  }

  check(field: string, ok: boolean, message: string): void {
    if (!ok) this.problems.push({ field, message });
  }

  done(): void {
    if (this.problems.length > 0) throw new RenderInputError(this.problems);
  }
}

/** Shows a refused value without echoing secrets or control characters. */
function describe(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
