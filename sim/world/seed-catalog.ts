import type { Catalog, ProductProperty, VAppTemplate } from './compute.ts';
import { seedDate } from './seed-access.ts';
import type { IdSource } from './store.ts';
import type { World } from './world.ts';

/**
 * TKG node templates in the seed: real TKG OVA versions, each a key of go-vcloud-director's
 * `govcd/cse/tkg_versions.json` (v3.1.1), which also gives the TKG release and the etcd and CoreDNS
 * image tags the TKG registry carries for that OVA (the simulated registry is built from them,
 * `sim/infra/capvcd/tkg-registry.ts`). One TKG 2.3.1 image (Ubuntu 20.04, as TKG 2.3 shipped it)
 * gives upgrade paths from an older release. Names are the OVA file names, as go-vcloud-director's
 * and terraform-provider-vcd's CSE tests upload them (`ubuntu-2004-kube-v1.25.7+vmware.2-tkg.1-<hash>`).
 */
export const tkgTemplateVersions = [
  {
    version: 'v1.26.8+vmware.1-tkg.1-0edd4dafbefbdb503f64d5472e500cf8',
    tkg: 'v2.3.1',
    etcd: 'v3.5.6_vmware.20',
    coreDns: 'v1.9.3_vmware.16',
    os: 'ubuntu',
    osVersion: '20.04',
  },
  {
    version: 'v1.27.15+vmware.1-tkg.2-138e363d8ee0f5eeda35a0de81a33f9f',
    tkg: 'v2.5.2',
    etcd: 'v3.5.12_vmware.5',
    coreDns: 'v1.10.1_vmware.20',
    os: 'ubuntu',
    osVersion: '22.04',
  },
  {
    version: 'v1.28.11+vmware.2-tkg.2-7820f47053de95b5aaf7e33a17511e47',
    tkg: 'v2.5.2',
    etcd: 'v3.5.12_vmware.5',
    coreDns: 'v1.10.1_vmware.21',
    os: 'ubuntu',
    osVersion: '22.04',
  },
  {
    version: 'v1.29.6+vmware.1-tkg.3-c6934e3c00b6ca9a7c3e56acb773ce3a',
    tkg: 'v2.5.2',
    etcd: 'v3.5.12_vmware.5',
    coreDns: 'v1.10.1_vmware.23',
    os: 'ubuntu',
    osVersion: '22.04',
  },
  {
    version: 'v1.30.2+vmware.1-tkg.1-00b380629c7a9c10afaaa9df46ba2283',
    tkg: 'v2.5.2',
    etcd: 'v3.5.12_vmware.5',
    coreDns: 'v1.11.1_vmware.10',
    os: 'ubuntu',
    osVersion: '22.04',
  },
] as const;

export const bootstrapTemplateName = 'cse-bootstrap-ubuntu-2204';
export const templateCatalogName = 'tkg-templates';

function property(key: string, value: string, userConfigurable = false, label = key): ProductProperty {
  return { key, label, type: 'string', defaultValue: value, value, userConfigurable, description: '' };
}

/**
 * A provider catalog shared read-only with every tenant, holding the TKG node templates (their VM
 * carries `VERSION` = `v1.28.11+vmware.2-tkg.2-<hash>` in its product section, which is how GVCD
 * recognises a TKG OVA) and the bootstrap template, a small Ubuntu that runs cloud-init from its
 * ExtraConfig `guestinfo.userdata` (or its OVF property `user-data`).
 */
export function seedCatalog(world: World, ids: IdSource): void {
  const system = Object.values(world.orgs).find((org) => org.isProvider)!;
  const tenants = Object.values(world.orgs).filter((org) => !org.isProvider);
  const catalog: Catalog = {
    id: ids.urn('catalog'),
    name: templateCatalogName,
    description: 'TKG node templates and the CSE bootstrap template',
    org: { id: system.id, name: system.name },
    isPublished: true,
    isShared: true,
    sharedWithOrgIds: tenants.map((org) => org.id),
    creationDate: seedDate,
  };
  world.catalogs[catalog.id] = catalog;
  const catalogRef = { id: catalog.id, name: catalog.name };
  const orgRef = { id: system.id, name: system.name };

  for (const version of tkgTemplateVersions) {
    const versionValue = version.version;
    const kubernetes = versionValue.split('-')[0]!;
    const name = `${version.os}-${version.osVersion.replace('.', '')}-kube-${versionValue}`;
    const template: VAppTemplate = {
      id: ids.urn('vapptemplate'),
      name,
      description: `TKG ${version.tkg} node image, Kubernetes ${kubernetes}`,
      catalog: catalogRef,
      org: orgRef,
      status: 8,
      creationDate: seedDate,
      vms: [
        {
          id: ids.urn('vm'),
          name: name.slice(0, 63),
          osType: 'ubuntu64Guest',
          cpuCount: 2,
          memoryMb: 4096,
          diskSizeMb: 20480,
          productSections: [
            {
              info: 'Information about the installed software',
              product: `${version.os === 'ubuntu' ? 'Ubuntu' : 'Photon'} ${version.osVersion} and Kubernetes ${kubernetes}`,
              vendor: 'VMware Inc.',
              version: kubernetes,
              fullVersion: versionValue,
              properties: [
                property('VERSION', versionValue),
                property('TKG_VERSION', version.tkg),
                property('KUBERNETES_SEMVER', kubernetes),
                property('KUBERNETES_SOURCE', 'https://packages.broadcom.com'),
                property('BUILD_DATE', seedDate.slice(0, 10)),
                property('BUILD_TIMESTAMP', String(Date.parse(seedDate) / 1000)),
                property('CONTAINERD_VERSION', 'v1.6.28+vmware.2'),
                property('DISTRO_NAME', version.os),
                property('DISTRO_VERSION', version.osVersion),
                property('DISTRO_ARCH', 'amd64'),
                property('IMAGE_TYPE', 'node'),
                property('OS_NAME', version.os),
                property('OS_VERSION', version.osVersion),
              ],
            },
          ],
        },
      ],
    };
    world.vAppTemplates[template.id] = template;
  }

  const bootstrap: VAppTemplate = {
    id: ids.urn('vapptemplate'),
    name: bootstrapTemplateName,
    description: 'Ubuntu 22.04 with cloud-init (VMware GuestInfo datasource), Docker, kind and clusterctl',
    catalog: catalogRef,
    org: orgRef,
    status: 8,
    creationDate: seedDate,
    vms: [
      {
        id: ids.urn('vm'),
        name: 'bootstrap',
        osType: 'ubuntu64Guest',
        cpuCount: 2,
        memoryMb: 4096,
        diskSizeMb: 20480,
        productSections: [
          {
            info: 'Cloud-init guest properties',
            product: 'Ubuntu 22.04 LTS (cloud-init)',
            vendor: 'Canonical',
            version: '22.04',
            fullVersion: '22.04.4',
            properties: [
              property('instance-id', 'id-ovf', true, 'Instance id'),
              property('hostname', 'bootstrap', true, 'Hostname'),
              // cloud-init's OVF data source reads `user-data` (cloud-init doc/sources/ovf/example/ubuntu-server.ovf);
              // the worker puts its user data in ExtraConfig `guestinfo.userdata` instead (VMware data source).
              property('user-data', '', true, 'Encoded user-data'),
              property('DISTRO_NAME', 'ubuntu'),
              property('DISTRO_VERSION', '22.04'),
              property('IMAGE_TYPE', 'bootstrap'),
            ],
          },
        ],
      },
    ],
  };
  world.vAppTemplates[bootstrap.id] = bootstrap;
}
