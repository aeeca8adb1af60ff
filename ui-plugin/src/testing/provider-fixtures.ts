import type { ComponentFixture } from '@angular/core/testing';
import type { OrgRef, ProviderSettings, ProviderTemplate, TenantReadiness } from '../main/api/provider-types';
import { api, page } from './vcd-fixtures';

/** Canned answers of the provider routes for specs, shaped like the worker's against the simulator. */
export const providerUrl = `${api}/api/cse/v1/provider`;
export const orgsUrl = `${api}/cloudapi/1.0.0/orgs`;

export const acme: OrgRef = { id: 'urn:vcloud:org:aaaaaaaa-0000-4000-8000-000000000001', name: 'acme' };
export const globex: OrgRef = { id: 'urn:vcloud:org:aaaaaaaa-0000-4000-8000-000000000002', name: 'globex' };
const system: OrgRef = { id: 'urn:vcloud:org:aaaaaaaa-0000-4000-8000-000000000000', name: 'System' };

/** `/cloudapi/1.0.0/orgs` as the provider sees it: the System org too. */
export const orgsPage = page([globex, system, acme]);

const checks = [
  'rightsBundle',
  'roles',
  'sizingPolicies',
  'storageProfile',
  'network',
  'vipCapacity',
  'templates',
] as const;

export function readiness(org: OrgRef, published: boolean): TenantReadiness {
  const checklist = checks.map((key) => {
    const publication = key === 'rightsBundle' || key === 'roles';
    const ok = !publication || published;
    return {
      key,
      ok,
      message: ok
        ? `${key} in place for ${org.name}`
        : `${key} is not published to ${org.name}; publish it: cse tenants publish ${org.name}`,
    };
  });
  return { org, ready: published, published, checklist };
}

/**
 * Real TKG OVA versions (the template's `VERSION`) with their TKG release, from go-vcloud-director's
 * govcd/cse/tkg_versions.json; the simulator's catalog seeds these. `+vmware.N` and `-tkg.N` differ by release.
 */
const tkgOvaVersions: Record<string, { version: string; tkg: string }> = {
  'v1.26.8': { version: 'v1.26.8+vmware.1-tkg.1-0edd4dafbefbdb503f64d5472e500cf8', tkg: 'v2.3.1' },
  'v1.28.11': { version: 'v1.28.11+vmware.2-tkg.2-7820f47053de95b5aaf7e33a17511e47', tkg: 'v2.5.2' },
  'v1.29.6': { version: 'v1.29.6+vmware.1-tkg.3-c6934e3c00b6ca9a7c3e56acb773ce3a', tkg: 'v2.5.2' },
};

export function template(kubernetes: string, overrides: Partial<ProviderTemplate> = {}): ProviderTemplate {
  const ova = tkgOvaVersions[kubernetes];
  if (!ova) throw new Error(`no TKG OVA version for ${kubernetes} in the fixtures`);
  return {
    id: `urn:vcloud:vapptemplate:${kubernetes.replace(/\W/g, '')}`,
    name: `ubuntu-2204-kube-${kubernetes}`,
    catalog: { id: 'urn:vcloud:catalog:tkg', name: 'tkg-templates' },
    description: null,
    kubernetesVersion: ova.version.replace(/-tkg\..*$/, ''),
    tkgVersion: ova.tkg,
    os: { name: 'ubuntu', version: '22.04' },
    version: ova.version,
    lifecycle: 'supported',
    expiresAt: null,
    publishedToAll: true,
    orgs: [],
    ...overrides,
  };
}

export function settingsDocument(): ProviderSettings {
  return {
    registry: { imageRegistry: 'projects.registry.vmware.com/tkg' },
    bootstrap: { template: 'cse-bootstrap-ubuntu-2204', sizingPolicy: 'TKG small' },
    components: {
      kind: 'v0.22.0',
      kindNodeImage: 'kindest/node:v1.29.2',
      clusterctl: 'v1.7.9',
      clusterApi: 'v1.7.9',
      capvcd: 'v1.3.2',
      kubectl: 'v1.29.2',
      contour: {
        version: 'v1.29.1',
        manifestUrl: 'https://projectcontour.io/quickstart/v1.29.1/contour.yaml',
        sha256: 'ab'.repeat(32),
        readyTimeoutSeconds: 300,
      },
    },
    phaseTimeouts: { 'vm-started': 600, 'kind-ready': 900 },
    proxy: { noProxy: ['10.0.0.0/8', '.corp.example'] },
    trustedCertificates: [],
  };
}

/**
 * Settings with the fields added after the page's first version (components mirror, CNI, CPI, CSI), plus fields no
 * version of the page knows, at the top, in a section and inside an add-on: a save must keep them all.
 */
export function settingsWithAddonsAndUnknownFields(): ProviderSettings {
  const document = settingsDocument();
  const manifest = (name: string, version: string, digit: string) => ({
    version,
    manifestUrl: `https://mirror.example/${name}/${version}/${name}.yaml`,
    sha256: digit.repeat(64),
  });
  const withUnknownFields = {
    ...document,
    registry: { ...document.registry, componentsMirror: 'https://mirror.example/components' },
    components: {
      ...document.components,
      cni: { name: 'antrea' as const, ...manifest('antrea', 'v1.15.1', 'c'), rolloutSeconds: 90 },
      cpi: manifest('cpi', 'v1.6.0', 'd'),
      csi: manifest('csi', 'v1.6.0', 'e'),
      futureAddon: { version: 'v9.9.9', enabled: true },
    },
    futureSection: { mode: 'strict', limits: [1, 2, 3] },
  };
  return withUnknownFields;
}

/** Reads and drives a page by CSS selector, so specs read as behaviour. */
export class PageHarness<T> {
  constructor(readonly fixture: ComponentFixture<T>) {}

  get root(): HTMLElement {
    this.fixture.detectChanges();
    return this.fixture.nativeElement as HTMLElement;
  }
  /** Modals render inside the component too; documents-level lookups catch both. */
  all(selector: string): HTMLElement[] {
    return Array.from(this.root.querySelectorAll<HTMLElement>(selector));
  }
  one(selector: string): HTMLElement | null {
    return this.root.querySelector<HTMLElement>(selector);
  }
  text(selector: string): string {
    return clean(this.one(selector)?.textContent);
  }
  click(selector: string): void {
    const element = this.one(selector);
    if (!element) throw new Error(`nothing to click at ${selector}`);
    element.click();
    this.fixture.detectChanges();
  }
  type(selector: string, value: string): void {
    const element = this.one(selector) as HTMLInputElement | HTMLTextAreaElement | null;
    if (!element) throw new Error(`no field at ${selector}`);
    element.value = value;
    element.dispatchEvent(new Event('input'));
    element.dispatchEvent(new Event('blur'));
    this.fixture.detectChanges();
  }
  select(selector: string, value: string): void {
    const element = this.one(selector) as HTMLSelectElement | null;
    if (!element) throw new Error(`no select at ${selector}`);
    element.value = value;
    element.dispatchEvent(new Event('change'));
    this.fixture.detectChanges();
  }
  check(selector: string, checked = true): void {
    const element = this.one(selector) as HTMLInputElement | null;
    if (!element) throw new Error(`no checkbox at ${selector}`);
    element.checked = checked;
    element.dispatchEvent(new Event('change'));
    this.fixture.detectChanges();
  }
}

export function clean(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}
