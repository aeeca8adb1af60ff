/**
 * Test plumbing for the worker API and `cse install`: an in-process simulator, a provider API token minted through
 * VCD's OAuth flow, and a VCD client acting with it. Every call is real HTTP.
 */
import { VcdClient } from '../../backend/vcd/client.ts';
import { createApiToken, loginWithPassword } from '../../backend/vcd/tokens.ts';
import type { RunningSimulator } from '../../sim/server.ts';
import type { SimulatorOptions } from '../../sim/options.ts';
import { seededPassword } from '../../sim/world/logins.ts';
import { startTestSimulator } from '../helpers/vcd.ts';

export interface ProviderStack {
  sim: RunningSimulator;
  /** The provider's API token (a refresh token). */
  providerToken: string;
  vcd: VcdClient;
  close(): Promise<void>;
}

export async function mintApiToken(
  url: string,
  user: string,
  org: string,
  clientName: string,
): Promise<string> {
  const session = await loginWithPassword(url, user, org, seededPassword, '37.2');
  return (await createApiToken(url, org, session, clientName)).refreshToken;
}

export async function startProviderStack(overrides: Partial<SimulatorOptions> = {}): Promise<ProviderStack> {
  const sim = await startTestSimulator(overrides);
  const providerToken = await mintApiToken(sim.url, 'administrator', 'System', 'cse-test-installer');
  const vcd = new VcdClient({ url: sim.url, org: 'System', apiToken: providerToken, retryBaseMs: 20 });
  return { sim, providerToken, vcd, close: () => sim.close() };
}
