import { defineSlice } from './slices.ts';

export type CatalogAccessLevel = 'ReadOnly' | 'Change' | 'FullControl';

/** One entry of a catalog's ControlAccessParams: an org (cross-org sharing) or a user. */
export interface CatalogAccessSetting {
  subjectKind: 'org' | 'user';
  subjectId: string;
  accessLevel: CatalogAccessLevel;
}

export interface CatalogAccess {
  isSharedToEveryone: boolean;
  everyoneAccessLevel: CatalogAccessLevel | null;
  settings: CatalogAccessSetting[];
}

/**
 * Access settings of catalogs, by catalog id. The orgs a catalog is shared with are also kept in
 * `Catalog.sharedWithOrgIds` (the seed sets those), which is what visibility reads.
 */
export const catalogAccessSlice = defineSlice('catalogAccess', (): Record<string, CatalogAccess> => ({}));
