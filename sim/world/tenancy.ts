import type { Ref } from './json.ts';

/** An organization in the cloudapi `Org` shape, plus the simulator's own bookkeeping. */
export interface Org {
  id: string;
  name: string;
  displayName: string;
  description: string;
  isEnabled: boolean;
  /** true only for the System (provider) org. */
  isProvider: boolean;
  canPublish: boolean;
  managedBy: Ref;
}

/** A local user; `password` is never served by the API, only by `/sim/state`. */
export interface User {
  id: string;
  username: string;
  fullName: string;
  description: string;
  email: string;
  enabled: boolean;
  orgId: string;
  /** Org role ids (`urn:vcloud:role:…`); VCD allows one. */
  roleIds: string[];
  password: string;
}
