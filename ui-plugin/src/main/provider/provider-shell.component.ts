import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { type TranslationKey, TranslatePipe } from '../i18n/translate.pipe';

interface Tab {
  path: string;
  label: TranslationKey;
}

/** The provider's landing: a sub-navigation over Tenants, Templates, Settings and Clusters. */
@Component({
  selector: 'cse-provider-shell',
  standalone: true,
  imports: [RouterLink, RouterLinkActive, RouterOutlet, TranslatePipe],
  template: `
    <h2 class="cse-page-title">{{ 'provider.title' | translate }}</h2>
    <nav class="subnav cse-provider-nav" [attr.aria-label]="'provider.nav' | translate">
      <ul class="nav">
        @for (tab of tabs; track tab.path) {
          <li class="nav-item">
            <a
              class="nav-link"
              [attr.data-tab]="tab.path"
              [routerLink]="tab.path"
              routerLinkActive="active"
              ariaCurrentWhenActive="page"
              >{{ tab.label | translate }}</a
            >
          </li>
        }
      </ul>
    </nav>
    <div class="cse-provider-content"><router-outlet /></div>
  `,
  styles: [
    `
      .cse-provider-nav {
        margin-top: 0.5rem;
      }
      .cse-provider-content {
        padding-top: 0.75rem;
      }
    `,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProviderShellComponent {
  protected readonly tabs: Tab[] = [
    { path: 'tenants', label: 'provider.tab.tenants' },
    { path: 'templates', label: 'provider.tab.templates' },
    { path: 'settings', label: 'provider.tab.settings' },
    { path: 'clusters', label: 'provider.tab.clusters' },
  ];
}
