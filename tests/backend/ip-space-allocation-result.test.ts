/**
 * What an IP space allocate task reports (`result.resultContent`): the JSON text go-vcloud-director parses,
 * the array itself, or something the worker cannot use, which must end in VCD-style error, never a crash.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocatedValues } from '../../backend/vcd/ipSpaces.ts';

describe('IP space allocation task result', () => {
  const entry = { id: 'urn:vcloud:ipSpaceIpAllocation:1', value: '203.0.113.10', suggestedValue: null };

  it('reads the JSON text and the array alike', () => {
    assert.deepEqual(allocatedValues(JSON.stringify([entry])), [entry]);
    assert.deepEqual(allocatedValues([entry]), [entry]);
  });

  it('reports nothing for text that is not JSON, a non-array or empty content', () => {
    for (const content of ['not json', '{"value":"203.0.113.10"}', null, undefined, 42, [null, 'x']])
      assert.deepEqual(allocatedValues(content), [], String(content));
  });
});
