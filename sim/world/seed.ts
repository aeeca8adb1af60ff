import { randomBytes } from 'node:crypto';
import { seededUuid } from './ids.ts';
import { seedAccess } from './seed-access.ts';
import { seedCatalog } from './seed-catalog.ts';
import { seedInfrastructure } from './seed-infrastructure.ts';
import { registeredSlices } from './slices.ts';
import { WorldStore } from './store.ts';
import { emptyWorld, type World } from './world.ts';

/** Generates the seeded world: the same seed gives the same ids, names and data. */
export function seedWorld(seed: number): World {
  const world = emptyWorld({
    schemaVersion: 1,
    seed,
    idCounter: 1000,
    // Random on purpose: ETags of an earlier world never match, and bearers cannot be forged.
    generation: randomBytes(4).toString('hex'),
    tokenSecret: randomBytes(32).toString('hex'),
    siteId: `urn:vcloud:site:${seededUuid(seed, 2, 'site')}`,
  });
  const ids = new WorldStore(world).ids;
  seedAccess(world, ids);
  seedInfrastructure(world, ids);
  seedCatalog(world, ids);
  for (const slice of registeredSlices()) slice.seed?.(slice.of(world), world, ids);
  return world;
}
