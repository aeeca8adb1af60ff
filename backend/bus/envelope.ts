/**
 * VCD's API-extension wire formats (AMQP request array, MQTT API_REQUEST) decoded into one
 * `ExtensionRequest`, and our `ExtensionResponse` encoded back into each transport's reply form.
 * Field names follow VCD (see docs/configuration.md, "Message bus"); nothing here does I/O.
 */

/** Who is calling, as VCD tells us: the caller's user, org and rights. */
export interface SecurityContext {
  /** `urn:vcloud:user:<uuid>` */
  user: string;
  /** `urn:vcloud:org:<uuid>` */
  org: string;
  rights: string[];
  /** MQTT only: a VCD bearer token for the caller (also set as the `authorization` header). */
  apiAccessToken?: string;
  /** MQTT only: extra parameters VCD passes through. */
  parameters?: Record<string, unknown>;
}

/** Where the HTTP request reached VCD; informational. */
export interface ConnectionInfo {
  scheme?: string;
  protocol?: string;
  localAddr?: string;
  localPort?: number;
  remoteAddr?: string;
  remotePort?: number;
}

export interface ExtensionRequest {
  /** VCD's request id; the reply carries it back. */
  id: string;
  transport: 'amqp' | 'mqtt';
  method: string;
  /** The request path without host or query, e.g. `/api/cse/v1/about`. */
  path: string;
  /** The raw query string without `?`, empty when there is none. */
  queryString: string;
  query: URLSearchParams;
  /** HTTP headers with lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
  securityContext: SecurityContext;
  connection: ConnectionInfo;
  /** MQTT only: VCD's base URL for links in responses. */
  linkApiBaseUrl?: string;
}

export interface ExtensionResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body?: Buffer;
}

/** Why a message could not be decoded; `code` is stable, for metrics and the dead-letter header. */
export type EnvelopeErrorCode =
  | 'MESSAGE_TOO_LARGE'
  | 'NOT_JSON'
  | 'NOT_REQUEST_ARRAY'
  | 'NOT_OBJECT'
  | 'MISSING_ID'
  | 'MISSING_FIELD'
  | 'INVALID_FIELD'
  | 'BODY_NOT_BASE64'
  | 'BODY_TOO_LARGE'
  | 'UNKNOWN_TYPE';

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
  constructor(
    readonly code: EnvelopeErrorCode,
    message: string,
    /** Set when the request id was read before the problem: the request can then be answered with an error. */
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** The HTTP status a caller gets when the request can be answered despite the problem. */
  get statusCode(): number {
    return this.code === 'BODY_TOO_LARGE' ? 413 : 400;
  }
}

export interface DecodeLimits {
  /** Largest decoded request body accepted. */
  maxBodyBytes: number;
}

