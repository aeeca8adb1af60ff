/**
 * RDE ids. Unlike most VCD ids they carry names, not only a UUID:
 * `urn:vcloud:interface:<vendor>:<nss>:<version>`, `urn:vcloud:type:<vendor>:<nss>:<version>`,
 * `urn:vcloud:entity:<vendor>:<nss>:<uuid>`, `urn:vcloud:behavior-interface:<name>:<vendor>:<nss>:<version>`
 * and, for a type's override, `urn:vcloud:behavior-type:<name>:<typeVendor>:<typeNss>:<typeVersion>:<ifVendor>:<ifNss>:<ifVersion>`.
 */
export interface Vnv {
  vendor: string;
  nss: string;
  version: string;
}

export const interfaceUrn = (v: Vnv) => `urn:vcloud:interface:${v.vendor}:${v.nss}:${v.version}`;
export const typeUrn = (v: Vnv) => `urn:vcloud:type:${v.vendor}:${v.nss}:${v.version}`;
export const entityUrn = (v: Pick<Vnv, 'vendor' | 'nss'>, uuid: string) =>
  `urn:vcloud:entity:${v.vendor}:${v.nss}:${uuid}`;

export const interfaceBehaviorUrn = (name: string, owner: Vnv) =>
  `urn:vcloud:behavior-interface:${name}:${owner.vendor}:${owner.nss}:${owner.version}`;

export const typeBehaviorUrn = (name: string, type: Vnv, owner: Vnv) =>
  `urn:vcloud:behavior-type:${name}:${type.vendor}:${type.nss}:${type.version}:${owner.vendor}:${owner.nss}:${owner.version}`;

/** The interface behaviour id a type behaviour id overrides (its `ref`). */
export function refOfTypeBehavior(id: string): string | undefined {
  const parts = id.split(':');
  if (parts.length !== 10 || parts[2] !== 'behavior-type') return undefined;
  return `urn:vcloud:behavior-interface:${parts[3]}:${parts[7]}:${parts[8]}:${parts[9]}`;
}

/** VCD's vendor and nss are alphanumeric (we also allow `.`, `_` and `-`); versions are semver. */
export const namePartPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const semverPattern =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
