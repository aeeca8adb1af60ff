import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adoptMasks, keepSecureFields, SECURE_MASK } from '../../backend/vcd/rde-secure-fields.ts';

describe('secure RDE fields in the bodies the worker writes', () => {
  it('sends back a masked field the write left out, recreating the objects on its way', () => {
    const read = { spec: { vcdKe: { secure: SECURE_MASK } }, status: { capvcd: { private: SECURE_MASK } } };
    const next = { spec: { vcdKe: {} }, status: { phase: 'Ready' } };
    assert.deepEqual(keepSecureFields(read, next), {
      spec: { vcdKe: { secure: SECURE_MASK } },
      status: { phase: 'Ready', capvcd: { private: SECURE_MASK } },
    });
  });

  it('leaves a field the write sets, to a value or to null (null deletes it at VCD)', () => {
    const read = { a: SECURE_MASK, b: SECURE_MASK, c: { d: SECURE_MASK } };
    const next = { a: { kubeconfig: 'new' }, b: null, c: 'replaced' };
    assert.deepEqual(keepSecureFields(read, structuredClone(next)), next);
  });

  it('matches array items by position and never adds one', () => {
    const read = { ops: [{ values: SECURE_MASK }, { values: SECURE_MASK }], gone: [{ values: SECURE_MASK }] };
    const next = { ops: [{ name: 'first' }] };
    assert.deepEqual(keepSecureFields(read, next), { ops: [{ name: 'first', values: SECURE_MASK }] });
  });

  it('sends no mask where the read had none (before API 38.0 nothing is masked)', () => {
    const next = { spec: { name: 'x' } };
    assert.deepEqual(keepSecureFields({ spec: { name: 'x' } }, structuredClone(next)), next);
    assert.deepEqual(keepSecureFields(undefined, structuredClone(next)), next);
  });

  it('masks in the written copy what VCD answered masked, so no clear secret stays in it', () => {
    const written = { private: { kubeconfig: 'clear' }, notes: { secret: 'clear', plain: 'p' } };
    const served = { private: SECURE_MASK, notes: { secret: SECURE_MASK, plain: 'p' } };
    assert.deepEqual(adoptMasks(written, served), served);
    assert.deepEqual(adoptMasks({ spec: {} }, { spec: {}, other: SECURE_MASK }), { spec: {} });
  });
});
