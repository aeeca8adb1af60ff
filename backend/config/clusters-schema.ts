import { z } from 'zod';
import { inputPatterns } from '../bootstrap/input-checks.ts';

/**
 * Configuration of the cluster lifecycle (`clusters.*`): the reconciler's pacing and the provider settings the
 * create steps use (registry or mirror, bootstrap template, Contour source, phase timeouts). Issue 7 moves the
 * provider settings into a settings RDE; until then they come from here (`backend/clusters/provider-settings.ts`).
 */
const milliseconds = z.coerce
  .number({ invalid_type_error: 'must be a number of milliseconds' })
  .int('must be a whole number of milliseconds')
  .positive('must be a positive number of milliseconds');

const count = z.coerce
  .number({ invalid_type_error: 'must be a whole number' })
  .int('must be a whole number')
  .positive('must be a positive whole number');

const optionalUrl = z
  .string()
  .url('must be an absolute URL such as https://mirror.example.com/cse')
  .optional()
  .or(z.literal('').transform(() => undefined));

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/** A release manifest the bootstrap VM downloads and applies only when its sha256 matches. */
const addonManifest = z
  .object({
    url: z.string().url('must be an absolute URL'),
    sha256: z.string().regex(inputPatterns.sha256, 'must be 64 lowercase hex digits'),
    version: z.string().regex(inputPatterns.version, 'must be a version such as v1.2.3'),
  })
  .strict()
  .optional();

export const clustersConfigSchema = z
  .object({
    /** Lease holder name of this replica; defaults to `<host>-<pid>-<random>`. */
    workerId: optionalText,
    /** How long a lease on a cluster lasts without renewal; another replica may take over after it. */
    leaseMs: milliseconds.default(30_000),
    /** Every cluster is looked at this often even without a wake-up. */
    resyncMs: milliseconds.default(30_000),
    /**
     * Clusters reconciled at once by this replica. A pass holds its slot while it waits on VCD tasks, so a cluster
     * beyond this many waits for a whole pass of another one; 64 keeps 20+ simultaneous creates from queueing.
     */
    concurrency: count.default(64),
    /** Registry of the Kubernetes images in the Cluster API manifest. */
    imageRegistry: z.string().min(1, 'must not be empty').default('projects.packages.broadcom.com/tkg'),
    /** Where the bootstrap VM downloads kind, clusterctl and kubectl; upstream releases when empty. */
    binaryMirror: optionalUrl,
    /** Registry that replaces the repository of the provider images clusterctl installs. */
    providerImageRegistry: optionalText,
    /** Mirror of the clusterctl provider components and cert-manager; GitHub releases when empty. */
    componentsMirror: optionalUrl,
    /** VCD URL as the bootstrap VM and CAPVCD reach it; `vcd.url` when empty. */
    vcdUrlForClusters: optionalUrl,
    bootstrap: z
      .object({
        /** Catalog holding the bootstrap VM template; any catalog the org sees when empty. */
        catalog: optionalText,
        template: z.string().min(1, 'must not be empty').default('cse-bootstrap-ubuntu-2204'),
        sizingPolicy: z.string().min(1, 'must not be empty').default('TKG small'),
        /** Multiplies every bootstrap phase timeout (tests at high simulator speed use small values). */
        phaseTimeoutScale: z.coerce
          .number({ invalid_type_error: 'must be a number' })
          .positive('must be a positive number')
          .default(1),
      })
      .strict()
      .default({}),
    /** CNI (Antrea), CPI and CSI manifests; a cluster gets each one configured (none: no add-on). */
    addons: z.object({ antrea: addonManifest, cpi: addonManifest, csi: addonManifest }).strict().default({}),
    contour: z
      .object({
        /** Release manifest URL; ignored when `file` is set. */
        url: z
          .string()
          .url('must be an absolute URL')
          .default(
            'https://raw.githubusercontent.com/projectcontour/contour/v1.33.6/examples/render/contour.yaml',
          ),
        /** A local copy of the manifest (air-gapped installs). */
        file: optionalText,
        sha256: z
          .string()
          .regex(inputPatterns.sha256, 'must be 64 lowercase hex digits')
          .default('1d2e45c4bb31bea93085231d9b50e2c95ad92432253872b683e672eb7cecbbd8'),
        version: z.string().min(1).default('v1.33.6'),
        /** How long Contour and Envoy may take to become ready. */
        readyTimeoutMs: milliseconds.default(600_000),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({});

export type ClustersConfig = z.infer<typeof clustersConfigSchema>;
