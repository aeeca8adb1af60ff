import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Serves the built portal at VCD's portal URLs: `/tenant/{org}` for tenants and `/provider` for
 * the System org. The portal is a single-page app, so every page under those prefixes is index.html.
 */
export function portalRouter(portalDir: string | undefined): Router {
  const router = Router();
  const index = portalDir ? join(resolve(portalDir), 'index.html') : undefined;
  const built = index !== undefined && existsSync(index);

  // The portal's scripts and styles have hashed names at the root, like index.html's <base href="/">.
  if (built)
    router.use(express.static(resolve(portalDir!), { index: false, maxAge: '1h', fallthrough: true }));

  const page: express.RequestHandler = (_req, res) => {
    if (!built) {
      res
        .status(503)
        .type('text/plain')
        .send('The portal is not built. Run `npm run build:ui` (npm start does this for you), then reload.');
      return;
    }
    res.sendFile(index!);
  };
  router.get('/', (_req, res) => res.redirect('/provider'));
  router.get(['/tenant/:org', '/tenant/:org/{*rest}', '/provider', '/provider/{*rest}'], page);
  return router;
}
