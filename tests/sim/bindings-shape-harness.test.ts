/**
 * The shape-check harness itself: it must accept a value that fits a @vcd/bindings type and name
 * every property that does not, including inside `_type`-discriminated OVF sections and records.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkBindingsShape } from '../helpers/bindings-shape.ts';

const legacy = '@vcd/bindings/vcloud/api/rest/schema_v1_5';

test('a value that fits its binding type gets no messages, dates as ISO strings included', () => {
  const task = {
    name: 'task',
    status: 'running',
    startTime: '2026-01-01T00:00:00.000Z',
    link: [{ rel: 'task:cancel', href: 'h' }],
  };
  assert.deepEqual(checkBindingsShape('TaskType', legacy, task), []);
});

test('every unknown property and wrong value is named by its JSON path', () => {
  const vdc = {
    name: 'x',
    foo: 1,
    computeCapacity: { cpu: { units: 'MHz', bogus: 2 } },
    link: [{ rel: 'up', type: 3 }],
  };
  const messages = checkBindingsShape('VdcType', legacy, vdc);
  assert.equal(messages.length, 3, messages.join('\n'));
  assert.match(messages[0], /^\$\.foo: unknown property foo/);
  assert.match(messages[1], /^\$\.computeCapacity\.cpu\.bogus: unknown property bogus/);
  assert.match(messages[2], /^\$\.link\[0\]\.type: Type 'number' is not assignable to type 'string'/);
});

test('_type objects are checked against the named type, which must fit the slot', () => {
  const vapp = {
    name: 'x',
    section: [{ _type: 'NetworkConnectionSectionType', networkConnection: [{ network: 'n', wrong: 1 }] }],
    children: { vm: [{ _type: 'NoSuchType' }] },
  };
  const messages = checkBindingsShape('VAppType', legacy, vapp);
  assert.deepEqual(messages, [
    '$.children.vm[0]: _type NoSuchType is not a @vcd/bindings type',
    '$.section[0].networkConnection[0].wrong: unknown property wrong',
  ]);
  const records = { total: 1, record: [{ _type: 'VdcType', name: 'not a record' }] };
  assert.match(
    checkBindingsShape('QueryResultRecordsType', legacy, records).join('\n'),
    /^\$\.record\[0\]: /,
  );
});
