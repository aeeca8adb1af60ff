import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { SimContext } from '../../context.ts';
import { assertRights, canSeeOrg, principalOf, type Principal } from '../../http/auth.ts';
import { parseBody } from '../../http/body.ts';
import { fail } from '../../http/errors.ts';
import {
  catalogAccessSlice,
  type CatalogAccess,
  type CatalogAccessLevel,
} from '../../world/catalog-access.ts';
import type { Catalog, VAppTemplate, VAppTemplateVm } from '../../world/compute.ts';
import { uuidOf } from '../../world/ids.ts';
import {
  catalogItemIdOf,
  href,
  legacyRef,
  link,
  media,
  sendLegacy,
  urnFromSegment,
  urnFromUuid,
} from '../compute/legacy.ts';
import { sendLegacyXml, wantsXml, xmlLink, xmlMedia, type XmlElement } from './legacy-xml.ts';
import {
  productSectionJson,
  productSectionListJson,
  productSectionListXml,
  productSectionXml,
} from './product-sections.ts';
import { catalogVisibleTo, templateVisibleTo } from './visibility.ts';

const accessLevel = z.enum(['ReadOnly', 'Change', 'FullControl']);
const subjectRef = z
  .object({ href: z.string(), type: z.string().optional(), name: z.string().optional() })
  .passthrough();
/** VCD's ControlAccessParams in JSON. */
const controlAccessInput = z
  .object({
    isSharedToEveryone: z.boolean(),
    everyoneAccessLevel: accessLevel.nullable().optional(),
    accessSettings: z
      .object({
        accessSetting: z.array(
          z
            .object({ subject: subjectRef, accessLevel, externalSubject: z.unknown().optional() })
            .passthrough(),
        ),
      })
      .passthrough()
      .nullable()
      .optional(),
  })
  .passthrough();
const publishInput = z.object({ isPublished: z.boolean() }).passthrough();

/**
 * Catalogs, catalog items and vApp templates in the legacy API, plus catalog sharing
 * (`controlAccess`) and publishing, which decide which tenant sees which template.
 */
