import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { ClarityModule } from '@clr/angular';
import { PORTAL_STATE } from '../portal-state';
import { logIn } from '../session/portal-session';

/** VCD-style login box for the organisation in the URL. */
@Component({
  selector: 'portal-login',
  standalone: true,
  imports: [ClarityModule, FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="login-wrapper">
      <form class="login" (ngSubmit)="submit()" aria-label="Log in">
        <section class="title">
          <h3 class="welcome">Welcome to</h3>
          Cloud Director (simulated)
          <h5 class="hint">Organization: {{ state.location.org }}</h5>
        </section>
        <div class="login-group">
          <clr-input-container>
            <label for="portal-user">User name</label>
            <input
              clrInput
              id="portal-user"
              name="user"
              autocomplete="username"
              [(ngModel)]="user"
              required
            />
          </clr-input-container>
          <clr-password-container>
            <label for="portal-password">Password</label>
            <input
              clrPassword
              id="portal-password"
              name="password"
              autocomplete="current-password"
              [(ngModel)]="password"
              required
            />
          </clr-password-container>
          @if (error()) {
            <div class="error active" role="alert">{{ error() }}</div>
          }
          <button type="submit" class="btn btn-primary" [disabled]="busy()">Log in</button>
        </div>
      </form>
    </div>
  `,
})
export class LoginComponent {
  protected readonly state = inject(PORTAL_STATE);
  protected user = '';
  protected password = '';
  protected readonly error = signal('');
  protected readonly busy = signal(false);

  protected async submit(): Promise<void> {
    this.busy.set(true);
    this.error.set('');
    try {
      await logIn(this.state.location, this.user.trim(), this.password);
      window.location.reload();
    } catch (error) {
      this.error.set(error instanceof Error ? error.message : String(error));
      this.busy.set(false);
    }
  }
}
