import assert from 'node:assert/strict';
import express from 'express';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { jsonBodies } from '../../sim/http/body.ts';
import { errorMiddleware } from '../../sim/http/error-handler.ts';
import { guardedUpdate, sendEtag } from '../../sim/http/etag.ts';
import { listenHttp } from '../../sim/net.ts';
import { seedWorld } from '../../sim/world/seed.ts';
import { WorldStore } from '../../sim/world/store.ts';

/**
 * The ETag helper over real HTTP: a small app with one object, served and updated the way the
 * RDE area does (GET sends the ETag, PUT goes through guardedUpdate).
 */
describe('ETags and If-Match', () => {
  let server: Server;
  let url: string;
  const objects = new Map<string, { value: number }>([['urn:vcloud:entity:test:thing:1', { value: 0 }]]);
  const id = 'urn:vcloud:entity:test:thing:1';

  before(async () => {
    const store = new WorldStore(seedWorld(1));
    const app = express();
    app.use(jsonBodies());
    app.get('/things/:id', (req, res) => {
      sendEtag(store, res, req.params.id);
      res.json(objects.get(req.params.id));
    });
    app.put('/things/:id', async (req, res) => {
      const required = req.query.strict === 'true';
      const result = await guardedUpdate(
        store,
        req,
        res,
        req.params.id,
        async () => {
          // Yield inside the critical section so racing requests would interleave without the lock.
          await new Promise((resolve) => setTimeout(resolve, 20));
          const thing = objects.get(req.params.id)!;
          thing.value = (req.body as { value: number }).value;
          return thing;
        },
        { requireIfMatch: required },
      );
      res.json(result);
    });
    app.use(errorMiddleware);
    server = await listenHttp(app, '127.0.0.1', 0);
    const address = server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}/things/${id}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const put = (value: number, ifMatch?: string, query = '') =>
    fetch(`${url}${query}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...(ifMatch ? { 'if-match': ifMatch } : {}) },
      body: JSON.stringify({ value }),
    });

  it('serves a strong ETag that changes with every update', async () => {
    const first = (await fetch(url)).headers.get('etag')!;
    assert.match(first, /^"[^"]+"$/);
    const updated = await put(1, first);
    assert.equal(updated.status, 200);
    const second = updated.headers.get('etag')!;
    assert.notEqual(second, first);
    assert.equal((await fetch(url)).headers.get('etag'), second);
  });

  it("answers 412 with VCD's body for a stale If-Match", async () => {
    const stale = (await fetch(url)).headers.get('etag')!;
    await put(2, stale);
    const response = await put(3, stale);
    assert.equal(response.status, 412);
    const body = (await response.json()) as { minorErrorCode: string; message: string };
    assert.equal(body.minorErrorCode, 'PRECONDITION_FAILED');
    assert.equal(((await (await fetch(url)).json()) as { value: number }).value, 2);
  });

  it('lets exactly one of two racing updates with the same ETag win', async () => {
    const etag = (await fetch(url)).headers.get('etag')!;
    const results = await Promise.all([put(10, etag), put(20, etag)]);
    const statuses = results.map((response) => response.status).sort();
    assert.deepEqual(statuses, [200, 412]);
    const winner = results[results.findIndex((response) => response.status === 200)]!;
    const value = ((await (await fetch(url)).json()) as { value: number }).value;
    assert.equal(value, ((await winner.json()) as { value: number }).value);
  });

  it('ignores weak ETags, accepts *, and asks for If-Match (428) only when required', async () => {
    const etag = (await fetch(url)).headers.get('etag')!;
    assert.equal((await put(4, `W/${etag}`)).status, 412);
    assert.equal((await put(5, '*')).status, 200);
    assert.equal((await put(6)).status, 200, 'If-Match is optional by default, as for VCD RDEs');
    const required = await put(7, undefined, '?strict=true');
    assert.equal(required.status, 428);
    assert.equal(
      ((await required.json()) as { minorErrorCode: string }).minorErrorCode,
      'PRECONDITION_REQUIRED',
    );
  });
});
