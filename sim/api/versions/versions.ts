import { Router } from 'express';

/**
 * API versions the simulator speaks, oldest first. VCD 10.5 answers 37.2 as its newest; the
 * worker and plugin negotiate from this list like against a real cell.
 */
export const supportedApiVersions = [
  '36.0',
  '36.1',
  '36.2',
  '36.3',
  '37.0',
  '37.1',
  '37.2',
  '37.3',
  '38.0',
  '38.1',
];

/** `GET /api/versions`: unauthenticated, the first call every VCD client makes. */
export function versionsRouter(publicUrl: () => string): Router {
  const router = Router();
  router.get('/api/versions', (_req, res) => {
    res.type('application/json').json({
      versionInfo: supportedApiVersions.map((version) => ({
        version,
        loginUrl: `${publicUrl()}/api/sessions`,
        mediaTypeMapping: [],
        deprecated: false,
      })),
    });
  });
  // VCD's load-balancer health check answers plain text.
  router.get('/cloud/server_status', (_req, res) => {
    res.type('text/plain').send('Service is up.');
  });
  return router;
}
