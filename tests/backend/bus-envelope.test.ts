import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeBehaviorInvocation,
  encodeBehaviorFailure,
  encodeBehaviorProgress,
  encodeBehaviorSuccess,
} from '../../backend/bus/behavior-envelope.ts';
import {
  EnvelopeError,
  decodeAmqpRequest,
  decodeMqttRequest,
  encodeAmqpReply,
  encodeMqttReply,
  readMqttMessageType,
  type EnvelopeErrorCode,
} from '../../backend/bus/envelope.ts';
import { backoffDelay } from '../../backend/bus/backoff.ts';
import { ReplyCache } from '../../backend/bus/reply-cache.ts';
import { jsonResponse } from '../../backend/bus/responses.ts';
import { tenantContext, vcdRequestArray } from './bus-fake-vcd.ts';

const limits = { maxBodyBytes: 1024 };
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

function decodeFailure(content: Buffer): EnvelopeError {
  try {
    decodeAmqpRequest(content, limits);
  } catch (error) {
    assert.ok(error instanceof EnvelopeError, `expected an EnvelopeError, got ${String(error)}`);
    return error;
  }
  assert.fail('decoding should have failed');
}

function assertFails(content: Buffer, code: EnvelopeErrorCode, message: RegExp, requestId?: string): void {
  const error = decodeFailure(content);
  assert.equal(error.code, code);
  assert.match(error.message, message);
  assert.equal(error.requestId, requestId);
}

describe('AMQP request envelope', () => {
  it('decodes VCD request array into method, path, query, lower-cased headers, body and security context', () => {
    const [request, context] = vcdRequestArray({
      id: 'req-1',
      method: 'post',
      requestUri: '/api/cse/v1/clusters',
      queryString: 'page=2&filter=name==a',
      headers: { Accept: 'application/json;version=37.2', 'Content-Type': 'application/json' },
      body: '{"name":"a"}',
    });
    const decoded = decodeAmqpRequest(json([request, context]), limits);
    assert.equal(decoded.id, 'req-1');
    assert.equal(decoded.transport, 'amqp');
    assert.equal(decoded.method, 'POST');
    assert.equal(decoded.path, '/api/cse/v1/clusters');
    assert.equal(decoded.queryString, 'page=2&filter=name==a');
    assert.equal(decoded.query.get('filter'), 'name==a');
    assert.equal(decoded.headers['content-type'], 'application/json');
    assert.equal(decoded.body.toString(), '{"name":"a"}');
    assert.deepEqual(decoded.securityContext, tenantContext);
    assert.deepEqual(decoded.connection, {
      scheme: 'https',
      protocol: 'HTTP/1.1',
      localAddr: '10.0.0.1',
      localPort: 443,
      remoteAddr: '10.0.0.99',
      remotePort: 51234,
    });
  });

  it('takes the query from requestUri when queryString is null, and an empty body as empty', () => {
    const [request, context] = vcdRequestArray({
      requestUri: '/api/cse/v1/clusters?page=3',
      queryString: null,
    });
    const decoded = decodeAmqpRequest(json([request, context]), limits);
    assert.equal(decoded.path, '/api/cse/v1/clusters');
    assert.equal(decoded.query.get('page'), '3');
    assert.equal(decoded.body.length, 0);
  });

  it('rejects a payload that is not JSON without quoting it', () => {
    assertFails(Buffer.from('Bearer secret-token-in-garbage'), 'NOT_JSON', /^message is not JSON/);
    assert.doesNotMatch(decodeFailure(Buffer.from('Bearer secret-token-in-garbage')).message, /secret/);
  });

  it('rejects anything but an array of request and security context', () => {
    assertFails(
      json({ id: 'x' }),
      'NOT_REQUEST_ARRAY',
      /must be a JSON array \[request, securityContext\], got a object/,
    );
    assertFails(json([{ id: 'x' }]), 'NOT_REQUEST_ARRAY', /got an array of 1/);
    assertFails(
      json(['x', {}]),
      'NOT_REQUEST_ARRAY',
      /message\[0\] must be the request object, got a string/,
    );
  });

  it('rejects a request without an id', () => {
    const [request, context] = vcdRequestArray();
    delete (request as Record<string, unknown>)['id'];
    assertFails(json([request, context]), 'MISSING_ID', /request has no "id"/);
  });

  it('names the request id when the body is not base64, so the caller can get a 400', () => {
    const [request, context] = vcdRequestArray({ id: 'req-b64' });
    (request as Record<string, unknown>)['body'] = 'not base64!';
    const error = decodeFailure(json([request, context]));
    assert.equal(error.code, 'BODY_NOT_BASE64');
    assert.equal(error.requestId, 'req-b64');
    assert.equal(error.statusCode, 400);
  });

  it('refuses a body over the limit with 413, before decoding it', () => {
    const [request, context] = vcdRequestArray({
      id: 'req-big',
      method: 'POST',
      body: Buffer.alloc(1025, 1),
    });
    const error = decodeFailure(json([request, context]));
    assert.equal(error.code, 'BODY_TOO_LARGE');
    assert.equal(error.statusCode, 413);
    assert.match(error.message, /1025 bytes, over the limit of 1024 bytes/);
  });

  it('refuses a whole message far over the limit without parsing it', () => {
    assertFails(Buffer.alloc(200_000, 0x20), 'MESSAGE_TOO_LARGE', /over the limit/);
  });

  it('requires user and org in the security context', () => {
    const [request] = vcdRequestArray({ id: 'req-ctx' });
    assertFails(
      json([request, { org: 'urn:vcloud:org:1' }]),
      'MISSING_FIELD',
      /security context has no "user"/,
      'req-ctx',
    );
    assertFails(json([request, null]), 'INVALID_FIELD', /security context must be an object/, 'req-ctx');
  });

  it('requires a path in requestUri and an HTTP method', () => {
    const [request, context] = vcdRequestArray({ id: 'r', requestUri: 'api/cse' });
    assertFails(json([request, context]), 'INVALID_FIELD', /requestUri/, 'r');
    const [noMethod] = vcdRequestArray({ id: 'r2' });
    delete (noMethod as Record<string, unknown>)['method'];
    assertFails(json([noMethod, context]), 'MISSING_FIELD', /no "method"/, 'r2');
  });
});

