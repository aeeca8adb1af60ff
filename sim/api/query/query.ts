import { Router, type Request } from 'express';
import type { SimContext } from '../../context.ts';
import { principalOf, type Principal } from '../../http/auth.ts';
import { fail } from '../../http/errors.ts';
import { pageOf } from '../../http/paging.ts';
import { uuidOf } from '../../world/ids.ts';
import { vAppsSlice, vcdStatusNames } from '../../world/vapps.ts';
import type { World } from '../../world/world.ts';
import { catalogOpenToOrg, catalogViewRights } from '../catalogs/visibility.ts';
import { catalogItemIdOf, href, media, sendLegacy } from '../compute/legacy.ts';
import { vAppStatusOf } from '../vapps/vapp-json.ts';

type QueryRecord = { _type: string; href: string; name: string; [field: string]: unknown };

interface QueryType {
  /** Admin types are for the provider and span every org; the others cover the acting org. */
  admin: boolean;
  recordType: string;
  referenceType: string;
  records(world: World, principal: Principal, base: string): QueryRecord[];
}

const statusName = (status: number) => vcdStatusNames[status] ?? 'UNKNOWN';

/** Org scope of the non-admin query types: the org the caller acts in (for a provider: System). */
const inActingOrg = (principal: Principal, orgId: string) => principal.effectiveOrg.id === orgId;

function templateRecords(admin: boolean) {
  return (world: World, principal: Principal, base: string): QueryRecord[] =>
    Object.values(world.vAppTemplates)
      .filter((template) => {
        const catalog = world.catalogs[template.catalog.id];
        if (!catalog) return false;
        return admin || catalogOpenToOrg(catalog, principal.effectiveOrg.id);
      })
      .map((template) => {
        const catalog = world.catalogs[template.catalog.id]!;
        return {
          _type: admin ? 'QueryResultAdminVAppTemplateRecordType' : 'QueryResultVAppTemplateRecordType',
          href: href.vAppTemplate(base, template.id),
          id: template.id,
          name: template.name,
          description: template.description,
          catalogName: catalog.name,
          catalog: href.catalog(base, catalog.id),
          catalogItem: href.catalogItem(base, catalogItemIdOf(template.id)),
          org: href.org(base, template.org.id),
          ...(admin ? { orgName: template.org.name } : {}),
          ownerName: 'system',
          status: template.status === 8 ? 'RESOLVED' : 'UNRESOLVED',
          isPublished: catalog.isPublished,
          isGoldMaster: false,
          isEnabled: true,
          isExpired: false,
          isDeployed: false,
          isBusy: false,
          creationDate: template.creationDate,
          numberOfVMs: template.vms.length,
          numberOfCpus: template.vms.reduce((sum, vm) => sum + vm.cpuCount, 0),
          memoryAllocationMB: template.vms.reduce((sum, vm) => sum + vm.memoryMb, 0),
          storageKB: template.vms.reduce((sum, vm) => sum + vm.diskSizeMb * 1024, 0),
          vdcName: '',
        };
      });
}

function catalogRecords(admin: boolean) {
  return (world: World, principal: Principal, base: string): QueryRecord[] =>
    Object.values(world.catalogs)
      .filter((catalog) => admin || catalogOpenToOrg(catalog, principal.effectiveOrg.id))
      .map((catalog) => ({
        _type: admin ? 'QueryResultAdminCatalogRecordType' : 'QueryResultCatalogRecordType',
        href: admin ? href.adminCatalog(base, catalog.id) : href.catalog(base, catalog.id),
        id: catalog.id,
        name: catalog.name,
        description: catalog.description,
        orgName: catalog.org.name,
        ownerName: 'system',
        isPublished: catalog.isPublished,
        isShared: catalog.isShared,
        numberOfVAppTemplates: Object.values(world.vAppTemplates).filter((t) => t.catalog.id === catalog.id)
          .length,
        numberOfMedia: 0,
        creationDate: catalog.creationDate,
      }));
}

