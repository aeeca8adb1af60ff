import * as angularAnimations from '@angular/animations';
import * as angularCommon from '@angular/common';
import * as angularCommonHttp from '@angular/common/http';
import * as angularCore from '@angular/core';
import * as angularForms from '@angular/forms';
import * as angularPlatformBrowser from '@angular/platform-browser';
import * as angularPlatformBrowserAnimations from '@angular/platform-browser/animations';
import * as angularRouter from '@angular/router';
import * as clarityAngular from '@clr/angular';
import * as vcdCommon from '@vcd/common';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

type ModuleExports = Record<string, unknown>;
type Factory = (...deps: unknown[]) => ModuleExports | undefined;

/**
 * The libraries a plugin bundle declares as AMD dependencies and the container provides: the
 * portal's own instances, so a plugin shares Angular, rxjs, Clarity and the container tokens with it
 * exactly as in Cloud Director.
 */
const containerModules: Record<string, ModuleExports> = {
  '@angular/animations': angularAnimations,
  '@angular/common': angularCommon,
  '@angular/common/http': angularCommonHttp,
  '@angular/core': angularCore,
  '@angular/forms': angularForms,
  '@angular/platform-browser': angularPlatformBrowser,
  '@angular/platform-browser/animations': angularPlatformBrowserAnimations,
  '@angular/router': angularRouter,
  '@clr/angular': clarityAngular,
  '@vcd/common': vcdCommon,
  '@vcd-ui/common': vcdCommon,
  rxjs,
  'rxjs/operators': rxjsOperators,
};

const definedModules = new Map<string, ModuleExports>(Object.entries(containerModules));

/** Installs a global AMD `define` that resolves dependencies from the container's modules. */
export function installAmdDefine(target: Window & { define?: unknown } = window): void {
  const define = (
    nameOrDeps: string | string[],
    depsOrFactory: string[] | Factory,
    maybeFactory?: Factory,
  ) => {
    const name = typeof nameOrDeps === 'string' ? nameOrDeps : undefined;
    const deps = Array.isArray(nameOrDeps) ? nameOrDeps : Array.isArray(depsOrFactory) ? depsOrFactory : [];
    const factory = (typeof depsOrFactory === 'function' ? depsOrFactory : maybeFactory) as Factory;
    if (!name) throw new Error('plugin bundles must be named AMD modules (define("Name", [...], factory))');
    const missing = deps.filter((dep) => !definedModules.has(dep));
    if (missing.length)
      throw new Error(`plugin ${name} needs modules the portal does not provide: ${missing.join(', ')}`);
    const exports = factory(...deps.map((dep) => definedModules.get(dep)));
    definedModules.set(name, exports ?? {});
  };
  Object.assign(define, { amd: {} });
  target.define = define;
}

/** Loads a plugin's bundle.js with a script tag and returns the exports of the AMD module it defines. */
export function loadAmdModule(bundleUrl: string, moduleName: string): Promise<ModuleExports> {
  const loaded = definedModules.get(moduleName);
  if (loaded && !(moduleName in containerModules)) return Promise.resolve(loaded);
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = bundleUrl;
    script.async = true;
    script.onload = () => {
      const exports = definedModules.get(moduleName);
      if (exports) resolve(exports);
      else reject(new Error(`${bundleUrl} did not define the module ${moduleName}`));
    };
    script.onerror = () => reject(new Error(`could not load ${bundleUrl}`));
    document.head.appendChild(script);
  });
}
