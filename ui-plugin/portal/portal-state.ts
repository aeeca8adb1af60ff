import { InjectionToken } from '@angular/core';
import type { MountablePlugin } from './plugins/plugin-catalog';
import type { PortalLocation, PortalSession } from './session/portal-session';

/** What the portal learned before it bootstrapped: where it is, who is logged in, which plugins load. */
export interface PortalState {
  location: PortalLocation;
  session: PortalSession | null;
  plugins: MountablePlugin[];
  pluginError?: string;
}

export const PORTAL_STATE = new InjectionToken<PortalState>('PORTAL_STATE');
