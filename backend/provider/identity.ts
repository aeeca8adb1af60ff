/**
 * What `cse install` registers, with the defaults the worker's configuration uses: the extension identity on
 * each transport, the URL pattern VCD routes to us, the worker's token name, the UI plugin zip.
 */
import { fileURLToPath } from 'node:url';

export type InstallTransport = 'amqp' | 'mqtt';

export interface ExtensionIdentity {
  /** MQTT extension: `urn:vcloud:extension-api:<vendor>:<name>:<version>`; AMQP: the service name. */
  vendor: string;
  name: string;
  version: string;
  /** AMQP only. */
  exchange: string;
  routingKey: string;
}

export const defaultExtensionIdentity: ExtensionIdentity = {
  vendor: 'vmware',
  name: 'cse',
  version: '1.0.0',
  exchange: 'cse-ext',
  routingKey: 'cse',
};

/** The URLs VCD hands to the extension (a Java regex, matched against the whole path). */
export const apiUrlPatterns = ['/api/cse/.*'];

/** Name of the worker's API token (VCD names a token after its OAuth client). */
export const workerTokenClientName = 'cse-worker';

export const defaultPluginZip = fileURLToPath(new URL('../../dist/plugin/plugin.zip', import.meta.url));

export const extensionDescription =
  'Container Service Extension (open source): Kubernetes clusters for tenants; installed by cse install';
