import { HttpClientModule } from '@angular/common/http';
import { NgModule } from '@angular/core';
import { RouterModule, type Routes } from '@angular/router';
import { ClusterListComponent } from './clusters/list/cluster-list.component';

const routes: Routes = [{ path: '', component: ClusterListComponent }];

/**
 * The module Cloud Director loads from `bundle.js` (named in manifest.json's extension point) and
 * mounts under the extension's route.
 */
@NgModule({
  imports: [HttpClientModule, RouterModule.forChild(routes), ClusterListComponent],
})
export class CsePluginModule {}

export { ClusterListComponent };
