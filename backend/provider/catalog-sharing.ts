/**
 * Who may see a catalog, in VCD's own terms (legacy API, JSON form): the catalog's published flag (every org) and
 * its access settings (`ControlAccessParams`, org subjects read-only). Template publication is applied through
 * these; see docs/decisions.md.
 */
import type { VcdClient } from '../vcd/client.ts';

export interface CatalogAudience {
  /** Published to every organisation. */
  published: boolean;
  /** Org ids (`urn:vcloud:org:<uuid>`) it is shared with. */
  orgIds: string[];
}

interface ControlAccessParams {
  isSharedToEveryone?: boolean;
  accessSettings?: {
    accessSetting?: { subject: { href: string; name?: string }; accessLevel: string }[];
  } | null;
}

const uuidOf = (id: string) => id.split(':').pop()!;

export function catalogPath(catalogId: string): string {
  return `/api/admin/catalog/${uuidOf(catalogId)}`;
}

export async function catalogAudience(vcd: VcdClient, catalogId: string): Promise<CatalogAudience> {
  const [catalog, access] = await Promise.all([
    vcd.get<{ isPublished?: boolean }>(catalogPath(catalogId)),
    vcd.get<ControlAccessParams>(`${catalogPath(catalogId)}/controlAccess`),
  ]);
  const orgIds = (access.body.accessSettings?.accessSetting ?? [])
    .filter((setting) => /\/org\//.test(setting.subject.href))
    .map((setting) => `urn:vcloud:org:${setting.subject.href.split('/').pop()}`);
  return { published: catalog.body.isPublished === true, orgIds };
}

/** Sets who sees the catalog: exactly these orgs (read-only), and every org when `published`. */
export async function setCatalogAudience(
  vcd: VcdClient,
  catalogId: string,
  audience: CatalogAudience,
): Promise<void> {
  const current = await catalogAudience(vcd, catalogId);
  const sameOrgs =
    current.orgIds.length === audience.orgIds.length &&
    audience.orgIds.every((id) => current.orgIds.includes(id));
  if (!sameOrgs) {
    const body: ControlAccessParams = {
      isSharedToEveryone: false,
      accessSettings: {
        accessSetting: audience.orgIds.map((id) => ({
          subject: { href: `${vcd.url}/api/admin/org/${uuidOf(id)}` },
          accessLevel: 'ReadOnly',
        })),
      },
    };
    await vcd.post(`${catalogPath(catalogId)}/action/controlAccess`, body);
  }
  if (current.published !== audience.published) {
    await vcd.post(`${catalogPath(catalogId)}/action/publish`, { isPublished: audience.published });
  }
}
