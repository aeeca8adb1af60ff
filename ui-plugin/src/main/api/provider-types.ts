/** The wire shapes of `/api/cse/v1/provider/...` (docs/api.md, backend/api/provider-routes.ts), as the plugin reads them. */

export interface OrgRef {
  id: string;
  name: string;
}

export const readinessKeys = [
  'rightsBundle',
  'roles',
  'sizingPolicies',
  'storageProfile',
  'network',
  'vipCapacity',
  'templates',
] as const;
export type ReadinessKey = (typeof readinessKeys)[number];

export interface ReadinessItem {
  key: ReadinessKey;
  ok: boolean;
  /** What is there, or what to do when it is missing (the API's words). */
  message: string;
}

/** `TenantReadiness`: one tenant organisation with its checklist. */
export interface TenantReadiness {
  org: OrgRef;
  /** Every checklist item is ok. */
  ready: boolean;
  /** Our rights bundle and both global roles are published to the org. */
  published: boolean;
  checklist: ReadinessItem[];
}

export const templateLifecycles = ['supported', 'deprecated', 'expired'] as const;
export type TemplateLifecycle = (typeof templateLifecycles)[number];

/** `ProviderTemplate`: a TKG template in the provider's catalogs with lifecycle and publication. */
export interface ProviderTemplate {
  id: string;
  name: string;
  catalog: OrgRef;
  description?: string | null;
  kubernetesVersion: string;
  tkgVersion?: string | null;
  os?: { name: string; version: string } | null;
  version: string;
  /** In force now: `expired` once the expiry date has passed. */
  lifecycle: TemplateLifecycle;
  expiresAt?: string | null;
  publishedToAll: boolean;
  /** The orgs it is published to when not to all. */
  orgs: OrgRef[];
  /**
   * Orgs that see it in Cloud Director's own catalog view without it being published to them (VCD shares whole
   * catalogs); `allOrgs` when its catalog is published to every org.
   */
  catalogAlsoShowsTo?: { allOrgs: boolean; orgs: OrgRef[] };
}

/** `TemplateChange`: the body of `PUT …/provider/templates/{id}`; only what changes is sent. */
export interface TemplateChange {
  lifecycle?: TemplateLifecycle;
  /** A future ISO date-time, or null to clear it. */
  expiresAt?: string | null;
  /** `all`, or org names; `[]` unpublishes. */
  orgs?: 'all' | string[];
}

/** An add-on's release manifest as the bootstrap VM downloads and checks it (`components.cni`, `.cpi`, `.csi`). */
export interface AddonManifestSetting {
  version: string;
  manifestUrl: string;
  sha256: string;
}

/**
 * `ProviderSettings`: the settings document (behaviours/settings-entity-type.json, `settings`). A document read from
 * the API may hold fields newer than this type; the settings page keeps them (settings-form.ts).
 */
export interface ProviderSettings {
  registry: {
    imageRegistry: string;
    providerImageRegistry?: string;
    componentsMirror?: string;
    binaryMirror?: string;
  };
  bootstrap: { catalog?: string; template: string; sizingPolicy: string };
  components: {
    kind: string;
    kindNodeImage: string;
    clusterctl: string;
    clusterApi: string;
    capvcd: string;
    kubectl: string;
    certManager?: string;
    /** CSE 4.2's VCDKEConfig `K8Config.cni`/`cpi`/`csi`: applied before the nodes can be Ready. */
    cni?: AddonManifestSetting & { name?: 'antrea' };
    cpi?: AddonManifestSetting;
    csi?: AddonManifestSetting;
    contour: {
      version: string;
      manifestUrl: string;
      manifestFile?: string;
      sha256: string;
      readyTimeoutSeconds?: number;
    };
  };
  /** Seconds per bootstrap phase; phases left out keep their default. */
  phaseTimeouts: Record<string, number>;
  proxy: { httpProxy?: string; httpsProxy?: string; noProxy?: string[] };
  trustedCertificates: { name: string; pem: string }[];
}

/** The settings with the ETag to send back in `If-Match`. */
export interface VersionedSettings {
  settings: ProviderSettings;
  etag: string | null;
  /** `entity` once the provider saved settings, `configuration` while the worker's defaults apply. */
  source: string | null;
}

/** One problem of a refused settings document (`errors[]` of `INVALID_SETTINGS`). */
export interface SettingsProblem {
  /** A path such as `components.contour.sha256` or `trustedCertificates[0].pem`. */
  field: string;
  reason: string;
}
