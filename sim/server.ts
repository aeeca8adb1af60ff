import express, { type RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { adminArea } from './api/admin/admin.ts';
import { albArea } from './api/alb/alb.ts';
import { catalogsArea } from './api/catalogs/catalogs.ts';
import { computeArea } from './api/compute/vdcs.ts';
import { extensionsArea } from './api/extensions/extensions-area.ts';
import { extensionRequestBodies } from './api/extensions/request-routing.ts';
import { ipSpacesArea } from './api/ip-spaces/ip-spaces.ts';
import { networkArea } from './api/network/network.ts';
import { orgsArea } from './api/orgs/orgs.ts';
import { queryArea } from './api/query/query.ts';
import { rdeArea } from './api/rde/rde-area.ts';
import { rightsArea } from './api/rights/rights-area.ts';
import { bearerAuthentication } from './api/sessions/bearer.ts';
import { sessionsArea } from './api/sessions/sessions.ts';
import { tasksArea } from './api/tasks/tasks.ts';
import { tokensArea } from './api/tokens/tokens-area.ts';
import { uiPluginsArea } from './api/ui-plugins/ui-plugins-area.ts';
import { usersArea } from './api/users/users.ts';
import { vAppsArea } from './api/vapps/vapps.ts';
import { supportedApiVersions, versionsRouter } from './api/versions/versions.ts';
import { busArea } from './bus/bus-area.ts';
import { createContext, type SimArea } from './context.ts';
import { negotiateApiVersion } from './http/api-version.ts';
import { jsonBodies } from './http/body.ts';
import { errorMiddleware, routeNotFound } from './http/error-handler.ts';
import { faultListSchema, faultMiddleware, type FaultRule } from './infra/faults.ts';
import { artifactsArea } from './infra/artifacts/contour.ts';
import { bootstrapEmulationArea } from './infra/bootstrap/bootstrap-area.ts';
import { listenHttp } from './net.ts';
import { SimulatorStartError, type SimulatorOptions } from './options.ts';
import { portalRouter } from './portal/portal.ts';
import { seedWorld } from './world/seed.ts';
import { loadStateFile, WorldStore } from './world/store.ts';

/**
 * The API areas, one line each. An area is `(ctx: SimContext) => Router` (see `context.ts`);
 * its routes see `req.principal` (bearer checked), `req.apiVersion` and parsed JSON bodies.
 */
const areas: SimArea[] = [
  extensionsArea, // first: a registered API filter takes its URLs over the simulator's own routes
  busArea,
  uiPluginsArea,
  sessionsArea,
  tokensArea,
  orgsArea,
  usersArea,
  rightsArea,
  tasksArea,
  rdeArea,
  computeArea,
  catalogsArea,
  queryArea,
  vAppsArea,
  networkArea,
  ipSpacesArea,
  albArea,
  bootstrapEmulationArea, // the emulated bootstrap VM and CAPVCD behind vApps (+ admin /sim/bootstraps)
  artifactsArea, // release artifacts the simulated world downloads (the Contour manifest)
];

export interface RunningSimulator {
  url: string;
  server: Server;
  close(): Promise<void>;
}

async function readFaultsFile(file: string): Promise<FaultRule[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new SimulatorStartError(`simulator: cannot read faults file ${file}: ${(error as Error).message}`);
  }
  const result = faultListSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new SimulatorStartError(
      `simulator: faults file ${file}: ${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
  }
  return result.data.faults;
}

/** Marks the world changed after every successful mutating request (the state file follows). */
function persistMutations(store: WorldStore): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS') {
      res.on('finish', () => {
        if (res.statusCode < 400) store.changed();
      });
    }
    next();
  };
}

const requestIds: RequestHandler = (_req, res, next) => {
  res.setHeader('X-VMWARE-VCLOUD-REQUEST-ID', randomUUID());
  next();
};

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const loaded = options.stateFile ? await loadStateFile(options.stateFile) : undefined;
  const store = new WorldStore(loaded ?? seedWorld(options.seed), options.stateFile);
  const { ctx, hooks, setPublicUrl } = createContext(options, store);
  if (loaded) ctx.tasks.failInterrupted();
  const faults = [
    ...(options.faultsFile ? await readFaultsFile(options.faultsFile) : []),
    ...(options.faults ?? []),
  ];
  ctx.faults.set(faults);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestIds);
  app.use(persistMutations(store));
  app.use(extensionRequestBodies(ctx)); // raw bytes for API-extension URLs, before the JSON parser
  app.use(jsonBodies(options.jsonBodyLimitBytes));
  app.use(adminArea(ctx));
  app.use(
    negotiateApiVersion(supportedApiVersions, (path) =>
      ctx.versionExemptPaths.some((exempt) => exempt(path)),
    ),
  );
  app.use(versionsRouter(ctx.publicUrl));
  app.use(faultMiddleware(ctx.faults, (simulatedMs) => ctx.clock.sleep(ctx.latency.scaled(simulatedMs))));
  app.use(bearerAuthentication(ctx));
  for (const area of areas) app.use(area(ctx));
  app.use(portalRouter(options.portalDir));
  app.use(routeNotFound);
  app.use(errorMiddleware);

  const server = await listenHttp(app, options.host, options.port);
  const address = server.address();
  const publicUrl =
    typeof address === 'object' && address
      ? `http://${options.host}:${address.port}`
      : `http://${options.host}:${options.port}`;
  setPublicUrl(publicUrl);
  for (const listener of hooks.listening) await listener(server);
  if (!loaded && options.stateFile) store.changed();

  let closing: Promise<void> | undefined;
  return {
    url: publicUrl,
    server,
    close: () =>
      (closing ??= (async () => {
        for (const listener of hooks.closing) await listener();
        ctx.clock.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await store.flush();
      })()),
  };
}
