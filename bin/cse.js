#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `cse` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../backend/cli/main.ts');
