import type { SimContext } from '../../context.ts';
import type { Principal } from '../../http/auth.ts';
import { fail } from '../../http/errors.ts';
import type { RightsBundle } from '../../world/access.ts';
import type { AccessControlEntry, AccessLevelId, EntityType } from './rde-state.ts';

/**
 * Rights and access levels of RDEs (SL `rde-access-control.md`): each entity type gets five
 * rights and a rights bundle `<vendor>:<nss> Entitlement`; a user's access to an entity is the
 * type right it holds capped by its ACL on the entity, or everything with the admin rights.
 */
export interface TypeRightNames {
  view: string;
  modify: string;
  fullControl: string;
  adminView: string;
  adminFullControl: string;
}

/**
 * Right names as VCD lists them (TPV's CSE install and the reference's §2.1–2.2 bundle, e.g.
 * `vmware:capvcdCluster: Administrator Full access`); the SL docs call them View / Edit / Full
 * Control / Administrator View / Administrator Full Control. They are per vendor:nss, shared by
 * every version of the type.
 */
export function typeRightNames(type: Pick<EntityType, 'vendor' | 'nss'>): TypeRightNames {
  const prefix = `${type.vendor}:${type.nss}`;
  return {
    view: `${prefix}: View`,
    modify: `${prefix}: Modify`,
    fullControl: `${prefix}: Full Access`,
    adminView: `${prefix}: Administrator View`,
    adminFullControl: `${prefix}: Administrator Full access`,
  };
}

export const entitlementBundleName = (type: Pick<EntityType, 'vendor' | 'nss'>) =>
  `${type.vendor}:${type.nss} Entitlement`;

/** Registers the type's rights and its (unpublished) rights bundle, unless they exist. */
export function registerTypeRights(ctx: SimContext, type: EntityType): RightsBundle {
  const names = typeRightNames(type);
  const category = `${type.vendor}:${type.nss}`;
  const rightIds = Object.values(names).map(
    (name) =>
      ctx.access.registerRight({
        name,
        category,
        description: `${name.slice(category.length + 2)} rights for entities of type ${category}`,
      }).id,
  );
  const world = ctx.store.world;
  const bundleName = entitlementBundleName(type);
  let bundle = Object.values(world.rightsBundles).find((candidate) => candidate.name === bundleName);
  if (!bundle) {
    bundle = {
      id: ctx.store.ids.urn('rightsBundle'),
      name: bundleName,
      description: `Rights for entities of type ${category}`,
      bundleKey: `${category.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_ENTITLEMENT`,
      readOnly: false,
      publishAll: false,
      rightIds,
      tenantIds: [],
    };
    world.rightsBundles[bundle.id] = bundle;
  }
  ctx.store.changed();
  return bundle;
}

/** 0 none, 1 read-only, 2 read-write, 3 full control. */
export type AccessLevel = 0 | 1 | 2 | 3;

export const accessLevelIds: readonly AccessLevelId[] = [
  'urn:vcloud:accessLevel:ReadOnly',
  'urn:vcloud:accessLevel:ReadWrite',
  'urn:vcloud:accessLevel:FullControl',
];

export function levelOf(id: AccessLevelId): AccessLevel {
  return (accessLevelIds.indexOf(id) + 1) as AccessLevel;
}

/** The highest level the ACL entries grant the caller (as user, member of an org, or holder of a role or right). */
export function aclLevel(
  ctx: SimContext,
  principal: Principal,
  entries: Iterable<AccessControlEntry>,
): AccessLevel {
  let level: AccessLevel = 0;
  for (const entry of entries) {
    let applies = false;
    if (entry.grantType === 'MembershipAccessControlGrant') {
      const member = entry.memberId;
      applies =
        member === principal.user.id ||
        member === principal.org.id ||
        member === principal.effectiveOrg.id ||
        principal.roles.some((role) => role.id === member);
    } else if (entry.rightId) {
      const right = ctx.store.world.rights[entry.rightId];
      applies = right !== undefined && principal.rights.has(right.name);
    }
    if (applies) level = Math.max(level, levelOf(entry.accessLevelId)) as AccessLevel;
  }
  return level;
}

/** The caller's access to one entity of `type`, given its ACL entries. */
export function entityAccessLevel(
  ctx: SimContext,
  principal: Principal,
  type: Pick<EntityType, 'vendor' | 'nss'>,
  entries: Iterable<AccessControlEntry>,
): AccessLevel {
  const names = typeRightNames(type);
  const has = (right: string) => principal.rights.has(right);
  if (has(names.adminFullControl)) return 3;
  const capability: AccessLevel = has(names.fullControl)
    ? 3
    : has(names.modify)
      ? 2
      : has(names.view)
        ? 1
        : 0;
  const granted = Math.min(capability, aclLevel(ctx, principal, entries)) as AccessLevel;
  return Math.max(granted, has(names.adminView) ? 1 : 0) as AccessLevel;
}

const rightFor: Record<1 | 2 | 3, keyof TypeRightNames> = { 1: 'view', 2: 'modify', 3: 'fullControl' };

/** VCD's 403 naming the type right the operation needs. */
export function assertLevel(
  level: AccessLevel,
  needed: 1 | 2 | 3,
  type: Pick<EntityType, 'vendor' | 'nss'>,
  operation: string,
): void {
  if (level >= needed) return;
  const names = typeRightNames(type);
  fail('missingRight', {
    rights: `${names[rightFor[needed]]} (with a ${accessLevelIds[needed - 1]} ACL) or ${needed === 1 ? names.adminView : names.adminFullControl}`,
    operation,
  });
}
