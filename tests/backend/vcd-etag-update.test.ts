import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClusterEntity } from '../../backend/clusters/spec.ts';
import { install } from '../../backend/provider/install.ts';
import { VcdError } from '../../backend/vcd/errors.ts';
import { updateWithEtag } from '../../backend/vcd/etag.ts';
import { getEntity, type RdeEntity } from '../../backend/vcd/rde.ts';
import { VcdClient as TestClient } from '../helpers/vcd.ts';
import { createClusterEntity } from './api-fixtures.ts';
import { startProviderStack, type ProviderStack } from './install-stack.ts';

describe('ETag-guarded updates', () => {
  let stack: ProviderStack;
  before(async () => {
    stack = await startProviderStack();
    await install({ vcd: stack.vcd, transport: 'amqp' });
  });
  after(() => stack.close());

  it('re-reads and re-applies on a conflict, so concurrent changes all land; a stale If-Match alone is a 412', async () => {
    const author = await TestClient.login(stack.sim.url, 'acme-author', 'acme');
    const cluster = await createClusterEntity(author, 'etag-race', 'Pending', 'acme');
    const path = `/cloudapi/1.0.0/entities/${cluster.id}`;
    const addEvent = (reason: string) =>
      updateWithEtag<RdeEntity<ClusterEntity>>(stack.vcd, path, (current) => ({
        ...current,
        entity: {
          ...current.entity,
          status: {
            ...current.entity.status,
            events: [
              ...(current.entity.status?.events ?? []),
              { time: new Date().toISOString(), type: 'Normal', reason, message: reason },
            ],
          },
        },
      }));
    await Promise.all(['One', 'Two', 'Three', 'Four'].map(addEvent));
    const after = await getEntity<ClusterEntity>(stack.vcd, cluster.id);
    assert.deepEqual(after!.entity.entity.status?.events?.map((event) => event.reason).sort(), [
      'Four',
      'One',
      'Three',
      'Two',
    ]);

    const stale = after!.etag!;
    await addEvent('Five');
    await assert.rejects(
      stack.vcd.put(path, after!.entity, { ifMatch: stale, retry: 'never' }),
      (error: unknown) => error instanceof VcdError && error.status === 412,
    );
    assert.equal(await updateWithEtag(stack.vcd, path, () => undefined), undefined, 'no change, no write');
  });
});
