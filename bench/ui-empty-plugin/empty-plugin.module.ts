import { ChangeDetectionStrategy, Component } from '@angular/core';
import { NgModule } from '@angular/core';
import { RouterModule } from '@angular/router';

/** The baseline of `npm run bench:ui`: a plugin page with one input and nothing behind it. */
@Component({
  selector: 'cse-empty-page',
  standalone: true,
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<label for="cse-empty-input">Name</label><input id="cse-empty-input" />`,
})
export class EmptyPageComponent {}

@NgModule({
  imports: [RouterModule.forChild([{ path: '**', component: EmptyPageComponent }]), EmptyPageComponent],
})
export class EmptyPluginModule {}
