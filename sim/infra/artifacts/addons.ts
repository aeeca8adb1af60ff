import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Router } from 'express';

/**
 * The add-on release manifests clusters need (CNI, CPI, CSI), mirrored by the simulator like Contour's: files
 * written for this project in the shape of the upstream ones (beside this file), served without login at
 * `/sim-artifacts/<add-on>/<version>/<file>`. Workers pointed at the simulator use `addonArtifacts(simUrl)`.
 */
const artifacts = {
  antrea: { version: 'v1.15.1', file: 'antrea-v1.15.1.yaml', served: 'antrea.yml' },
  cpi: { version: '1.6.0', file: 'cloud-director-ccm-1.6.0.yaml', served: 'cloud-director-ccm.yaml' },
  csi: { version: '1.6.0', file: 'csi-driver-1.6.0.yaml', served: 'csi-driver.yaml' },
} as const;

export type AddonArtifactName = keyof typeof artifacts;

const pathOf = (name: AddonArtifactName) =>
  `/sim-artifacts/${name}/${artifacts[name].version}/${artifacts[name].served}`;

const cache = new Map<string, { text: Buffer; sha256: string }>();
/** A manifest file beside this module (Contour's too), read and hashed once. */
export function artifactContent(file: string): { text: Buffer; sha256: string } {
  let entry = cache.get(file);
  if (!entry) {
    const text = readFileSync(new URL(`./${file}`, import.meta.url));
    entry = { text, sha256: createHash('sha256').update(text).digest('hex') };
    cache.set(file, entry);
  }
  return entry;
}

const contentOf = (name: AddonArtifactName) => artifactContent(artifacts[name].file);

/** URL, sha256 and version of each add-on manifest as this simulator serves it. */
export function addonArtifacts(
  simUrl: string,
): Record<AddonArtifactName, { url: string; sha256: string; version: string }> {
  const base = simUrl.replace(/\/+$/, '');
  const entry = (name: AddonArtifactName) => ({
    url: `${base}${pathOf(name)}`,
    sha256: contentOf(name).sha256,
    version: artifacts[name].version,
  });
  return { antrea: entry('antrea'), cpi: entry('cpi'), csi: entry('csi') };
}

export function addonArtifactRoutes(): Router {
  const router = Router();
  for (const name of Object.keys(artifacts) as AddonArtifactName[])
    router.get(pathOf(name), (_req, res) => {
      res.type('application/yaml').send(contentOf(name).text);
    });
  return router;
}
