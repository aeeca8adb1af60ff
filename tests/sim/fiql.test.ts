import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FiqlError, matchesFiql, parseFiql } from '../../sim/http/fiql.ts';

const entity = {
  name: 'cluster-a',
  size: 12,
  enabled: true,
  created: '2024-03-01T10:00:00Z',
  entity: { status: { phase: 'Ready' } },
  roleEntityRefs: [{ name: 'vApp Author' }, { name: 'Kubernetes Cluster Author' }],
};
const matches = (filter: string) => matchesFiql(parseFiql(filter), entity);

describe('FIQL filters', () => {
  it('compares a field for equality and inequality', () => {
    assert.equal(matches('name==cluster-a'), true);
    assert.equal(matches('name==cluster-b'), false);
    assert.equal(matches('name!=cluster-b'), true);
  });

  it('follows dotted paths into nested objects', () => {
    assert.equal(matches('entity.status.phase==Ready'), true);
    assert.equal(matches('entity.status.phase==Failed'), false);
  });

  it('matches any element when a path crosses an array', () => {
    assert.equal(matches('roleEntityRefs.name==vApp Author'), true);
    assert.equal(matches('roleEntityRefs.name!=vApp Author'), false);
  });

  it('treats * in == and != as a wildcard', () => {
    assert.equal(matches('name==clus*'), true);
    assert.equal(matches('name==*-a'), true);
    assert.equal(matches('name==*b*'), false);
    assert.equal(matches('name!=x*'), true);
  });

  it('orders numbers numerically and strings lexically', () => {
    assert.equal(matches('size=gt=9'), true, '12 > 9 numerically although "12" < "9" as text');
    assert.equal(matches('size=lt=12'), false);
    assert.equal(matches('size=le=12'), true);
    assert.equal(matches('size=ge=13'), false);
    assert.equal(matches('created=gt=2024-01-01T00:00:00Z'), true);
  });

  it('compares booleans by their text', () => {
    assert.equal(matches('enabled==true'), true);
    assert.equal(matches('enabled==false'), false);
  });

  it('binds ; (and) tighter than , (or), with parentheses to group', () => {
    assert.equal(matches('name==x,name==cluster-a;size==12'), true);
    assert.equal(matches('(name==x,name==cluster-a);size==13'), false);
    assert.equal(matches('name==cluster-a;(size==1,size==12)'), true);
  });

  it('reads a backslash-escaped ( ) ; , as part of the value, as pyvcloud sends them', () => {
    const odd = { name: 'pool (a);b,c' };
    assert.equal(matchesFiql(parseFiql('name==pool \\(a\\)\\;b\\,c'), odd), true);
    assert.equal(matchesFiql(parseFiql('name==pool \\(a\\)\\;b\\,c;name!=x'), odd), true);
    assert.equal(matchesFiql(parseFiql('name==pool \\(a\\)'), odd), false);
    assert.throws(() => parseFiql('name==pool (a);b,c'), FiqlError, 'unescaped, they are structure');
  });

  it('treats quotes as ordinary characters, so a quoted name finds nothing', () => {
    assert.equal(matches('name=="cluster-a"'), false);
    assert.equal(matches("name=='cluster-a'"), false);
    assert.equal(matchesFiql(parseFiql('name=="cluster-a"'), { name: '"cluster-a"' }), true);
    assert.equal(matchesFiql(parseFiql("name==it's"), { name: "it's" }), true);
    assert.throws(() => parseFiql('name=="a,b"'), FiqlError, 'a comma inside quotes still separates');
  });

  it('keeps an unescaped * a wildcard next to escaped characters', () => {
    assert.equal(matchesFiql(parseFiql('name==pool \\(*\\)'), { name: 'pool (anything)' }), true);
    assert.equal(matchesFiql(parseFiql('name==pool\\*star'), { name: 'poolXstar' }), false);
    assert.equal(matchesFiql(parseFiql('name==pool\\*star'), { name: 'pool*star' }), true);
  });

  it('matches nothing for a field the object does not have', () => {
    assert.equal(matches('missing==x'), false);
    assert.equal(matches('missing!=x'), true);
  });

  it('accepts URN values with colons', () => {
    const gateway = { gatewayRef: { id: 'urn:vcloud:gateway:1234' } };
    assert.equal(matchesFiql(parseFiql('gatewayRef.id==urn:vcloud:gateway:1234'), gateway), true);
  });

  it('rejects malformed filters with the position of the problem', () => {
    for (const bad of [
      '',
      'name',
      'name==',
      'name=~x',
      '(name==x',
      'name==x)',
      'name==x;',
      '==x',
      'name=like=x',
    ]) {
      assert.throws(() => parseFiql(bad), FiqlError, `"${bad}" should not parse`);
    }
    assert.throws(() => parseFiql('name=like=x'), /unsupported operator "=like="/);
  });

  it('lets callers define selectors that are not fields (e.g. _context)', () => {
    const custom = { _context: (item: { gw: string }, _op: string, value: string) => item.gw === value };
    assert.equal(matchesFiql(parseFiql('_context==g1'), { gw: 'g1' }, custom), true);
    assert.equal(matchesFiql(parseFiql('_context==g2'), { gw: 'g1' }, custom), false);
  });
});
