import { readFileSync } from 'node:fs';

/** The product version, read once from package.json so there is one place to bump it. */
export const productVersion: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