describe('reply encoding', () => {
  it('encodes the AMQP reply as {id, headers, statusCode, body base64, request: false}', () => {
    const reply = JSON.parse(encodeAmqpReply('req-1', jsonResponse(200, { ok: true })).toString()) as Record<
      string,
      unknown
    >;
    assert.deepEqual(reply, {
      id: 'req-1',
      headers: { 'Content-Type': 'application/json', 'Content-Length': 11 },
      statusCode: 200,
      body: Buffer.from('{"ok":true}').toString('base64'),
      request: false,
    });
  });

  it('encodes the MQTT API_RESPONSE with the request id and string headers', () => {
    const reply = JSON.parse(encodeMqttReply('req-2', { statusCode: 204 }).toString()) as Record<
      string,
      unknown
    >;
    assert.deepEqual(reply, {
      type: 'API_RESPONSE',
      headers: { requestId: 'req-2' },
      httpResponse: { statusCode: 204, headers: { 'Content-Length': '0' }, body: '' },
    });
  });
});

describe('MQTT request envelope', () => {
  function apiRequest(inner: unknown, requestId = 'mq-1'): Buffer {
    return json({
      type: 'API_REQUEST',
      headers: { requestId, context: {} },
      httpRequest: Buffer.from(JSON.stringify(inner)).toString('base64'),
      linkApiBaseUrl: 'https://vcd.example/api',
    });
  }

  it('decodes API_REQUEST and acts with the caller token from the security context', () => {
    const [message] = vcdRequestArray({ id: 'inner-id', requestUri: '/api/cse/v1/about', headers: {} });
    const raw = apiRequest({
      message,
      securityContext: { ...tenantContext, apiAccessToken: 'user-jwt' },
      context: {},
    });
    const envelope = readMqttMessageType(raw, limits);
    assert.equal(envelope.type, 'API_REQUEST');
    const request = decodeMqttRequest(envelope.message, limits);
    assert.equal(request.id, 'mq-1');
    assert.equal(request.transport, 'mqtt');
    assert.equal(request.path, '/api/cse/v1/about');
    assert.equal(request.headers['authorization'], 'Bearer user-jwt');
    assert.equal(request.securityContext.org, tenantContext.org);
    assert.equal(request.linkApiBaseUrl, 'https://vcd.example/api');
  });

  it('ignores bus message types it does not handle and rejects non-objects', () => {
    assert.equal(readMqttMessageType(json({ type: 'EVENT', headers: {} }), limits).type, undefined);
    assert.throws(() => readMqttMessageType(json([1, 2]), limits), { code: 'NOT_OBJECT' });
    assert.throws(() => readMqttMessageType(Buffer.from('{'), limits), { code: 'NOT_JSON' });
  });

  it('keeps the request id when httpRequest cannot be decoded', () => {
    const envelope = readMqttMessageType(
      json({ type: 'API_REQUEST', headers: { requestId: 'mq-bad' }, httpRequest: '%%%' }),
      limits,
    );
    assert.throws(() => decodeMqttRequest(envelope.message, limits), {
      code: 'BODY_NOT_BASE64',
      requestId: 'mq-bad',
    });
    const noId = readMqttMessageType(json({ type: 'API_REQUEST', headers: {} }), limits);
    assert.throws(() => decodeMqttRequest(noId.message, limits), { code: 'MISSING_ID' });
  });
});

