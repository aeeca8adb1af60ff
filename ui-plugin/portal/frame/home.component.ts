import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { PORTAL_STATE } from '../portal-state';

/** Landing page of a portal: the plugins this organisation can use. */
@Component({
  selector: 'portal-home',
  standalone: true,
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2>{{ state.location.scope === 'tenant' ? 'Data Centers' : 'Provider' }}</h2>
    @if (state.pluginError) {
      <p class="portal-plugin-error" role="alert">UI plugins could not be loaded: {{ state.pluginError }}</p>
    }
    @if (state.plugins.length === 0) {
      <p>
        No UI plugin is published to this organization yet. A provider publishes ours with
        <code>cse install</code>.
      </p>
    } @else {
      <ul class="list-unstyled">
        @for (plugin of state.plugins; track plugin.route) {
          <li>
            <a [routerLink]="['plugins', plugin.route]">{{ plugin.label }}</a>
          </li>
        }
      </ul>
    }
  `,
})
export class HomeComponent {
  protected readonly state = inject(PORTAL_STATE);
}
