import express from 'express';
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import { listen } from '../net/listen.ts';

/** What `/readyz` asks: each check names a dependency and says whether it is usable now. */
export type ReadinessCheck = () => { name: string; ready: boolean; detail?: string };

export interface HealthServerOptions {
  host: string;
  port: number;
  registry: Registry;
  readiness: ReadinessCheck[];
  version: string;
}

export interface RunningHealthServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startHealthServer(options: HealthServerOptions): Promise<RunningHealthServer> {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: options.version });
  });

  app.get('/readyz', (_req, res) => {
    const checks = options.readiness.map((check) => check());
    const ready = checks.every((check) => check.ready);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(options.registry.contentType).send(await options.registry.metrics());
  });

  app.use((_req, res) => {
    res.status(404).json({ message: 'Not found: the worker serves /healthz, /readyz and /metrics' });
  });

  const server = await listen(app, options.host, options.port, 'worker health server');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