/** Base64 inflates by 4/3; JSON fields around the body need some room too. */
export function maxMessageBytes(limits: DecodeLimits): number {
  return Math.ceil((limits.maxBodyBytes * 4) / 3) + 64 * 1024;
}

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes strict base64 (line breaks allowed, as MIME encoders add them); `undefined` when invalid. */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.includes('\n') || text.includes('\r') ? text.replace(/\r?\n/g, '') : text;
  if (compact.length % 4 !== 0 || !base64Pattern.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

function base64DecodedLength(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.floor((text.length * 3) / 4) - padding;
}

/** The parser's own message quotes the input, which may hold a token: only its position is kept. */
export function jsonErrorDetail(error: unknown): string {
  const position = /position (\d+)/.exec((error as Error).message)?.[1];
  return position === undefined ? 'malformed JSON' : `malformed JSON at position ${position}`;
}

function parseJson(raw: Buffer | string, what: string, requestId?: string): unknown {
  try {
    return JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (error) {
    throw new EnvelopeError('NOT_JSON', `${what} is not JSON (${jsonErrorDetail(error)})`, requestId);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${typeof value}`;
}

function requireString(
  source: Record<string, unknown>,
  key: string,
  where: string,
  requestId?: string,
): string {
  const value = source[key];
  if (value === undefined || value === null || value === '') {
    throw new EnvelopeError('MISSING_FIELD', `${where} has no "${key}"`, requestId);
  }
  if (typeof value !== 'string') {
    throw new EnvelopeError(
      'INVALID_FIELD',
      `${where} field "${key}" must be a string, got ${describeType(value)}`,
      requestId,
    );
  }
  return value;
}

function optionalString(source: Record<string, unknown>, key: string): string | undefined {
  const value = source[key];
  return typeof value === 'string' ? value : undefined;
}

function optionalPort(source: Record<string, unknown>, key: string): number | undefined {
  const value = source[key];
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function readRequestId(message: Record<string, unknown>, where: string): string {
  const id = message['id'];
  if (id === undefined || id === null || id === '')
    throw new EnvelopeError('MISSING_ID', `${where} has no "id"`);
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw new EnvelopeError('MISSING_ID', `${where} "id" must be a string, got ${describeType(id)}`);
  }
  return String(id);
}

/** HTTP headers as VCD sends them (name → value), names lower-cased; non-string values are stringified. */
function readHeaders(value: unknown, where: string, requestId: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    throw new EnvelopeError(
      'INVALID_FIELD',
      `${where} "headers" must be an object of names to values`,
      requestId,
    );
  }
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (headerValue === undefined || headerValue === null) continue;
    headers[name.toLowerCase()] = Array.isArray(headerValue) ? headerValue.join(', ') : String(headerValue);
  }
  return headers;
}

function readBody(value: unknown, where: string, requestId: string, limits: DecodeLimits): Buffer {
  if (value === undefined || value === null || value === '') return Buffer.alloc(0);
  if (typeof value !== 'string') {
    throw new EnvelopeError(
      'BODY_NOT_BASE64',
      `${where} "body" must be a base64 string, got ${describeType(value)}`,
      requestId,
    );
  }
  // Checked before decoding so an oversize body costs no allocation.
  const size = base64DecodedLength(value.replace(/\r?\n/g, ''));
  if (size > limits.maxBodyBytes) {
    throw new EnvelopeError(
      'BODY_TOO_LARGE',
      `${where} body is ${size} bytes, over the limit of ${limits.maxBodyBytes} bytes`,
      requestId,
    );
  }
  const body = decodeBase64(value);
  if (!body) throw new EnvelopeError('BODY_NOT_BASE64', `${where} "body" is not valid base64`, requestId);
  return body;
}

/** Splits `requestUri` (which may carry a query, though VCD sends it in `queryString`) into path and query. */
function readTarget(
  message: Record<string, unknown>,
  where: string,
  requestId: string,
): { path: string; queryString: string } {
  const uri = requireString(message, 'requestUri', where, requestId);
  const queryField = message['queryString'];
  if (queryField !== undefined && queryField !== null && typeof queryField !== 'string') {
    throw new EnvelopeError('INVALID_FIELD', `${where} "queryString" must be a string or null`, requestId);
  }
  const questionMark = uri.indexOf('?');
  const path = questionMark >= 0 ? uri.slice(0, questionMark) : uri;
  const fromUri = questionMark >= 0 ? uri.slice(questionMark + 1) : '';
  const queryString = (typeof queryField === 'string' && queryField !== '' ? queryField : fromUri).replace(
    /^\?/,
    '',
  );
  if (!path.startsWith('/')) {
    throw new EnvelopeError(
      'INVALID_FIELD',
      `${where} "requestUri" must be a path starting with /`,
      requestId,
    );
  }
  return { path, queryString };
}

function readRights(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  // VCD's entry format is not documented (names or URNs, maybe objects with a name); keep what is readable.
  return value.flatMap((right) => {
    if (typeof right === 'string') return [right];
    if (isObject(right)) {
      const name = right['name'] ?? right['id'];
      return typeof name === 'string' ? [name] : [];
    }
    return [];
  });
}

function readSecurityContext(value: unknown, where: string, requestId: string): SecurityContext {
  if (!isObject(value)) {
    throw new EnvelopeError(
      'INVALID_FIELD',
      `${where} security context must be an object, got ${describeType(value)}`,
      requestId,
    );
  }
  const context: SecurityContext = {
    user: requireString(value, 'user', `${where} security context`, requestId),
    org: requireString(value, 'org', `${where} security context`, requestId),
    rights: readRights(value['rights']),
  };
  const token = optionalString(value, 'apiAccessToken');
  if (token) context.apiAccessToken = token;
  if (isObject(value['parameters'])) context.parameters = value['parameters'];
  return context;
}

/** The fields of VCD's HttpMessage shared by both transports. */
function readHttpMessage(
  message: Record<string, unknown>,
  requestId: string,
  where: string,
  limits: DecodeLimits,
): Omit<ExtensionRequest, 'id' | 'transport' | 'securityContext'> {
  const method = requireString(message, 'method', where, requestId).toUpperCase();
  if (!/^[A-Z]+$/.test(method))
    throw new EnvelopeError('INVALID_FIELD', `${where} "method" is not an HTTP method`, requestId);
  const { path, queryString } = readTarget(message, where, requestId);
  return {
    method,
    path,
    queryString,
    query: new URLSearchParams(queryString),
    headers: readHeaders(message['headers'], where, requestId),
    body: readBody(message['body'], where, requestId, limits),
    connection: {
      scheme: optionalString(message, 'scheme'),
      protocol: optionalString(message, 'protocol'),
      localAddr: optionalString(message, 'localAddr'),
      localPort: optionalPort(message, 'localPort'),
      remoteAddr: optionalString(message, 'remoteAddr'),
      remotePort: optionalPort(message, 'remotePort'),
    },
  };
}

/** Decodes an AMQP API-extension message: JSON `[request, securityContext]`. */
export function decodeAmqpRequest(content: Buffer, limits: DecodeLimits): ExtensionRequest {
  if (content.length > maxMessageBytes(limits)) {
    throw new EnvelopeError(
      'MESSAGE_TOO_LARGE',
      `message is ${content.length} bytes, over the limit of ${maxMessageBytes(limits)} bytes for a ${limits.maxBodyBytes}-byte body`,
    );
  }
  const parsed = parseJson(content, 'message');
  if (!Array.isArray(parsed) || parsed.length < 2) {
    throw new EnvelopeError(
      'NOT_REQUEST_ARRAY',
      `message must be a JSON array [request, securityContext], got ${describeType(parsed)}`,
    );
  }
  const [message, context] = parsed as unknown[];
  if (!isObject(message)) {
    throw new EnvelopeError(
      'NOT_REQUEST_ARRAY',
      `message[0] must be the request object, got ${describeType(message)}`,
    );
  }
  const id = readRequestId(message, 'request');
  return {
    id,
    transport: 'amqp',
    ...readHttpMessage(message, id, 'request', limits),
    securityContext: readSecurityContext(context, 'request', id),
  };
}

/** The kinds of MQTT bus message we act on; consumers ignore the others (VCD's rule). */
export type MqttMessageType = 'API_REQUEST' | 'BEHAVIOR_INVOCATION';

/** Parses the shared MQTT bus envelope `{type, headers, …}` and says what it is; `undefined` for types we ignore. */
export function readMqttMessageType(
  raw: Buffer,
  limits: DecodeLimits,
): { type: MqttMessageType | undefined; message: Record<string, unknown> } {
  // The body is base64 inside `httpRequest`, itself base64: allow for both.
  const limit = maxMessageBytes({ maxBodyBytes: Math.ceil((limits.maxBodyBytes * 4) / 3) });
  if (raw.length > limit) {
    throw new EnvelopeError(
      'MESSAGE_TOO_LARGE',
      `message is ${raw.length} bytes, over the limit of ${limit} bytes`,
    );
  }
  const message = parseJson(raw, 'message');
  if (!isObject(message))
    throw new EnvelopeError('NOT_OBJECT', `message must be a JSON object, got ${describeType(message)}`);
  const type = message['type'];
  if (typeof type !== 'string') throw new EnvelopeError('MISSING_FIELD', 'message has no "type"');
  return { type: type === 'API_REQUEST' || type === 'BEHAVIOR_INVOCATION' ? type : undefined, message };
}

/** Decodes an MQTT `API_REQUEST`: base64 `httpRequest` holding `{message, securityContext, context}`. */
export function decodeMqttRequest(envelope: Record<string, unknown>, limits: DecodeLimits): ExtensionRequest {
  const headers = envelope['headers'];
  if (!isObject(headers)) throw new EnvelopeError('MISSING_FIELD', 'API_REQUEST has no "headers" object');
  const requestId = headers['requestId'];
  if (typeof requestId !== 'string' || requestId === '')
    throw new EnvelopeError('MISSING_ID', 'API_REQUEST headers have no "requestId"');

  const encoded = envelope['httpRequest'];
  if (typeof encoded !== 'string' || encoded === '') {
    throw new EnvelopeError('MISSING_FIELD', 'API_REQUEST has no "httpRequest"', requestId);
  }
  const decoded = decodeBase64(encoded);
  if (!decoded)
    throw new EnvelopeError('BODY_NOT_BASE64', 'API_REQUEST "httpRequest" is not valid base64', requestId);
  const inner = parseJson(decoded, 'API_REQUEST "httpRequest"', requestId);
  if (!isObject(inner) || !isObject(inner['message'])) {
    throw new EnvelopeError(
      'INVALID_FIELD',
      'API_REQUEST "httpRequest" must hold {message, securityContext}',
      requestId,
    );
  }
  const context = inner['securityContext'] ?? headers['context'];
  const request: ExtensionRequest = {
    id: requestId,
    transport: 'mqtt',
    ...readHttpMessage(inner['message'], requestId, 'API_REQUEST', limits),
    securityContext: readSecurityContext(context, 'API_REQUEST', requestId),
  };
  // As CSE does: the caller's VCD token is the one to act with.
  if (request.securityContext.apiAccessToken) {
    request.headers['authorization'] = `Bearer ${request.securityContext.apiAccessToken}`;
  }
  const linkApiBaseUrl = optionalString(envelope, 'linkApiBaseUrl');
  if (linkApiBaseUrl) request.linkApiBaseUrl = linkApiBaseUrl;
  return request;
}

/** Reply headers with Content-Type (JSON unless set) and Content-Length: an integer as CSE sends over AMQP,
 * a string over MQTT where VCD's HttpMessage headers are a map of strings. */
function replyHeaders(
  response: ExtensionResponse,
  body: Buffer,
  lengthAs: 'number' | 'string',
): Record<string, string | number> {
  const headers: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (name.toLowerCase() !== 'content-length') headers[name] = value;
  }
  if (body.length > 0 && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  headers['Content-Length'] = lengthAs === 'number' ? body.length : String(body.length);
  return headers;
}

/** AMQP reply: `{id, headers, statusCode, body (base64), request: false}`. */
export function encodeAmqpReply(requestId: string, response: ExtensionResponse): Buffer {
  const body = response.body ?? Buffer.alloc(0);
  return Buffer.from(
    JSON.stringify({
      id: requestId,
      headers: replyHeaders(response, body, 'number'),
      statusCode: response.statusCode,
      body: body.toString('base64'),
      request: false,
    }),
  );
}

/** MQTT reply: `{type: API_RESPONSE, headers: {requestId}, httpResponse: {statusCode, headers, body (base64)}}`. */
export function encodeMqttReply(requestId: string, response: ExtensionResponse): Buffer {
  const body = response.body ?? Buffer.alloc(0);
  return Buffer.from(
    JSON.stringify({
      type: 'API_RESPONSE',
      headers: { requestId },
      httpResponse: {
        statusCode: response.statusCode,
        headers: replyHeaders(response, body, 'string'),
        body: body.toString('base64'),
      },
    }),
  );
}
