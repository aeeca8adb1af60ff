/**
 * A VM's ExtraConfig: the VMX key/value pairs (`guestinfo.*`, …) a guest reads with VMware Tools, which is where
 * cloud-init's VMware data source finds `guestinfo.userdata` (cloud-init `cloudinit/sources/DataSourceVMware.py`).
 *
 * VCD states them only in XML, in the VM's virtual hardware section, and that is how go-vcloud-director sets them
 * (`govcd/vm.go` `GetExtraConfig` / `UpdateExtraConfig`): GET `{vm}/virtualHardwareSection/`, then PUT the section
 * back (its System and Items as read, only the changed `vmw:ExtraConfig` items; an empty value removes a key),
 * answered by a task. Shapes: `types/v56/vm_types.go` (`RequestVirtualHardwareSection`,
 * `ResponseVirtualHardwareSection`, `ExtraConfig`), namespaces: `types/v56/constants.go`. The JSON form of the
 * section is not stated anywhere (`@vcd/bindings` `VirtualHardwareSectionType` leaves ExtraConfig in an untyped
 * `any[]`), so the JSON representation is not used here.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { VcdClient, VcdResponse } from './client.ts';
import { VcdError } from './errors.ts';
import { waitForTask, type TaskWaitOptions } from './tasks.ts';

const sectionMedia = 'application/vnd.vmware.vcloud.virtualHardwareSection+xml';
const xmlAccept = 'application/*+xml';
const ovfNamespace = 'http://schemas.dmtf.org/ovf/envelope/1';
const vmwNamespace = 'http://www.vmware.com/schema/ovf';

/** Elements of the section a PUT sends back as read (go-vcloud-director keeps `System` and `Item`). */
const keptElements = new Set(['Info', 'System', 'Item']);

/** Keys VCD stores as VMX keys: go-vcloud-director refuses keys with spaces before sending. */
const validKey = /^[A-Za-z0-9_.:-]+$/;

/** Document-order form, so a section is sent back with its elements, attributes and prefixes untouched. */
const orderedParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
});
const orderedBuilder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
});
/** Prefix-free form, for reading: VCD may qualify ExtraConfig's attributes (`vmw:key`) or not. */
const plainParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  htmlEntities: true,
  isArray: (name) => name === 'ExtraConfig',
});

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const sectionPath = (vmHref: string) => `${vmHref.replace(/\/+$/, '')}/virtualHardwareSection/`;
const localName = (name: string) => name.slice(name.indexOf(':') + 1);
const elementName = (node: OrderedNode) => Object.keys(node).find((key) => key !== ':@') ?? '';

function wellFormed(xml: string, operation: string): void {
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new VcdError(
      502,
      'BAD_XML',
      `VCD answered ${operation} with XML that does not parse: ${valid.err.msg}`,
    );
}

/** VCD's XML error (`<Error minorErrorCode=… message=…/>`), or a generic one. */
function errorOf(response: VcdResponse<unknown>, operation: string): VcdError {
  const text = typeof response.body === 'string' ? response.body : '';
  let error: Record<string, unknown> | undefined;
  try {
    error = (plainParser.parse(text) as Record<string, Record<string, unknown> | undefined>)['Error'];
  } catch {
    error = undefined;
  }
  const code =
    typeof error?.['minorErrorCode'] === 'string' ? error['minorErrorCode'] : `HTTP_${response.status}`;
  const message =
    typeof error?.['message'] === 'string'
      ? error['message']
      : `VCD answered ${response.status} to ${operation}`;
  return new VcdError(response.status, code, message, operation);
}

async function getSection(client: VcdClient, vmHref: string): Promise<string> {
  const operation = 'GET virtualHardwareSection';
  const response = await client.get<unknown>(sectionPath(vmHref), {
    accept: xmlAccept,
    // Not 400: VCD's BUSY_ENTITY is a 400 the client retries.
    allowStatus: [403, 404],
  });
  if (response.status !== 200) throw errorOf(response, operation);
  if (typeof response.body !== 'string')
    throw new VcdError(502, 'NOT_XML', `VCD did not answer ${operation} in XML`, operation);
  wellFormed(response.body, operation);
  return response.body;
}