function catalogItemRecords(admin: boolean) {
  const templates = templateRecords(admin);
  return (world: World, principal: Principal, base: string): QueryRecord[] =>
    templates(world, principal, base).map((template) => {
      const id = catalogItemIdOf(String(template.id));
      return {
        _type: admin ? 'QueryResultAdminCatalogItemRecordType' : 'QueryResultCatalogItemRecordType',
        href: href.catalogItem(base, id),
        id,
        name: template.name,
        catalogName: template.catalogName,
        catalog: template.catalog,
        entity: template.href,
        entityName: template.name,
        entityType: 'vapptemplate',
        isPublished: template.isPublished,
        isExpired: false,
        ownerName: 'system',
        status: template.status,
        creationDate: template.creationDate,
      };
    });
}

function vAppRecords(admin: boolean) {
  return (world: World, principal: Principal, base: string): QueryRecord[] => {
    const state = vAppsSlice.of(world);
    return Object.values(state.vApps)
      .filter((vApp) => admin || inActingOrg(principal, vApp.orgId))
      .map((vApp) => {
        const vms = vApp.vmIds.flatMap((id) => (state.vms[id] ? [state.vms[id]] : []));
        return {
          _type: admin ? 'QueryResultAdminVAppRecordType' : 'QueryResultVAppRecordType',
          href: href.vApp(base, vApp.id),
          id: vApp.id,
          name: vApp.name,
          vdc: href.vdc(base, vApp.vdcId),
          vdcName: world.vdcs[vApp.vdcId]?.name ?? '',
          // Admin vApp and VM records name the org by href only (@vcd/bindings
          // QueryResultAdminVAppRecordType / QueryResultAdminVMRecordType have `org`, no `orgName`).
          ...(admin ? { org: href.org(base, vApp.orgId) } : {}),
          ownerName: vApp.owner.name,
          status: statusName(vAppStatusOf(vApp, vms)),
          isDeployed: vApp.deployed,
          isEnabled: true,
          isBusy: vApp.busyTaskId !== null,
          isInMaintenanceMode: false,
          numberOfVMs: vms.length,
          numberOfCpus: vms.reduce((sum, vm) => sum + vm.cpuCount, 0),
          memoryAllocationMB: vms.reduce((sum, vm) => sum + vm.memoryMb, 0),
          creationDate: vApp.dateCreated,
        };
      });
  };
}

function vmRecords(admin: boolean) {
  return (world: World, principal: Principal, base: string): QueryRecord[] => {
    const state = vAppsSlice.of(world);
    return Object.values(state.vms)
      .filter((vm) => admin || inActingOrg(principal, vm.orgId))
      .map((vm) => {
        const primary = vm.networkConnections[0];
        return {
          _type: admin ? 'QueryResultAdminVMRecordType' : 'QueryResultVMRecordType',
          href: href.vm(base, vm.id),
          id: vm.id,
          name: vm.name,
          containerName: state.vApps[vm.vAppId]?.name ?? '',
          container: href.vApp(base, vm.vAppId),
          vdc: href.vdc(base, vm.vdcId),
          ...(admin ? { org: href.org(base, vm.orgId) } : {}),
          status: statusName(vm.status),
          isVAppTemplate: false,
          isDeployed: vm.deployed,
          isBusy: state.vApps[vm.vAppId]?.busyTaskId != null,
          ipAddress: primary?.ipAddress ?? null,
          networkName: primary?.networkName ?? null,
          guestOs: vm.osType,
          numberOfCpus: vm.cpuCount,
          memoryMB: vm.memoryMb,
          totalStorageAllocatedMb: vm.diskSizeMb,
          storageProfileName: vm.storageProfileId
            ? (world.storageProfiles[vm.storageProfileId]?.name ?? '')
            : '',
          vmSizingPolicyId: vm.sizingPolicyId,
          // VM records say dateCreated where vApp records say creationDate (go-vcloud-director
          // types/v56/types.go QueryResultVMRecordType / QueryResultVAppRecordType).
          dateCreated: vm.dateCreated,
        };
      });
  };
}

