import type { IdSource } from '../../world/store.ts';
import { defineSlice } from '../../world/slices.ts';
import { uuidOf } from '../../world/ids.ts';
import type { World } from '../../world/world.ts';

/**
 * An extension service. VCD keeps one object for both registrations: the legacy
 * `/api/admin/extension/service` (AMQP: exchange + routing key) and the cloudapi
 * `/cloudapi/extensions/api` (MQTT topics), which also has a legacy uuid for filters and rights.
 */
export interface ExtensionService {
  /** The legacy uuid (`/api/admin/extension/service/{uuid}`). */
  uuid: string;
  /** How matching requests travel: the registration endpoint decides. */
  transport: 'amqp' | 'mqtt';
  name: string;
  namespace: string;
  vendor: string;
  version: string;
  description: string;
  enabled: boolean;
  authorizationEnabled: boolean;
  /** 0–100; of two services whose filters match, the higher priority wins. */
  priority: number;
  routingKey: string;
  exchange: string;
  /** Right ids registered through `/service/{uuid}/rights`. */
  rightIds: string[];
}

export interface ApiFilter {
  /** `urn:vcloud:apiFilter:<uuid>` */
  id: string;
  serviceUuid: string;
  /** A Java regular expression matched against the whole request path. */
  urlPattern: string;
  urlScope: string;
}

export interface ExtensionsState {
  services: Record<string, ExtensionService>;
  filters: Record<string, ApiFilter>;
}

export const extensionsSlice = defineSlice<ExtensionsState>('apiExtensions', () => ({
  services: {},
  filters: {},
}));

export const legacyServiceUrn = (service: ExtensionService) => `urn:vcloud:externalService:${service.uuid}`;

/** `urn:vcloud:extension-api:<vendor>:<name>:<version>` */
export function extensionApiId(service: Pick<ExtensionService, 'vendor' | 'name' | 'version'>): string {
  return `urn:vcloud:extension-api:${service.vendor}:${service.name}:${service.version}`;
}

/** The MQTT topics VCD gives a cloudapi extension (reference §2.4). */
export function mqttTopics(service: Pick<ExtensionService, 'vendor' | 'name' | 'version'>): {
  monitor: string;
  respond: string;
} {
  const base = `topic/extension/${service.vendor}/${service.name}/${service.version}`;
  return { monitor: `${base}/ext`, respond: `${base}/vcd` };
}

/** Finds a service by legacy uuid, `urn:vcloud:externalService:…` or `urn:vcloud:extension-api:…`. */
export function findService(world: World, id: string): ExtensionService | undefined {
  const state = extensionsSlice.of(world);
  if (id.startsWith('urn:vcloud:extension-api:')) {
    return Object.values(state.services).find((service) => extensionApiId(service) === id);
  }
  const uuid = uuidOf(id);
  return uuid ? state.services[uuid] : undefined;
}

export function filtersOf(world: World, service: ExtensionService): ApiFilter[] {
  return Object.values(extensionsSlice.of(world).filters).filter(
    (filter) => filter.serviceUuid === service.uuid,
  );
}

export function addFilter(
  world: World,
  ids: IdSource,
  service: ExtensionService,
  urlPattern: string,
  urlScope = 'API',
): ApiFilter {
  const filter: ApiFilter = { id: ids.urn('apiFilter'), serviceUuid: service.uuid, urlPattern, urlScope };
  extensionsSlice.of(world).filters[uuidOf(filter.id)!] = filter;
  return filter;
}

export function removeService(world: World, service: ExtensionService): void {
  const state = extensionsSlice.of(world);
  for (const filter of filtersOf(world, service)) delete state.filters[uuidOf(filter.id)!];
  delete state.services[service.uuid];
}

/** Null when the pattern compiles; the reason otherwise (JavaScript regex syntax stands in for Java's). */
export function invalidPattern(pattern: string): string | null {
  try {
    new RegExp(`^(?:${pattern})$`);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

const compiled = new Map<string, RegExp>();

function patternRegex(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = new RegExp(`^(?:${pattern})$`);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex;
}

/** The enabled service whose filter matches the whole path, highest priority first. */
export function routeFor(world: World, path: string): ExtensionService | undefined {
  const state = extensionsSlice.of(world);
  let best: ExtensionService | undefined;
  for (const filter of Object.values(state.filters)) {
    const service = state.services[filter.serviceUuid];
    if (!service?.enabled || filter.urlScope !== 'API') continue;
    if (best && best.priority >= service.priority) continue;
    if (patternRegex(filter.urlPattern).test(path)) best = service;
  }
  return best;
}
