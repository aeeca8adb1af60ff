import type { Router } from 'express';
import type { Server } from 'node:http';
import { AccessControl } from './api/rights/access-control.ts';
import { SessionService } from './api/sessions/session-service.ts';
import { TaskService } from './api/tasks/task-service.ts';
import { SimClock } from './infra/clock.ts';
import { SimEvents } from './infra/events.ts';
import { FaultInjector } from './infra/faults.ts';
import { LatencyModel } from './infra/latency.ts';
import type { SimulatorOptions } from './options.ts';
import { seededRandom } from './world/ids.ts';
import type { WorldStore } from './world/store.ts';

export type PathPredicate = (path: string) => boolean;

/**
 * Everything an API area needs, created once per simulator. An area is a function from this
 * context to an express Router, registered in one line in `server.ts`.
 */
export interface SimContext {
  readonly options: SimulatorOptions;
  readonly store: WorldStore;
  readonly clock: SimClock;
  readonly latency: LatencyModel;
  readonly faults: FaultInjector;
  readonly events: SimEvents;
  readonly tasks: TaskService;
  readonly access: AccessControl;
  readonly sessions: SessionService;
  /** Seeded randomness for simulated behaviour (not ids). */
  readonly random: () => number;
  /** `http://host:port` the simulator answers on (known once listening). */
  publicUrl(): string;
  /** `/api` or `/cloudapi` paths that need no bearer (logins, health, plugin assets, …). */
  readonly publicPaths: PathPredicate[];
  /** Legacy `/api` paths that need no `version=` in Accept (API-extension URLs). */
  readonly versionExemptPaths: PathPredicate[];
  /** Runs once the HTTP server listens (e.g. attach a WebSocket server to it). */
  onListening(listener: (server: Server) => void | Promise<void>): void;
  /** Runs at close, before the state file is flushed. */
  onClose(listener: () => void | Promise<void>): void;
}

export type SimArea = (ctx: SimContext) => Router;

export interface ContextHooks {
  listening: ((server: Server) => void | Promise<void>)[];
  closing: (() => void | Promise<void>)[];
}

export function createContext(
  options: SimulatorOptions,
  store: WorldStore,
): { ctx: SimContext; hooks: ContextHooks; setPublicUrl(url: string): void } {
  const clock = new SimClock();
  const random = seededRandom(options.seed);
  const faults = new FaultInjector(random);
  const latency = new LatencyModel(options.speed, clock, faults);
  const events = new SimEvents();
  const access = new AccessControl(store);
  const sessions = new SessionService(store, clock, latency, access);

  const hooks: ContextHooks = { listening: [], closing: [] };
  let publicUrl = `http://${options.host}:${options.port}`;
  const tasks = new TaskService(store, clock, latency, events, () => publicUrl);
  const ctx: SimContext = {
    options,
    store,
    clock,
    latency,
    faults,
    events,
    tasks,
    access,
    sessions,
    random,
    publicUrl: () => publicUrl,
    publicPaths: [],
    versionExemptPaths: [],
    onListening: (listener) => hooks.listening.push(listener),
    onClose: (listener) => hooks.closing.push(listener),
  };
  return { ctx, hooks, setPublicUrl: (url) => (publicUrl = url) };
}
