import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { ClarityModule } from '@clr/angular';
import { PORTAL_STATE } from '../portal-state';
import { forgetToken } from '../session/portal-session';

/** The VCD portal frame: header with the organisation and user, primary navigation, content. */
@Component({
  selector: 'portal-root',
  standalone: true,
  imports: [ClarityModule, RouterOutlet, RouterLink, RouterLinkActive],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="main-container">
      <header class="header header-6">
        <div class="branding">
          <a [routerLink]="['/']" class="nav-link"><span class="title">VMware Cloud Director</span></a>
        </div>
        @if (state.session; as session) {
          <div class="header-nav">
            <a class="nav-link nav-text" [routerLink]="[state.location.root]">{{
              session.session.org.name
            }}</a>
            @for (plugin of state.plugins; track plugin.route) {
              <a
                class="nav-link nav-text"
                routerLinkActive="active"
                [routerLink]="[state.location.root, 'plugins', plugin.route]"
                >{{ plugin.label }}</a
              >
            }
          </div>
          <div class="header-actions">
            <span class="nav-text portal-user"
              >{{ session.session.user.name }}&#64;{{ session.session.org.name }}</span
            >
            <button type="button" class="btn btn-link nav-text portal-logout" (click)="logOut()">
              Log out
            </button>
          </div>
        }
      </header>
      <div class="content-container">
        <main class="content-area"><router-outlet /></main>
      </div>
    </div>
  `,
})
export class PortalFrameComponent {
  protected readonly state = inject(PORTAL_STATE);

  protected logOut(): void {
    forgetToken(this.state.location);
    window.location.reload();
  }
}