describe('behaviour envelope', () => {
  const invocationMessage = {
    type: 'BEHAVIOR_INVOCATION',
    headers: {
      taskId: 'task-1',
      entityId: 'urn:vcloud:entity:vmware:cseCluster:1',
      behaviorId: 'urn:vcloud:behavior-interface:getKubeconfig:vmware:cse:1.0.0',
      context: { userId: 'urn:vcloud:user:1', orgId: 'urn:vcloud:org:2', rights: [] },
    },
    payload: JSON.stringify({
      entityId: 'urn:vcloud:entity:vmware:cseCluster:1',
      typeId: 'urn:vcloud:type:vmware:cseCluster:1.0.0',
      arguments: { force: true },
      entity: { spec: {} },
      _metadata: { executionId: 'e1', invocation: {} },
    }),
  };

  it('reads the payload at the top level, or inside headers as the doc example shows', () => {
    const top = decodeBehaviorInvocation(invocationMessage);
    assert.equal(top.taskId, 'task-1');
    assert.deepEqual(top.arguments, { force: true });
    assert.equal(top.context.org, 'urn:vcloud:org:2');
    assert.equal(top.typeId, 'urn:vcloud:type:vmware:cseCluster:1.0.0');
    const inHeaders = decodeBehaviorInvocation({
      type: 'BEHAVIOR_INVOCATION',
      headers: { ...invocationMessage.headers, payload: invocationMessage.payload },
    });
    assert.deepEqual(inHeaders.arguments, { force: true });
  });

  it('encodes running, success and error task updates', () => {
    const target = { taskId: 't', entityId: 'e' };
    const running = JSON.parse(
      encodeBehaviorProgress(target, { operation: 'Working', progress: 140 }).toString(),
    ) as {
      type: string;
      headers: Record<string, string>;
      payload: string;
    };
    assert.equal(running.type, 'BEHAVIOR_RESPONSE');
    assert.deepEqual(running.headers, {
      taskId: 't',
      entityId: 'e',
      contentType: 'application/vnd.vmware.vcloud.task+json',
    });
    assert.deepEqual(JSON.parse(running.payload), { status: 'running', operation: 'Working', progress: 100 });
    const success = JSON.parse(
      JSON.parse(encodeBehaviorSuccess(target, { a: 1 }).toString()).payload as string,
    ) as unknown;
    assert.deepEqual(success, { status: 'success', progress: 100, result: { resultContent: '{"a":1}' } });
    const failure = JSON.parse(
      JSON.parse(
        encodeBehaviorFailure(target, {
          majorErrorCode: 400,
          minorErrorCode: 'BAD_REQUEST',
          message: 'no',
        }).toString(),
      ).payload as string,
    ) as unknown;
    assert.deepEqual(failure, {
      status: 'error',
      error: { majorErrorCode: 400, minorErrorCode: 'BAD_REQUEST', message: 'no' },
    });
  });
});

describe('reply cache and backoff', () => {
  it('forgets answers after their time to live and keeps at most its size', async () => {
    let now = 0;
    const cache = new ReplyCache({ ttlMs: 100, maxEntries: 2 }, () => now);
    cache.remember('a', Promise.resolve(jsonResponse(200, {})));
    await Promise.resolve();
    await Promise.resolve();
    assert.ok(cache.get('a'));
    now = 150;
    assert.equal(cache.get('a'), undefined);
    cache.remember('b', new Promise(() => undefined));
    cache.remember('c', new Promise(() => undefined));
    cache.remember('d', new Promise(() => undefined));
    assert.equal(cache.size, 2);
    assert.equal(cache.get('b'), undefined);
  });

  it('doubles the delay up to the maximum, with jitter in the upper half', () => {
    const options = { initialMs: 100, maxMs: 1000 };
    assert.equal(
      backoffDelay(0, options, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(0, options, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(3, options, () => 1),
      800,
    );
    assert.equal(
      backoffDelay(10, options, () => 1),
      1000,
    );
    assert.equal(
      backoffDelay(10, options, () => 0),
      500,
    );
  });
});
