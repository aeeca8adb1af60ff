import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seedWorld } from '../../sim/world/seed.ts';
import { seededLogins } from '../../sim/world/logins.ts';

describe('seeded world', () => {
  it('is the same for the same seed and differs for another seed', () => {
    const a = seedWorld(7);
    const b = seedWorld(7);
    const c = seedWorld(8);
    assert.deepEqual(Object.keys(a.orgs), Object.keys(b.orgs));
    assert.deepEqual(a.vAppTemplates, b.vAppTemplates);
    assert.notDeepEqual(Object.keys(a.orgs), Object.keys(c.orgs));
  });

  it('uses VCD URNs for ids', () => {
    const world = seedWorld(1);
    const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
    for (const [collection, kind] of [
      ['orgs', 'org'],
      ['vdcs', 'vdc'],
      ['edgeGateways', 'gateway'],
      ['orgVdcNetworks', 'network'],
      ['users', 'user'],
      ['vAppTemplates', 'vapptemplate'],
    ] as const) {
      for (const id of Object.keys(world[collection]))
        assert.match(id, new RegExp(`^urn:vcloud:${kind}:${uuid}$`));
    }
  });

  it('has the System org, two tenants and every seeded login with its role', () => {
    const world = seedWorld(1);
    assert.deepEqual(
      Object.values(world.orgs).map((org) => org.name),
      ['System', 'acme', 'globex'],
    );
    for (const login of seededLogins) {
      const user = Object.values(world.users).find((candidate) => candidate.username === login.user)!;
      assert.ok(user, login.user);
      assert.equal(world.orgs[user.orgId]!.name, login.org);
      assert.equal(world.roles[user.roleIds[0]!]!.name, login.role);
    }
  });

  it('gives each tenant VDC the four TKG sizing policies and a storage profile', () => {
    const world = seedWorld(1);
    for (const vdc of Object.values(world.vdcs)) {
      const policies = vdc.computePolicyIds.map((id) => world.computePolicies[id]!);
      const sizes = Object.fromEntries(
        policies.filter((p) => p.isSizingOnly).map((p) => [p.name, [p.cpuCount, p.memory]]),
      );
      assert.deepEqual(sizes, {
        'TKG small': [2, 4096],
        'TKG medium': [2, 8192],
        'TKG large': [4, 16384],
        'TKG extra-large': [8, 32768],
      });
      assert.equal(vdc.storageProfileIds.length, 1);
    }
  });

  it('gives each tenant an IP-space ALB gateway, an uplink-range ALB gateway and a network without ALB', () => {
    const world = seedWorld(1);
    for (const org of Object.values(world.orgs).filter((candidate) => !candidate.isProvider)) {
      const gateways = Object.values(world.edgeGateways).filter((gateway) => gateway.orgRef.id === org.id);
      const alb = (name: string) =>
        world.albGatewaySettings[gateways.find((g) => g.name === name)!.id]!.enabled;
      assert.equal(alb(`${org.name}-edge-ipspace`), true);
      assert.equal(alb(`${org.name}-edge-uplink`), true);
      assert.equal(alb(`${org.name}-edge-noalb`), false);
      const ipSpaceGateway = gateways.find((g) => g.name === `${org.name}-edge-ipspace`)!;
      assert.equal(ipSpaceGateway.edgeGatewayUplinks[0]!.usingIpSpace, true);
      const plain = Object.values(world.orgVdcNetworks).find((n) => n.name === `${org.name}-plain-net`)!;
      assert.equal(world.albGatewaySettings[plain.connection!.routerRef.id]!.enabled, false);
      const assignments = Object.values(world.serviceEngineGroupAssignments).filter(
        (a) => a.gatewayOrgRef.id === org.id,
      );
      assert.equal(assignments.length, 2);
      const quota = Object.values(world.ipSpaceOrgAssignments).find((a) => a.orgRef.id === org.id)!;
      assert.equal(quota.customQuotas.floatingIpQuota, 10);
    }
  });

  it('shares TKG templates whose VM carries VERSION, and a cloud-init bootstrap template', () => {
    const world = seedWorld(1);
    const catalog = Object.values(world.catalogs)[0]!;
    assert.equal(catalog.sharedWithOrgIds.length, 2);
    const versions = Object.values(world.vAppTemplates).flatMap((template) =>
      template.vms[0]!.productSections[0]!.properties.filter((p) => p.key === 'VERSION').map((p) => p.value),
    );
    assert.ok(versions.length >= 3);
    for (const version of versions)
      assert.match(version, /^v1\.\d+\.\d+\+vmware\.\d+-tkg\.\d+-[0-9a-f]{32}$/);
    const bootstrap = Object.values(world.vAppTemplates).find((t) => t.name === 'cse-bootstrap-ubuntu-2204')!;
    const keys = bootstrap.vms[0]!.productSections[0]!.properties.map((p) => p.key);
    assert.ok(keys.includes('user-data'), 'the OVF property cloud-init reads');
  });

  it('is plain JSON', () => {
    const world = seedWorld(1);
    assert.deepEqual(JSON.parse(JSON.stringify(world)), world);
  });
});
