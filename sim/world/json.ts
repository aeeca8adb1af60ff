/** JSON values: everything in the world must be one, so it can be saved, loaded and served. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** VCD's `OpenApiReference`. */
export interface Ref {
  id: string;
  name: string;
}

/** Objects of one kind by id: O(1) lookups, and plain JSON on disk. */
export type Collection<T> = Record<string, T>;