function storageProfileRecords(admin: boolean) {
  return (world: World, principal: Principal, base: string): QueryRecord[] =>
    Object.values(world.storageProfiles)
      .filter((profile) => {
        const vdc = world.vdcs[profile.vdc.id];
        return vdc !== undefined && (admin || inActingOrg(principal, vdc.org.id));
      })
      .map((profile) => ({
        _type: admin
          ? 'QueryResultAdminOrgVdcStorageProfileRecordType'
          : 'QueryResultOrgVdcStorageProfileRecordType',
        href: href.storageProfile(base, profile.id),
        id: profile.id,
        name: profile.name,
        vdc: href.vdc(base, profile.vdc.id),
        vdcName: profile.vdc.name,
        isEnabled: profile.enabled,
        isDefaultStorageProfile: profile.default,
        storageLimitMB: profile.limit,
        storageUsedMB: profile.used,
        iopsLimit: profile.iopsLimit,
      }));
}

function vdcRecords(admin: boolean) {
  return (world: World, principal: Principal, base: string): QueryRecord[] =>
    Object.values(world.vdcs)
      .filter((vdc) => admin || inActingOrg(principal, vdc.org.id))
      .map((vdc) => ({
        _type: admin ? 'QueryResultAdminVdcRecordType' : 'QueryResultOrgVdcRecordType',
        href: href.vdc(base, vdc.id),
        id: vdc.id,
        name: vdc.name,
        description: vdc.description,
        orgName: vdc.org.name,
        isEnabled: vdc.isEnabled,
        allocationModel: vdc.allocationType === 'Flex' ? 'Flex' : vdc.allocationType,
        numberOfVApps: Object.values(vAppsSlice.of(world).vApps).filter((vApp) => vApp.vdcId === vdc.id)
          .length,
      }));
}

const queryTypes: Record<string, QueryType> = {
  vAppTemplate: {
    admin: false,
    recordType: 'QueryResultVAppTemplateRecordType',
    referenceType: media.vAppTemplate,
    records: templateRecords(false),
  },
  adminVAppTemplate: {
    admin: true,
    recordType: 'QueryResultAdminVAppTemplateRecordType',
    referenceType: media.vAppTemplate,
    records: templateRecords(true),
  },
  catalog: {
    admin: false,
    recordType: 'QueryResultCatalogRecordType',
    referenceType: media.catalog,
    records: catalogRecords(false),
  },
  adminCatalog: {
    admin: true,
    recordType: 'QueryResultAdminCatalogRecordType',
    referenceType: media.adminCatalog,
    records: catalogRecords(true),
  },
  catalogItem: {
    admin: false,
    recordType: 'QueryResultCatalogItemRecordType',
    referenceType: media.catalogItem,
    records: catalogItemRecords(false),
  },
  adminCatalogItem: {
    admin: true,
    recordType: 'QueryResultAdminCatalogItemRecordType',
    referenceType: media.catalogItem,
    records: catalogItemRecords(true),
  },
  vApp: {
    admin: false,
    recordType: 'QueryResultVAppRecordType',
    referenceType: media.vApp,
    records: vAppRecords(false),
  },
  adminVApp: {
    admin: true,
    recordType: 'QueryResultAdminVAppRecordType',
    referenceType: media.vApp,
    records: vAppRecords(true),
  },
  vm: {
    admin: false,
    recordType: 'QueryResultVMRecordType',
    referenceType: media.vm,
    records: vmRecords(false),
  },
  adminVM: {
    admin: true,
    recordType: 'QueryResultAdminVMRecordType',
    referenceType: media.vm,
    records: vmRecords(true),
  },
  orgVdcStorageProfile: {
    admin: false,
    recordType: 'QueryResultOrgVdcStorageProfileRecordType',
    referenceType: media.storageProfile,
    records: storageProfileRecords(false),
  },
  adminOrgVdcStorageProfile: {
    admin: true,
    recordType: 'QueryResultAdminOrgVdcStorageProfileRecordType',
    referenceType: media.storageProfile,
    records: storageProfileRecords(true),
  },
  orgVdc: {
    admin: false,
    recordType: 'QueryResultOrgVdcRecordType',
    referenceType: media.vdc,
    records: vdcRecords(false),
  },
  adminOrgVdc: {
    admin: true,
    recordType: 'QueryResultAdminVdcRecordType',
    referenceType: media.vdc,
    records: vdcRecords(true),
  },
};

