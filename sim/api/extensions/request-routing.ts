import { randomUUID } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { SimContext } from '../../context.ts';
import { principalOf, type Principal } from '../../http/auth.ts';
import { defaultJsonBodyLimit } from '../../http/body.ts';
import { fail, VcdHttpError, vcdError } from '../../http/errors.ts';
import { AmqpPublishError } from '../../bus/amqp-bus.ts';
import { simBus } from '../../bus/sim-bus.ts';
import { mqttTopics, routeFor, type ExtensionService } from './extension-services.ts';
import {
  amqpRequestBody,
  canonicalHeaderName,
  MalformedReplyError,
  mqttApiRequest,
  parseAmqpReply,
  parseMqttApiResponse,
  type CallerContext,
  type ExtensionReply,
  type ForwardedRequest,
} from './wire-format.ts';

/** Default reply timeout of API extensions at speed 1 (VCD's is not documented; 30 s guessed). */
export const extensionReplyClass = 'apiExtensionReply';
/** An extension's own work does not get faster with `--speed`: never wait less than this. */
const minimumTimeoutMs = 2000;

const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length']);

/**
 * Reads the raw body of requests bound for an extension (registered in `server.ts` before the
 * JSON parser): VCD forwards the exact bytes, base64-encoded.
 */
export function extensionRequestBodies(ctx: SimContext): RequestHandler {
  const raw = express.raw({
    type: () => true,
    limit: ctx.options.jsonBodyLimitBytes ?? defaultJsonBodyLimit,
  });
  return (req, res, next) => {
    if (routeFor(ctx.store.world, req.path)) raw(req, res, next);
    else next();
  };
}

function forwardedRequest(req: Request): ForwardedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || hopByHop.has(name)) continue;
    headers[canonicalHeaderName(name)] = Array.isArray(value) ? value.join(', ') : value;
  }
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (body.length > 0) headers['Content-Length'] = String(body.length);
  const question = req.originalUrl.indexOf('?');
  return {
    id: randomUUID(),
    method: req.method,
    requestUri: req.path,
    queryString: question >= 0 ? req.originalUrl.slice(question + 1) : null,
    headers,
    body,
    scheme: req.protocol,
    protocol: `HTTP/${req.httpVersion}`,
    localAddr: req.socket.localAddress ?? '',
    localPort: req.socket.localPort ?? 0,
    remoteAddr: req.socket.remoteAddress ?? '',
    remotePort: req.socket.remotePort ?? 0,
  };
}

function callerContext(ctx: SimContext, principal: Principal): CallerContext {
  const rights = Object.values(ctx.store.world.rights)
    .filter((right) => principal.rights.has(right.name))
    .map((right) => right.id);
  return {
    user: principal.user.id,
    org: principal.effectiveOrg.id,
    rights,
    apiAccessToken: principal.accessToken,
  };
}

function replyTimeoutMs(ctx: SimContext): number {
  return (
    ctx.options.extensionTimeoutMs ?? Math.max(minimumTimeoutMs, ctx.latency.durationOf(extensionReplyClass))
  );
}

async function exchange(
  ctx: SimContext,
  service: ExtensionService,
  request: ForwardedRequest,
  caller: CallerContext,
  signal: AbortSignal,
): Promise<ExtensionReply> {
  const bus = simBus(ctx);
  if (service.transport === 'mqtt') {
    const message = mqttApiRequest(request, caller, `${ctx.publicUrl()}/api`);
    const reply = await bus.mqtt.request(mqttTopics(service), request.id, message, signal);
    return parseMqttApiResponse(reply.message);
  }
  if (!bus.amqp) {
    fail('badGateway', {
      reason: `The extension service ${service.name} uses AMQP, but the simulator was started without --amqp.`,
    });
  }
  const reply = await bus.amqp.request(
    {
      exchange: service.exchange,
      routingKey: service.routingKey,
      correlationId: request.id,
      content: amqpRequestBody(request, caller),
      headers: { messageType: 'ProcessHttpRequest' },
    },
    signal,
  );
  return parseAmqpReply(reply.content);
}

function send(res: Response, reply: ExtensionReply): void {
  res.status(reply.statusCode);
  for (const [name, value] of Object.entries(reply.headers)) {
    if (!hopByHop.has(name.toLowerCase())) res.setHeader(name, value);
  }
  res.end(reply.body);
}

/**
 * Routes a request whose path matches an enabled service's filter to that extension: over AMQP
 * for services registered at `/api/admin/extension/service`, over the embedded MQTT broker for
 * `/cloudapi/extensions/api` ones. The caller is authenticated like any VCD call first.
 */
export function extensionRouting(ctx: SimContext): RequestHandler {
  ctx.latency.define(extensionReplyClass, 30_000);
  ctx.versionExemptPaths.push((path) => routeFor(ctx.store.world, path) !== undefined);
  return (req, res, next) => {
    const service = routeFor(ctx.store.world, req.path);
    if (!service) return next();
    const principal = principalOf(req);
    if (service.authorizationEnabled) {
      // No resource classes or ACL rules are simulated: VCD then rejects every call.
      fail('missingRight', {
        rights: `an ACL rule of extension service ${service.name}`,
        operation: `${req.method} ${req.path}`,
      });
    }
    const request = forwardedRequest(req);
    const caller = callerContext(ctx, principal);
    const timeoutMs = replyTimeoutMs(ctx);
    const timer = new AbortController();
    const stop = new AbortController();
    void ctx.clock
      .sleep(timeoutMs, stop.signal)
      .then(() =>
        timer.abort(
          vcdError('gatewayTimeout', {
            reason: `The extension service ${service.name} did not reply within ${timeoutMs} ms.`,
          }),
        ),
      )
      .catch(() => undefined);
    exchange(ctx, service, request, caller, timer.signal)
      .then((reply) => send(res, reply))
      .catch((error: unknown) => {
        if (error instanceof VcdHttpError) return next(error);
        if (error instanceof MalformedReplyError) {
          return next(
            vcdError('badGateway', {
              reason: `The extension service ${service.name} sent a malformed reply: ${error.message}.`,
            }),
          );
        }
        if (error instanceof AmqpPublishError) {
          return next(
            vcdError('badGateway', {
              reason: `Cannot forward the request to extension service ${service.name}: ${error.message}.`,
            }),
          );
        }
        next(
          vcdError('badGateway', {
            reason: `Cannot forward the request to extension service ${service.name}: ${(error as Error)?.message ?? String(error)}.`,
          }),
        );
      })
      .finally(() => stop.abort());
  };
}
