import { Router } from 'express';
import type { SimContext } from '../../context.ts';
import { simBus } from '../../bus/sim-bus.ts';
import { cloudapiExtensionRoutes } from './cloudapi-extensions.ts';
import { extensionApiId, extensionsSlice, mqttTopics } from './extension-services.ts';
import { legacyServiceRoutes } from './legacy-services.ts';
import { extensionRouting } from './request-routing.ts';

/**
 * Lets an extension log in to the embedded broker as VCD does: user name `vendor/name/version`,
 * password an EXTENSION token (`POST /cloudapi/1.0.0/tokens`) issued for that extension. It may
 * subscribe to its monitor topic and publish to its respond topic, nothing else.
 */
function extensionBrokerLogins(ctx: SimContext): void {
  simBus(ctx).addAuthenticator((username, password) => {
    const [vendor, name, version, ...rest] = username.split('/');
    if (!vendor || !name || !version || rest.length > 0 || !password) return undefined;
    const id = extensionApiId({ vendor, name, version });
    const world = ctx.store.world;
    const service = Object.values(extensionsSlice.of(world).services).find(
      (candidate) => candidate.transport === 'mqtt' && extensionApiId(candidate) === id,
    );
    if (!service) return undefined;
    const token = Object.values(world.apiTokens).find(
      (candidate) =>
        candidate.type === 'EXTENSION' && candidate.secret === password && candidate.extensionId === id,
    );
    if (!token || (token.expirationDate && Date.parse(token.expirationDate) <= ctx.clock.now()))
      return undefined;
    const topics = mqttTopics(service);
    return { subscribe: [topics.monitor], publish: [topics.respond] };
  });
}

/**
 * API extensions: both registration APIs, and the routing of matching requests to the bus. The
 * routing runs first, so a registered filter takes a URL over the simulator's own routes, as in VCD.
 */
export function extensionsArea(ctx: SimContext): Router {
  extensionBrokerLogins(ctx);
  const router = Router();
  router.use(extensionRouting(ctx), legacyServiceRoutes(ctx), cloudapiExtensionRoutes(ctx));
  return router;
}