/** Rights a query type needs (beyond org scope); guessed from the objects' view rights. */
function assertQueryRights(principal: Principal, type: string): void {
  if (/template|catalog/i.test(type) && !catalogViewRights.some((right) => principal.rights.has(right))) {
    fail('missingRight', { rights: catalogViewRights.join(' or '), operation: `query ${type}` });
  }
}

const queryText = (req: Request, name: string) => {
  const raw = req.query[name];
  return raw === undefined ? undefined : String(Array.isArray(raw) ? raw[0] : raw);
};

/**
 * The legacy query service, `GET /api/query?type=…&filter=…&format=records|idrecords|references`:
 * FIQL filters on record fields, `sortAsc`/`sortDesc`, `page`/`pageSize` (max 128).
 */
export function queryArea(ctx: SimContext): Router {
  const router = Router();
  router.get('/api/query', (req, res) => {
    const principal = principalOf(req);
    const typeName = queryText(req, 'type');
    const type = typeName ? queryTypes[typeName] : undefined;
    if (!typeName || !type) {
      fail('badRequest', {
        reason: `Invalid query type "${typeName ?? ''}"; supported: ${Object.keys(queryTypes).join(', ')}.`,
      });
    }
    if (type.admin && !principal.isProvider) {
      fail('missingRight', { rights: 'General: Administrator View', operation: `query ${typeName}` });
    }
    assertQueryRights(principal, typeName);
    const format = queryText(req, 'format') ?? 'records';
    if (!['records', 'idrecords', 'references'].includes(format)) {
      fail('invalidQueryParameter', {
        name: 'format',
        value: format,
        reason: 'expected records, idrecords or references',
      });
    }
    const base = ctx.publicUrl();
    const page = pageOf(req, res, type.records(ctx.store.world, principal, base), { defaultSort: 'name' });
    const self = `${base}/api/query?${new URLSearchParams(req.query as Record<string, string>).toString()}`;
    const pageLink = (target: number, rel: string) => {
      const params = new URLSearchParams(req.query as Record<string, string>);
      params.set('page', String(target));
      params.set('pageSize', String(page.pageSize));
      return { rel, href: `${base}/api/query?${params.toString()}`, type: media.queryRecords };
    };
    const links = [];
    if (page.page < page.pageCount) links.push(pageLink(page.page + 1, 'nextPage'));
    if (page.page > 1 && page.page <= page.pageCount) links.push(pageLink(page.page - 1, 'previousPage'));
    if (page.pageCount > 0) links.push(pageLink(1, 'firstPage'), pageLink(page.pageCount, 'lastPage'));
    const common = {
      otherAttributes: {},
      link: links,
      href: self,
      type:
        format === 'references' ? 'application/vnd.vmware.vcloud.query.references+json' : media.queryRecords,
      name: typeName,
      page: page.page,
      pageSize: page.pageSize,
      total: page.resultTotal,
    };
    const body =
      format === 'references'
        ? {
            ...common,
            reference: page.values.map((record) => ({
              href: record.href,
              id: record.id ?? `urn:vcloud:${typeName.toLowerCase()}:${uuidOf(record.href) ?? ''}`,
              type: type.referenceType,
              name: record.name,
            })),
          }
        : {
            ...common,
            record: page.values.map((record) => {
              if (format === 'idrecords') return record;
              const { id: _id, ...withoutId } = record;
              return withoutId;
            }),
          };
    sendLegacy(req, res, common.type, body);
  });
  return router;
}
