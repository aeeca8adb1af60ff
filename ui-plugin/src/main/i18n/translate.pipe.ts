import { Pipe, PipeTransform } from '@angular/core';
import { type TranslationKey, translate } from './translations';

export { type TranslationKey, translate } from './translations';

/**
 * `{{ 'key' | translate: arg }}`. Pure: the plugin's routes wait for the strings (`withTranslations`), so they are
 * in place before any template is rendered.
 */
@Pipe({ name: 'translate', standalone: true, pure: true })
export class TranslatePipe implements PipeTransform {
  transform(key: TranslationKey, ...args: (string | number)[]): string {
    return translate(key, ...args);
  }
}
