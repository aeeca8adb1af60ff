import type { Routes } from '@angular/router';
import { EXTENSION_ASSET_URL, EXTENSION_ROUTE } from '@vcd/common';
import { HomeComponent } from './frame/home.component';
import { LoginComponent } from './login/login.component';
import { loadAmdModule } from './plugins/amd-registry';
import type { PortalState } from './portal-state';

/** Routes of one portal: a login page, or the home page plus one lazy route per plugin module. */
export function portalRoutes(state: PortalState): Routes {
  const root = state.location.root.replace(/^\//, '');
  if (!state.session) return [{ path: '**', component: LoginComponent }];
  return [
    {
      path: root,
      children: [
        { path: '', pathMatch: 'full', component: HomeComponent },
        ...state.plugins.map((plugin) => ({
          path: `plugins/${plugin.route}`,
          providers: [
            { provide: EXTENSION_ROUTE, useValue: plugin.route },
            // As in VCD: the plugin's `assets/` folder (where @vcd/i18n finds `i18n/<locale>.json`).
            { provide: EXTENSION_ASSET_URL, useValue: `${plugin.baseUrl}/assets` },
          ],
          loadChildren: () =>
            loadAmdModule(`${plugin.baseUrl}/bundle.js`, plugin.moduleName).then(
              (exports) => exports[plugin.moduleName] as new () => unknown,
            ),
        })),
      ],
    },
    { path: '**', redirectTo: root },
  ];
}
