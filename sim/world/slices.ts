import type { IdSource } from './store.ts';
import type { World } from './world.ts';

/**
 * A slice of world state owned by one API area (RDEs, vApps, UI plugins, …). Define it once at
 * module level:
 *
 *   export const vAppsSlice = defineSlice('vApps', () => ({ vApps: {}, vms: {} }) as VAppsState, seedVApps);
 *
 * and read it with `vAppsSlice.of(store.world)`. The state lives in `world.slices[name]`, so it is
 * saved with the state file, shown by `/sim/state` and rebuilt by `/sim/reset` without any change
 * to the core files. The optional `seed` runs when a world is generated, after the core seed.
 */
export interface SliceDefinition<T> {
  readonly name: string;
  create(): T;
  seed?(state: T, world: World, ids: IdSource): void;
  of(world: World): T;
}

const registry = new Map<string, SliceDefinition<unknown>>();

export function defineSlice<T>(
  name: string,
  create: () => T,
  seed?: (state: T, world: World, ids: IdSource) => void,
): SliceDefinition<T> {
  if (registry.has(name)) throw new Error(`world slice "${name}" is defined twice`);
  const slice: SliceDefinition<T> = {
    name,
    create,
    seed,
    of(world) {
      if (!(name in world.slices)) world.slices[name] = create();
      return world.slices[name] as T;
    },
  };
  registry.set(name, slice as SliceDefinition<unknown>);
  return slice;
}

export function registeredSlices(): readonly SliceDefinition<unknown>[] {
  return [...registry.values()];
}
