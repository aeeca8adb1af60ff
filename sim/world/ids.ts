import { createHash } from 'node:crypto';

/**
 * Deterministic ids. VCD ids are URNs around a UUID (`urn:vcloud:org:<uuid>`); the simulator
 * derives each UUID from the world seed and a counter kept in the world, so the same seed gives
 * the same ids and a world loaded from a state file keeps producing fresh ones.
 */
export function seededUuid(seed: number, counter: number, salt = 'id'): string {
  const bytes = createHash('sha256').update(`${salt}:${seed}:${counter}`).digest();
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4 layout
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** `urn:vcloud:<kind>:<uuid>` */
export function urn(kind: string, uuid: string): string {
  return `urn:vcloud:${kind}:${uuid}`;
}

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The UUID at the end of a URN (or the value itself when it already is a bare UUID). */
export function uuidOf(id: string): string | undefined {
  return uuidPattern.exec(id)?.[0]?.toLowerCase();
}

/** Small seeded PRNG (mulberry32) for choices that are not ids: error rates, hashes in names. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A hex string of `length` characters derived from the seed and a label (TKG template hashes). */
export function seededHex(seed: number, label: string, length: number): string {
  return createHash('sha256').update(`hex:${seed}:${label}`).digest('hex').slice(0, length);
}
