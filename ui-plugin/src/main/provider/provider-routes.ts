import { inject } from '@angular/core';
import type { CanMatchFn, Routes } from '@angular/router';
import { ClusterDetailComponent } from '../clusters/detail/cluster-detail.component';
import { ContainerContext } from '../container/container-context';
import { ProviderClustersComponent } from './clusters/provider-clusters.component';
import { ProviderShellComponent } from './provider-shell.component';
import { ProviderSettingsComponent } from './settings/provider-settings.component';
import { ProviderTemplatesComponent } from './templates/provider-templates.component';
import { ProviderTenantsComponent } from './tenants/provider-tenants.component';

/** The provider pages match only in a service-provider session; a tenant session gets the tenant pages. */
export const providerSession: CanMatchFn = () => inject(ContainerContext).isProvider;

/** The provider's pages under the extension route: one tab each, and a cluster of any org under `clusters/{id}`. */
export const providerRoutes: Routes = [
  {
    path: '',
    component: ProviderShellComponent,
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'tenants' },
      { path: 'tenants', component: ProviderTenantsComponent },
      { path: 'templates', component: ProviderTemplatesComponent },
      { path: 'settings', component: ProviderSettingsComponent },
      {
        path: 'clusters',
        children: [
          { path: '', component: ProviderClustersComponent },
          { path: ':id', component: ClusterDetailComponent },
        ],
      },
    ],
  },
];
