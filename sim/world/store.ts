import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SimulatorStartError } from '../options.ts';
import { seededUuid, urn } from './ids.ts';
import { emptyWorld, type World } from './world.ts';

/** Fresh deterministic ids from the world's seed and counter. */
export interface IdSource {
  uuid(): string;
  /** `urn:vcloud:<kind>:<uuid>` */
  urn(kind: string): string;
}

export class StateFileError extends SimulatorStartError {
  override readonly name = 'StateFileError';
}

/**
 * Holds the current world and persists it. Areas read `store.world` on every request (never keep
 * a reference: `/sim/reset` and loading replace the object) and call `changed()` after mutating
 * outside an HTTP request (mutating requests are marked changed by the server already).
 */
export class WorldStore {
  #world: World;
  #replacedListeners: ((world: World) => void)[] = [];
  #changedListeners: (() => void)[] = [];
  #saveTimer: NodeJS.Timeout | undefined;
  #saving: Promise<void> = Promise.resolve();
  #dirty = false;
  readonly ids: IdSource;

  constructor(
    world: World,
    private readonly stateFile?: string,
    private readonly saveDelayMs = 200,
  ) {
    this.#world = world;
    this.ids = {
      uuid: () => {
        const meta = this.#world.meta;
        return seededUuid(meta.seed, meta.idCounter++);
      },
      urn: (kind) => urn(kind, this.ids.uuid()),
    };
  }

  get world(): World {
    return this.#world;
  }

  /** Swaps in another world (reset, load); areas rebuild their indexes from `onReplaced`. */
  replace(world: World): void {
    this.#world = world;
    for (const listener of this.#replacedListeners) listener(world);
    this.changed();
  }

  onReplaced(listener: (world: World) => void): void {
    this.#replacedListeners.push(listener);
  }

  onChanged(listener: () => void): void {
    this.#changedListeners.push(listener);
  }

  /** Marks the world modified: listeners run now, the state file is written shortly after. */
  changed(): void {
    for (const listener of this.#changedListeners) listener();
    if (!this.stateFile) return;
    this.#dirty = true;
    if (this.#saveTimer) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      void this.flush().catch(() => undefined);
    }, this.saveDelayMs);
    this.#saveTimer.unref();
  }

  /** Writes the state file now if anything changed (temp file + rename, so never half-written). */
  flush(): Promise<void> {
    if (this.#saveTimer) {
      clearTimeout(this.#saveTimer);
      this.#saveTimer = undefined;
    }
    this.#saving = this.#saving.then(async () => {
      if (!this.stateFile || !this.#dirty) return;
      this.#dirty = false;
      const file = this.stateFile;
      const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await mkdir(dirname(file), { recursive: true });
      await writeFile(temp, JSON.stringify(this.#world));
      await rename(temp, file);
    });
    return this.#saving;
  }
}

/** Reads a state file; `undefined` when it does not exist yet. */
export async function loadStateFile(file: string): Promise<World | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`simulator: cannot read state file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(`simulator: state file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const candidate = parsed as Partial<World> | null;
  if (!candidate || typeof candidate !== 'object' || candidate.meta?.schemaVersion !== 1) {
    throw new StateFileError(
      `simulator: ${file} is not a simulator state file (expected meta.schemaVersion 1)`,
    );
  }
  // Collections added in later versions start empty.
  return { ...emptyWorld(candidate.meta), ...candidate } as World;
}
