import express, { type ErrorRequestHandler } from 'express';
import type { Server } from 'node:http';
import { versionsRouter } from './api/versions/versions.ts';
import { listenHttp } from './net.ts';
import type { SimulatorOptions } from './options.ts';
import { portalRouter } from './portal/portal.ts';

export interface RunningSimulator {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  let publicUrl = `http://${options.host}:${options.port}`;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(versionsRouter(() => publicUrl));
  app.use(portalRouter(options.portalDir));

  app.use((req, res) => {
    res
      .status(404)
      .json(vcdError(404, 'RESOURCE_NOT_FOUND', `No resource found for ${req.method} ${req.path}`));
  });
  const onError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    res.status(500).json(vcdError(500, 'INTERNAL_SERVER_ERROR', (error as Error).message));
  };
  app.use(onError);

  const server = await listenHttp(app, options.host, options.port);
  const address = server.address();
  if (typeof address === 'object' && address) publicUrl = `http://${options.host}:${address.port}`;

  return {
    url: publicUrl,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** VCD's JSON error body (the `Error` type of the vCloud API). */
export function vcdError(statusCode: number, minorErrorCode: string, message: string) {
  return { minorErrorCode, message, majorErrorCode: statusCode, stackTrace: null };
}
