/**
 * VCD's API-extension wire formats (reference `vcd-message-bus.md` §1.3–1.4, §2.5), built and read
 * without I/O: the AMQP request array, the MQTT `API_REQUEST`, and both kinds of reply.
 */

/** The HTTP request as VCD forwards it (its `HttpMessage`). */
export interface ForwardedRequest {
  id: string;
  method: string;
  /** The path only, e.g. `/api/cse/clusters`. */
  requestUri: string;
  /** The raw query without `?`, or null. */
  queryString: string | null;
  headers: Record<string, string>;
  body: Buffer;
  scheme: string;
  protocol: string;
  localAddr: string;
  localPort: number;
  remoteAddr: string;
  remotePort: number;
}

/** Who called, as VCD tells the extension. */
export interface CallerContext {
  /** `urn:vcloud:user:<uuid>` */
  user: string;
  /** `urn:vcloud:org:<uuid>` */
  org: string;
  /** Right ids (`urn:vcloud:right:<uuid>`). */
  rights: string[];
  /** The caller's bearer, for MQTT extensions to act as the caller. */
  apiAccessToken: string;
}

export interface ExtensionReply {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A reply the simulator cannot turn into an HTTP response (answered 502). */
export class MalformedReplyError extends Error {
  override readonly name = 'MalformedReplyError';
}

function connectionFields(request: ForwardedRequest) {
  return {
    id: request.id,
    method: request.method,
    requestUri: request.requestUri,
    queryString: request.queryString,
    headers: request.headers,
    body: request.body.toString('base64'),
    scheme: request.scheme,
    protocol: request.protocol,
    localAddr: request.localAddr,
    localPort: request.localPort,
    remoteAddr: request.remoteAddr,
    remotePort: request.remotePort,
  };
}

/** AMQP message body: JSON `[request, securityContext]` with the body in base64. */
export function amqpRequestBody(request: ForwardedRequest, caller: CallerContext): Buffer {
  const message = { ...connectionFields(request), request: true };
  const securityContext = { user: caller.user, org: caller.org, rights: caller.rights };
  return Buffer.from(JSON.stringify([message, securityContext]), 'utf8');
}

/** MQTT `API_REQUEST`: `httpRequest` is base64 of `{message, securityContext, context}`. */
export function mqttApiRequest(
  request: ForwardedRequest,
  caller: CallerContext,
  linkApiBaseUrl: string,
): Record<string, unknown> {
  const securityContext = {
    apiAccessToken: caller.apiAccessToken,
    user: caller.user,
    org: caller.org,
    rights: caller.rights,
    parameters: {},
  };
  // SL api-extensibility.md's Payload.HttpMessage has a field `isRequest` with accessors isRequest()/setRequest(),
  // which Jackson writes as `request` (as in the AMQP form); a Jackson reader of the doc's class rejects `isRequest`.
  const message = { request: true, ...connectionFields(request), statusCode: 0 };
  const httpRequest = Buffer.from(JSON.stringify({ message, securityContext, context: {} }), 'utf8');
  return {
    type: 'API_REQUEST',
    headers: { requestId: request.id, context: securityContext },
    httpRequest: httpRequest.toString('base64'),
    linkApiBaseUrl,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(raw: Buffer, what: string): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new MalformedReplyError(`${what} is not JSON`);
  }
}

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Reads `{statusCode, headers, body(base64)}`, the part both transports share. */
function readHttpReply(value: Record<string, unknown>, what: string): ExtensionReply {
  const status = value['statusCode'];
  const statusCode = typeof status === 'string' && /^\d{3}$/.test(status) ? Number(status) : status;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    throw new MalformedReplyError(`${what} has no valid "statusCode" (an integer from 100 to 599)`);
  }
  const rawHeaders = value['headers'] ?? {};
  if (!isObject(rawHeaders)) throw new MalformedReplyError(`${what} "headers" must be an object`);
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(rawHeaders)) {
    if (header === null || header === undefined) continue;
    if (typeof header === 'object')
      throw new MalformedReplyError(`${what} header "${name}" must be a string`);
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new MalformedReplyError(`${what} has an invalid header name "${name}"`);
    }
    headers[name] = String(header);
  }
  const rawBody = value['body'] ?? '';
  if (typeof rawBody !== 'string') throw new MalformedReplyError(`${what} "body" must be a base64 string`);
  const compact = rawBody.replace(/\r?\n/g, '');
  if (compact.length % 4 !== 0 || !base64.test(compact)) {
    throw new MalformedReplyError(`${what} "body" is not valid base64`);
  }
  return { statusCode, headers, body: Buffer.from(compact, 'base64') };
}

/** AMQP reply: `{id, headers, statusCode, body, request: false}` (CSE's form, reference §1.4). */
export function parseAmqpReply(content: Buffer): ExtensionReply {
  const parsed = parseJson(content, 'the AMQP reply');
  if (!isObject(parsed)) throw new MalformedReplyError('the AMQP reply must be a JSON object');
  return readHttpReply(parsed, 'the AMQP reply');
}

/** The kind and request id of an MQTT bus message on a respond topic; undefined when unreadable. */
export function readBusEnvelope(
  payload: Buffer,
): { type: string; headers: Record<string, unknown>; message: Record<string, unknown> } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || typeof parsed['type'] !== 'string') return undefined;
  return {
    type: parsed['type'],
    headers: isObject(parsed['headers']) ? parsed['headers'] : {},
    message: parsed,
  };
}

/** MQTT `API_RESPONSE`: `{type, headers: {requestId}, httpResponse: {statusCode, headers, body}}`. */
export function parseMqttApiResponse(message: Record<string, unknown>): ExtensionReply {
  const response = message['httpResponse'];
  if (!isObject(response)) throw new MalformedReplyError('the API_RESPONSE has no "httpResponse" object');
  return readHttpReply(response, 'the API_RESPONSE httpResponse');
}

/** VCD's headers are name → value; Node gives lower-case names, VCD's Java side capitalised ones. */
export function canonicalHeaderName(name: string): string {
  return name
    .split('-')
    .map((part) => (part ? part[0]!.toUpperCase() + part.slice(1) : part))
    .join('-');
}
