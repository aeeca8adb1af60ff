import { provideHttpClient } from '@angular/common/http';
import { bootstrapApplication } from '@angular/platform-browser';
import { ClarityIcons, checkCircleIcon, clockIcon, errorStandardIcon, helpIcon } from '@cds/core/icon';
import { provideAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import {
  API_ROOT_URL,
  AuthTokenHolderService,
  SDK_MODE,
  SESSION_ORGANIZATION,
  SESSION_ORG_ID,
  SESSION_SCOPE,
} from '@vcd/common';
import { PortalFrameComponent } from './frame/portal-frame.component';
import { installAmdDefine } from './plugins/amd-registry';
import { mountablePlugins } from './plugins/plugin-catalog';
import { PORTAL_STATE, type PortalState } from './portal-state';
import { portalRoutes } from './routes';
import { currentSession, portalLocationOf } from './session/portal-session';

async function main(): Promise<void> {
  // Cloud Director registers Clarity's icon shapes for its plugins; these are the ones ours shows.
  ClarityIcons.addIcons(checkCircleIcon, clockIcon, errorStandardIcon, helpIcon);
  installAmdDefine();
  const location = portalLocationOf(window.location.pathname);
  const session = await currentSession(location).catch(() => null);
  const state: PortalState = { location, session, plugins: [] };
  if (session) {
    try {
      state.plugins = await mountablePlugins(session);
    } catch (error) {
      state.pluginError = error instanceof Error ? error.message : String(error);
    }
  }
  const tokenHolder = new AuthTokenHolderService();
  tokenHolder.token = session?.token ?? '';

  await bootstrapApplication(PortalFrameComponent, {
    providers: [
      provideHttpClient(),
      provideAnimations(),
      provideRouter(portalRoutes(state)),
      { provide: PORTAL_STATE, useValue: state },
      { provide: API_ROOT_URL, useValue: window.location.origin },
      { provide: SESSION_SCOPE, useValue: location.scope },
      { provide: SESSION_ORGANIZATION, useValue: session?.session.org.name ?? location.org },
      { provide: SESSION_ORG_ID, useValue: session?.session.org.id ?? '' },
      { provide: SDK_MODE, useValue: false },
      { provide: AuthTokenHolderService, useValue: tokenHolder },
    ],
  });
}

main().catch((error: unknown) => {
  document.body.textContent = `The portal failed to start: ${error instanceof Error ? error.message : String(error)}`;
});
