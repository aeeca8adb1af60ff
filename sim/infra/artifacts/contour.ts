import { Router } from 'express';
import type { SimContext } from '../../context.ts';
import { addonArtifactRoutes, artifactContent } from './addons.ts';

/**
 * The simulated world has no internet, so the simulator mirrors the one release artifact clusters need: a
 * Contour-shaped manifest written for this project (`contour-v1.33.6.yaml` beside this file). Workers pointed at
 * the simulator use its URL and sha256 (`contourArtifact(simUrl)`).
 */
const CONTOUR_VERSION = 'v1.33.6';
export const CONTOUR_ARTIFACT_PATH = `/sim-artifacts/contour/${CONTOUR_VERSION}/contour.yaml`;

const artifact = () => artifactContent('contour-v1.33.6.yaml');

export function contourArtifact(simUrl: string): { url: string; sha256: string; version: string } {
  return {
    url: `${simUrl.replace(/\/+$/, '')}${CONTOUR_ARTIFACT_PATH}`,
    sha256: artifact().sha256,
    version: CONTOUR_VERSION,
  };
}

/** `GET /sim-artifacts/contour/v1.33.6/contour.yaml` (no login, like a public release download). */
export function artifactsArea(_ctx: SimContext): Router {
  const router = Router();
  router.get(CONTOUR_ARTIFACT_PATH, (_req, res) => {
    res.type('application/yaml').send(artifact().text);
  });
  router.use(addonArtifactRoutes());
  return router;
}