/** ExtraConfig of a section document: key → value. */
function extraConfigOfSection(xml: string): Map<string, string> {
  const parsed = plainParser.parse(xml) as Record<string, unknown>;
  const section = parsed['VirtualHardwareSection'] as { ExtraConfig?: unknown[] } | undefined;
  if (!section) throw new VcdError(502, 'NOT_A_SECTION', 'VCD answered without a VirtualHardwareSection');
  const entries = new Map<string, string>();
  for (const raw of section.ExtraConfig ?? []) {
    const item = (raw ?? {}) as Record<string, unknown>;
    if (typeof item['key'] === 'string')
      entries.set(item['key'], typeof item['value'] === 'string' ? item['value'] : '');
  }
  return entries;
}

/** The VM's ExtraConfig as VCD reports it: key → value. */
export async function getExtraConfig(client: VcdClient, vmHref: string): Promise<Map<string, string>> {
  return extraConfigOfSection(await getSection(client, vmHref));
}

/** The prefix bound to `namespace` on the root, or a new binding added to it. */
function prefixFor(attributes: Record<string, string>, namespace: string, preferred: string): string {
  for (const [name, value] of Object.entries(attributes))
    if (name.startsWith('@_xmlns:') && value === namespace) return name.slice('@_xmlns:'.length);
  let prefix = preferred;
  for (let n = 2; attributes[`@_xmlns:${prefix}`] !== undefined; n += 1) prefix = `${preferred}${n}`;
  attributes[`@_xmlns:${prefix}`] = namespace;
  return prefix;
}

/** The PUT body: the section as read (namespaces, Info, System, Items), with only `changes` as ExtraConfig. */
export function extraConfigUpdate(sectionXml: string, changes: ReadonlyMap<string, string>): string {
  const document = orderedParser.parse(sectionXml) as OrderedNode[];
  const root = document.find((node) => localName(elementName(node)) === 'VirtualHardwareSection');
  if (!root) throw new VcdError(502, 'NOT_A_SECTION', 'VCD answered without a VirtualHardwareSection');
  const rootName = elementName(root);
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(root[':@'] ?? {}))
    if (name.startsWith('@_xmlns')) attributes[name] = value;
  const ovf = prefixFor(attributes, ovfNamespace, 'ovf');
  const vmw = prefixFor(attributes, vmwNamespace, 'vmw');
  const children = (root[rootName] as OrderedNode[]).filter((child) =>
    keptElements.has(localName(elementName(child))),
  );
  for (const [key, value] of changes) {
    children.push({
      [`${vmw}:ExtraConfig`]: [],
      ':@': { [`@_${vmw}:key`]: key, [`@_${vmw}:value`]: value, [`@_${ovf}:required`]: 'false' },
    });
  }
  return orderedBuilder.build([{ [rootName]: children, ':@': attributes }]) as string;
}

/** The task of a 202: its `Location`, or the `href` of the XML Task in the body (what go-vcloud-director reads). */
function taskHrefOf(response: VcdResponse<unknown>): string | undefined {
  if (response.location) return response.location;
  if (typeof response.body !== 'string') return undefined;
  const task = (plainParser.parse(response.body) as Record<string, Record<string, unknown> | undefined>)[
    'Task'
  ];
  return typeof task?.['href'] === 'string' ? task['href'] : undefined;
}

/**
 * Sets (or, with an empty value, removes) these ExtraConfig keys of a VM and answers the ExtraConfig read back
 * afterwards, so the caller can check that VCD kept them. Keys not named stay as they are.
 */
export async function updateExtraConfig(
  client: VcdClient,
  vmHref: string,
  changes: ReadonlyMap<string, string>,
  wait?: TaskWaitOptions,
): Promise<Map<string, string>> {
  const invalid = [...changes.keys()].filter((key) => !validKey.test(key));
  if (invalid.length > 0)
    throw new VcdError(400, 'INVALID_EXTRA_CONFIG_KEY', `invalid ExtraConfig keys: ${invalid.join(', ')}`);
  const operation = 'PUT virtualHardwareSection';
  const body = extraConfigUpdate(await getSection(client, vmHref), changes);
  const response = await client.request<unknown>({
    method: 'PUT',
    path: sectionPath(vmHref),
    rawBody: body,
    contentType: sectionMedia,
    accept: xmlAccept,
    allowStatus: [403, 404],
  });
  if (response.status >= 400) throw errorOf(response, operation);
  if (response.status === 202) {
    const task = taskHrefOf(response);
    if (!task) throw new VcdError(502, 'NO_TASK', `VCD accepted ${operation} without a task`, operation);
    await waitForTask(client, task, wait);
  }
  return getExtraConfig(client, vmHref);
}