export function catalogsArea(ctx: SimContext): Router {
  const router = Router();
  const base = () => ctx.publicUrl();

  const findCatalog = (principal: Principal, segment: string): Catalog => {
    const id = urnFromUuid(segment, 'catalog');
    const catalog = id ? ctx.store.world.catalogs[id] : undefined;
    if (!catalog || !catalogVisibleTo(principal, catalog)) fail('notFound', { kind: 'Catalog', id: segment });
    return catalog;
  };
  /** Sharing and publishing are for the owning org (or the provider). */
  const findOwnedCatalog = (principal: Principal, segment: string): Catalog => {
    const catalog = findCatalog(principal, segment);
    if (!canSeeOrg(principal, catalog.org.id)) fail('notFound', { kind: 'Catalog', id: segment });
    return catalog;
  };
  const templatesOf = (catalog: Catalog) =>
    Object.values(ctx.store.world.vAppTemplates).filter((template) => template.catalog.id === catalog.id);

  const catalogJson = (catalog: Catalog, admin: boolean) => ({
    otherAttributes: {},
    href: admin ? href.adminCatalog(base(), catalog.id) : href.catalog(base(), catalog.id),
    type: admin ? media.adminCatalog : media.catalog,
    id: catalog.id,
    name: catalog.name,
    description: catalog.description,
    isPublished: catalog.isPublished,
    dateCreated: catalog.creationDate,
    versionNumber: 1,
    tasks: null,
    owner: null,
    link: [
      link('up', href.org(base(), catalog.org.id), media.org, catalog.org.name),
      link('down', `${href.catalog(base(), catalog.id)}/controlAccess`, media.controlAccess),
    ],
    catalogItems: {
      catalogItem: templatesOf(catalog).map((template) =>
        legacyRef(
          href.catalogItem(base(), catalogItemIdOf(template.id)),
          catalogItemIdOf(template.id),
          media.catalogItem,
          template.name,
        ),
      ),
    },
  });

  router.get('/api/catalog/:id', (req, res) => {
    sendLegacy(req, res, media.catalog, catalogJson(findCatalog(principalOf(req), req.params.id), false));
  });
  router.get('/api/admin/catalog/:id', (req, res) => {
    sendLegacy(
      req,
      res,
      media.adminCatalog,
      catalogJson(findOwnedCatalog(principalOf(req), req.params.id), true),
    );
  });

  router.get('/api/catalogItem/:id', (req, res) => {
    const principal = principalOf(req);
    const id = urnFromUuid(req.params.id, 'catalogitem');
    const template = Object.values(ctx.store.world.vAppTemplates).find(
      (candidate) => catalogItemIdOf(candidate.id) === id,
    );
    if (!template || !templateVisibleTo(principal, ctx.store.world, template))
      fail('notFound', { kind: 'CatalogItem', id: req.params.id });
    sendLegacy(req, res, media.catalogItem, {
      otherAttributes: {},
      href: href.catalogItem(base(), id!),
      type: media.catalogItem,
      id,
      name: template.name,
      description: template.description,
      dateCreated: template.creationDate,
      versionNumber: 1,
      entity: legacyRef(
        href.vAppTemplate(base(), template.id),
        template.id,
        media.vAppTemplate,
        template.name,
      ),
      link: [link('up', href.catalog(base(), template.catalog.id), media.catalog, template.catalog.name)],
    });
  });

  const templateVmJson = (vm: VAppTemplateVm) => ({
    otherAttributes: {},
    href: href.templateVm(base(), vm.id),
    type: media.vm,
    id: vm.id,
    name: vm.name,
    description: '',
    status: 8,
    vAppScopedLocalId: vm.name,
    link: [link('down', `${href.templateVm(base(), vm.id)}/productSections`, media.productSections)],
    section: [
      ...vm.productSections.map(productSectionJson),
      // The OS type is VmSpecSection's (go-vcloud-director types/v56); the OVF section's `vmw:osType` is a
      // foreign XML attribute with no JSON field in @vcd/bindings.
      { _type: 'OperatingSystemSectionType', info: { value: 'Guest operating system' } },
    ],
    vmSpecSection: {
      modified: false,
      info: { value: 'Virtual hardware' },
      osType: vm.osType,
      numCpus: vm.cpuCount,
      numCoresPerSocket: 1,
      memoryResourceMb: { configured: vm.memoryMb },
      diskSection: { diskSettings: [{ diskId: '2000', sizeMb: vm.diskSizeMb, unitNumber: 0, busNumber: 0 }] },
    },
  });
  const templateJson = (template: VAppTemplate) => ({
    otherAttributes: {},
    href: href.vAppTemplate(base(), template.id),
    type: media.vAppTemplate,
    id: template.id,
    name: template.name,
    description: template.description,
    status: template.status,
    ovfDescriptorUploaded: true,
    goldMaster: false,
    dateCreated: template.creationDate,
    tasks: null,
    link: [
      link('up', href.catalogItem(base(), catalogItemIdOf(template.id)), media.catalogItem),
      link('down', `${href.vAppTemplate(base(), template.id)}/productSections`, media.productSections),
    ],
    children: { vm: template.vms.map(templateVmJson) },
    section: [],
  });

  /** The template VM as `<Vm>` (`types/v56` `VAppTemplate.Children.VM`), with its product sections. */
  const templateVmXml = (vm: VAppTemplateVm): XmlElement => ({
    '@goldMaster': 'false',
    '@status': 8,
    '@name': vm.name,
    '@id': vm.id,
    '@href': href.templateVm(base(), vm.id),
    '@type': xmlMedia(media.vm),
    Link: [xmlLink('down', `${href.templateVm(base(), vm.id)}/productSections`, media.productSections)],
    Description: '',
    'ovf:ProductSection': vm.productSections.map(productSectionXml),
    VAppScopedLocalId: vm.name,
  });
  /** `<VAppTemplate>` (`types/v56` `VAppTemplate`), where GVCD reads a TKG image's VERSION from the first VM. */
  const templateXml = (template: VAppTemplate): XmlElement => ({
    '@goldMaster': 'false',
    '@ovfDescriptorUploaded': 'true',
    '@status': template.status,
    '@name': template.name,
    '@id': template.id,
    '@href': href.vAppTemplate(base(), template.id),
    '@type': xmlMedia(media.vAppTemplate),
    Link: [
      xmlLink('up', href.catalogItem(base(), catalogItemIdOf(template.id)), media.catalogItem),
      xmlLink('down', `${href.vAppTemplate(base(), template.id)}/productSections`, media.productSections),
    ],
    Description: template.description,
    Children: { Vm: template.vms.map(templateVmXml) },
    DateCreated: template.creationDate,
  });

  /** A template (`vappTemplate-<uuid>`) or one of its VMs (`vm-<uuid>`), if visible. */
  const findTemplate = (req: Request<{ ref: string }>): { template: VAppTemplate; vm?: VAppTemplateVm } => {
    const principal = principalOf(req);
    const world = ctx.store.world;
    const segment = req.params.ref;
    const templateId = urnFromSegment(segment, 'vappTemplate', 'vapptemplate');
    const vmId = urnFromSegment(segment, 'vm', 'vm');
    let found: { template: VAppTemplate; vm?: VAppTemplateVm } | undefined;
    if (templateId && world.vAppTemplates[templateId]) found = { template: world.vAppTemplates[templateId] };
    if (vmId) {
      for (const template of Object.values(world.vAppTemplates)) {
        const vm = template.vms.find((candidate) => candidate.id === vmId);
        if (vm) found = { template, vm };
      }
    }
    if (!found || !templateVisibleTo(principal, world, found.template)) {
      fail('notFound', { kind: 'VAppTemplate', id: segment });
    }
    assertRights(principal, ['vApp Template / Media: View'], 'view vApp template');
    return found;
  };

  router.get('/api/vAppTemplate/:ref', (req, res) => {
    const { template, vm } = findTemplate(req);
    if (wantsXml(req)) {
      if (vm) sendLegacyXml(req, res, media.vm, 'Vm', templateVmXml(vm));
      else sendLegacyXml(req, res, media.vAppTemplate, 'VAppTemplate', templateXml(template));
    } else if (vm) sendLegacy(req, res, media.vm, templateVmJson(vm));
    else sendLegacy(req, res, media.vAppTemplate, templateJson(template));
  });
  router.get('/api/vAppTemplate/:ref/productSections', (req, res) => {
    const { template, vm } = findTemplate(req);
    const sections = vm ? vm.productSections : (template.vms[0]?.productSections ?? []);
    const self = vm ? href.templateVm(base(), vm.id) : href.vAppTemplate(base(), template.id);
    if (wantsXml(req)) {
      const list = productSectionListXml(`${self}/productSections`, sections);
      sendLegacyXml(req, res, media.productSections, 'ProductSectionList', list);
    } else
      sendLegacy(
        req,
        res,
        media.productSections,
        productSectionListJson(`${self}/productSections`, sections),
      );
  });

  // ---- sharing and publishing ----
  const accessOf = (catalog: Catalog): CatalogAccess => {
    const stored = catalogAccessSlice.of(ctx.store.world)[catalog.id];
    if (stored) return stored;
    return {
      isSharedToEveryone: false,
      everyoneAccessLevel: null,
      settings: catalog.sharedWithOrgIds.map((orgId) => ({
        subjectKind: 'org' as const,
        subjectId: orgId,
        accessLevel: 'ReadOnly' as CatalogAccessLevel,
      })),
    };
  };
  const controlAccessJson = (catalog: Catalog) => {
    const access = accessOf(catalog);
    const world = ctx.store.world;
    return {
      otherAttributes: {},
      href: `${href.catalog(base(), catalog.id)}/controlAccess`,
      type: media.controlAccess,
      isSharedToEveryone: access.isSharedToEveryone,
      everyoneAccessLevel: access.everyoneAccessLevel,
      accessSettings: {
        accessSetting: access.settings.map((setting) => ({
          subject:
            setting.subjectKind === 'org'
              ? legacyRef(
                  href.adminOrg(base(), setting.subjectId),
                  setting.subjectId,
                  media.adminOrg,
                  world.orgs[setting.subjectId]?.name ?? '',
                )
              : legacyRef(
                  href.user(base(), setting.subjectId),
                  setting.subjectId,
                  media.user,
                  world.users[setting.subjectId]?.username ?? '',
                ),
          accessLevel: setting.accessLevel,
        })),
      },
    };
  };
  const ownedCatalogFor = (req: Request<{ id: string; org?: string }>) => {
    const principal = principalOf(req);
    const catalog = findOwnedCatalog(principal, req.params.id);
    if (req.params.org !== undefined && uuidOf(req.params.org) !== uuidOf(catalog.org.id)) {
      fail('notFound', { kind: 'Catalog', id: req.params.id });
    }
    return { principal, catalog };
  };
  const getAccess = (req: Request<{ id: string; org?: string }>, res: Response) => {
    const { catalog } = ownedCatalogFor(req);
    sendLegacy(req, res, media.controlAccess, controlAccessJson(catalog));
  };
  const setAccess = (req: Request<{ id: string; org?: string }>, res: Response) => {
    const { principal, catalog } = ownedCatalogFor(req);
    assertRights(principal, ['Catalog: Sharing'], 'share catalog');
    const input = parseBody(controlAccessInput, req.body);
    const world = ctx.store.world;
    const settings = (input.accessSettings?.accessSetting ?? []).map((setting) => {
      const subject = setting.subject.href;
      const isUser = /\/user\//.test(subject);
      const id = uuidOf(subject);
      const subjectId = id ? `urn:vcloud:${isUser ? 'user' : 'org'}:${id}` : '';
      const exists = isUser ? world.users[subjectId] : world.orgs[subjectId];
      if (!exists) fail('badRequest', { reason: `Access setting subject ${subject} does not exist.` });
      return {
        subjectKind: isUser ? ('user' as const) : ('org' as const),
        subjectId,
        accessLevel: setting.accessLevel,
      };
    });
    catalogAccessSlice.of(world)[catalog.id] = {
      isSharedToEveryone: input.isSharedToEveryone,
      everyoneAccessLevel: input.everyoneAccessLevel ?? null,
      settings,
    };
    catalog.sharedWithOrgIds = settings
      .filter((setting) => setting.subjectKind === 'org' && setting.subjectId !== catalog.org.id)
      .map((setting) => setting.subjectId);
    catalog.isShared = catalog.sharedWithOrgIds.length > 0 || input.isSharedToEveryone;
    sendLegacy(req, res, media.controlAccess, controlAccessJson(catalog));
  };
  for (const prefix of ['/api/admin/catalog/:id', '/api/org/:org/catalog/:id']) {
    router.get(`${prefix}/controlAccess`, getAccess);
    router.post(`${prefix}/action/controlAccess`, setAccess);
  }
  router.get('/api/catalog/:id/controlAccess', getAccess);

  router.post('/api/admin/catalog/:id/action/publish', (req, res) => {
    const { principal, catalog } = ownedCatalogFor(req);
    assertRights(principal, ['Catalog: Edit Properties'], 'publish catalog');
    const org = ctx.store.world.orgs[catalog.org.id];
    if (!org?.canPublish)
      fail('badRequest', { reason: `Organization ${catalog.org.name} cannot publish catalogs.` });
    catalog.isPublished = parseBody(publishInput, req.body).isPublished;
    res.status(204).end();
  });

  return router;
}
