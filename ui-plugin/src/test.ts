// Karma entry: sets up Angular's test environment; specs are found by the builder from tsconfig.spec.json.
import { getTestBed } from '@angular/core/testing';
import {
  BrowserDynamicTestingModule,
  platformBrowserDynamicTesting,
} from '@angular/platform-browser-dynamic/testing';
import english from './main/i18n/en.json';
import { useTranslations } from './main/i18n/translations';

getTestBed().initTestEnvironment(BrowserDynamicTestingModule, platformBrowserDynamicTesting(), {
  errorOnUnknownElements: true,
  errorOnUnknownProperties: true,
});

// In the portal the strings arrive as the plugin's i18n asset before a page opens; specs get English up front.
useTranslations(english);
