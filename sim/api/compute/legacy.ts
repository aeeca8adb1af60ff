import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { uuidOf } from '../../world/ids.ts';

/**
 * The legacy `/api` JSON representation: media types, hrefs and links. VCD serves the vCloud XML
 * schema types as JSON (`application/vnd.vmware.vcloud.<type>+json`) with `href`, `type`, `id`
 * (a URN), `name` and `link[]`; references are `{href, id, type, name}`.
 */
export const media = {
  org: 'application/vnd.vmware.vcloud.org+json',
  vdc: 'application/vnd.vmware.vcloud.vdc+json',
  vApp: 'application/vnd.vmware.vcloud.vApp+json',
  vm: 'application/vnd.vmware.vcloud.vm+json',
  vAppTemplate: 'application/vnd.vmware.vcloud.vAppTemplate+json',
  catalog: 'application/vnd.vmware.vcloud.catalog+json',
  adminCatalog: 'application/vnd.vmware.admin.catalog+json',
  catalogItem: 'application/vnd.vmware.vcloud.catalogItem+json',
  network: 'application/vnd.vmware.vcloud.network+json',
  storageProfile: 'application/vnd.vmware.vcloud.vdcStorageProfile+json',
  user: 'application/vnd.vmware.admin.user+json',
  adminOrg: 'application/vnd.vmware.admin.org+json',
  task: 'application/vnd.vmware.vcloud.task+json',
  productSections: 'application/vnd.vmware.vcloud.productSections+json',
  controlAccess: 'application/vnd.vmware.vcloud.controlAccess+json',
  instantiateParams: 'application/vnd.vmware.vcloud.instantiateVAppTemplateParams+json',
  undeployParams: 'application/vnd.vmware.vcloud.undeployVAppParams+json',
  queryRecords: 'application/vnd.vmware.vcloud.query.records+json',
  guestCustomizationStatus: 'application/vnd.vmware.vcloud.guestCustomizationStatusSection+json',
} as const;

const uuid = (id: string) => uuidOf(id) ?? id;

/** Legacy hrefs of each kind, from the public base URL and the object's URN. */
export const href = {
  org: (base: string, id: string) => `${base}/api/org/${uuid(id)}`,
  adminOrg: (base: string, id: string) => `${base}/api/admin/org/${uuid(id)}`,
  user: (base: string, id: string) => `${base}/api/admin/user/${uuid(id)}`,
  vdc: (base: string, id: string) => `${base}/api/vdc/${uuid(id)}`,
  vApp: (base: string, id: string) => `${base}/api/vApp/vapp-${uuid(id)}`,
  vm: (base: string, id: string) => `${base}/api/vApp/vm-${uuid(id)}`,
  vAppTemplate: (base: string, id: string) => `${base}/api/vAppTemplate/vappTemplate-${uuid(id)}`,
  templateVm: (base: string, id: string) => `${base}/api/vAppTemplate/vm-${uuid(id)}`,
  catalog: (base: string, id: string) => `${base}/api/catalog/${uuid(id)}`,
  adminCatalog: (base: string, id: string) => `${base}/api/admin/catalog/${uuid(id)}`,
  catalogItem: (base: string, id: string) => `${base}/api/catalogItem/${uuid(id)}`,
  network: (base: string, id: string) => `${base}/api/admin/network/${uuid(id)}`,
  storageProfile: (base: string, id: string) => `${base}/api/vdcStorageProfile/${uuid(id)}`,
  computePolicy: (base: string, id: string) => `${base}/cloudapi/2.0.0/vdcComputePolicies/${id}`,
};

export interface LegacyRef {
  href: string;
  id: string;
  type: string;
  name: string;
}

export function legacyRef(hrefValue: string, id: string, type: string, name: string): LegacyRef {
  return { href: hrefValue, id, type, name };
}

export interface LegacyLink {
  rel: string;
  href: string;
  type: string | null;
  name?: string;
}

export function link(rel: string, hrefValue: string, type: string | null = null, name?: string): LegacyLink {
  return name === undefined ? { rel, href: hrefValue, type } : { rel, href: hrefValue, type, name };
}

/** Answers a legacy representation with its media type and the negotiated version. */
export function sendLegacy(
  req: Request,
  res: Response,
  mediaType: string,
  body: unknown,
  status = 200,
): void {
  // Written by hand: express would lower-case VCD's mixed-case media type (`vAppTemplate`).
  res.status(status).setHeader('Content-Type', `${mediaType};version=${req.apiVersion}`);
  res.end(JSON.stringify(body));
}

/** Catalog items are not stored: each template has one, with an id derived from the template's. */
export function catalogItemIdOf(templateId: string): string {
  const hex = createHash('sha256').update(`catalogItem:${templateId}`).digest('hex');
  const u = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return `urn:vcloud:catalogitem:${u}`;
}

/** `vapp-<uuid>` / `vm-<uuid>` / `vappTemplate-<uuid>` path segments → the URN of that kind. */
export function urnFromSegment(segment: string, prefix: string, kind: string): string | undefined {
  if (!segment.toLowerCase().startsWith(`${prefix.toLowerCase()}-`)) return undefined;
  const id = uuidOf(segment.slice(prefix.length + 1));
  return id ? `urn:vcloud:${kind}:${id}` : undefined;
}

/** A bare UUID path segment (or URN) → the URN of that kind. */
export function urnFromUuid(segment: string, kind: string): string | undefined {
  const id = uuidOf(segment);
  return id ? `urn:vcloud:${kind}:${id}` : undefined;
}
