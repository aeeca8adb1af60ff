import { HttpClientModule } from '@angular/common/http';
import { NgModule } from '@angular/core';
import { RouterModule, type Routes } from '@angular/router';
import { ClusterDetailComponent } from './clusters/detail/cluster-detail.component';
import { ClusterListComponent } from './clusters/list/cluster-list.component';
import { ClusterWizardComponent } from './clusters/wizard/cluster-wizard.component';
import { providerRoutes, providerSession } from './provider/provider-routes';
import { withTranslations } from './i18n/translation-loader';

/**
 * The plugin's pages under its extension route: the list, the wizard (`new`, a modal over the list, as VCD's own
 * wizards are), and one cluster (`{id}`); in a service-provider session, the provider pages instead.
 */
export const clusterRoutes: Routes = [
  { path: '', canMatch: [providerSession], children: providerRoutes },
  {
    path: '',
    component: ClusterListComponent,
    children: [{ path: 'new', component: ClusterWizardComponent }],
  },
  { path: ':id', component: ClusterDetailComponent },
];

/**
 * The module Cloud Director loads from `bundle.js` (named in manifest.json's extension point) and
 * mounts under the extension's route.
 */
@NgModule({
  imports: [
    HttpClientModule,
    RouterModule.forChild(withTranslations(clusterRoutes)),
    ClusterListComponent,
    ClusterWizardComponent,
    ClusterDetailComponent,
  ],
})
export class CsePluginModule {}

export { ClusterListComponent, ClusterWizardComponent, ClusterDetailComponent };
