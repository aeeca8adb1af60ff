/** `GET /api/cse/v1/about`: who answers, and how it talks to VCD. */
import { productVersion } from '../version.ts';
import type { ApiDependencies } from './dependencies.ts';
import type { ApiResult, JsonSchema } from './route.ts';

export interface About {
  name: 'cse';
  version: string;
  transports: string[];
  /** The VCD API version the worker negotiated; absent while VCD has not been reached. */
  vcdApiVersion?: string;
}

export const aboutSchema: JsonSchema = {
  type: 'object',
  required: ['name', 'version', 'transports'],
  properties: {
    name: { const: 'cse' },
    version: { type: 'string' },
    transports: { type: 'array', items: { enum: ['amqp', 'mqtt'] } },
    vcdApiVersion: { type: 'string', description: 'VCD API version in use, e.g. 38.1' },
  },
};

/** How long `about` waits for a first version negotiation before answering without it. */
const NEGOTIATION_WAIT_MS = 2000;

export async function aboutHandler(dependencies: ApiDependencies): Promise<ApiResult> {
  const about: About = { name: 'cse', version: productVersion, transports: dependencies.transports };
  const version = await Promise.race([
    dependencies.vcd.apiVersion().catch(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), NEGOTIATION_WAIT_MS).unref()),
  ]);
  if (version) about.vcdApiVersion = version;
  return { status: 200, body: about };
}
