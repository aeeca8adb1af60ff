import type { RequestHandler } from 'express';
import { z } from 'zod';
import { vcdError, VcdHttpError } from '../http/errors.ts';

/**
 * A fault: where it applies (an operation class, or an endpoint: method + path pattern) and what
 * it does (added delay, an error at some rate, quota exhaustion, a VM that never boots).
 * Path patterns use `*` for any characters and `{name}` or `:name` for one path segment.
 */
export const faultRuleSchema = z
  .object({
    id: z.string().min(1).optional(),
    operationClass: z.string().min(1).optional(),
    method: z.string().min(1).optional(),
    path: z.string().startsWith('/').optional(),
    /** Probability (0–1) that the error fires; 1 when an error is given without a rate. */
    errorRate: z.number().min(0).max(1).optional(),
    error: z
      .object({
        status: z.number().int().min(400).max(599),
        minorErrorCode: z.string().min(1),
        message: z.string(),
      })
      .strict()
      .optional(),
    quotaExhausted: z.boolean().optional(),
    /** Simulated milliseconds, divided by the speed like every other duration. */
    delayMs: z.number().min(0).optional(),
    vmNeverBoots: z.boolean().optional(),
    /**
     * The next guest to boot cannot read guestinfo (a template whose cloud-init predates its VMware
     * data source, 21.3, or has no VMware tools): user data in ExtraConfig is never seen.
     */
    guestinfoUnread: z.boolean().optional(),
    /** Applies to this many matches, then expires. */
    remaining: z.number().int().min(1).optional(),
  })
  .strict()
  .refine(
    (rule) =>
      rule.operationClass !== undefined ||
      rule.path !== undefined ||
      rule.vmNeverBoots === true ||
      rule.guestinfoUnread === true,
    {
      message: 'a fault needs operationClass, path, vmNeverBoots or guestinfoUnread',
    },
  );

export type FaultRule = z.infer<typeof faultRuleSchema>;
/** A fault file or `PUT /sim/faults` body: an array of rules, or `{faults: [...]}`. */
export const faultListSchema = z.preprocess(
  (value) => (Array.isArray(value) ? { faults: value } : value),
  z.object({ faults: z.array(faultRuleSchema) }).strict(),
);

export interface FaultOutcome {
  delayMs: number;
  error?: VcdHttpError;
}

interface CompiledRule {
  rule: FaultRule & { id: string };
  pathPattern?: RegExp;
}

function compilePath(pattern: string): RegExp {
  const source = pattern
    .split(/(\*|\{[^}/]+\}|:[A-Za-z_]\w*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (/^\{[^}/]+\}$/.test(part) || /^:[A-Za-z_]\w*$/.test(part)) return '[^/]+';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}/?$`);
}

export class FaultInjector {
  #rules: CompiledRule[] = [];
  #nextId = 1;

  constructor(private readonly random: () => number) {}

  list(): (FaultRule & { id: string })[] {
    return this.#rules.map((compiled) => ({ ...compiled.rule }));
  }

  /** Replaces every rule. */
  set(rules: FaultRule[]): void {
    this.#rules = [];
    for (const rule of rules) this.add(rule);
  }

  add(rule: FaultRule): FaultRule & { id: string } {
    const withId = { ...rule, id: rule.id ?? `fault-${this.#nextId++}` };
    this.#rules.push({ rule: withId, pathPattern: rule.path ? compilePath(rule.path) : undefined });
    return withId;
  }

  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((compiled) => compiled.rule.id !== id);
    return this.#rules.length !== before;
  }

  clear(): void {
    this.#rules = [];
  }

  /** Faults of an operation class (used by `LatencyModel.wait`). */
  forOperation(operationClass: string): FaultOutcome {
    return this.#apply(
      (rule) =>
        rule.rule.operationClass === operationClass && !rule.rule.vmNeverBoots && !rule.rule.guestinfoUnread,
    );
  }

  /** Faults of an endpoint (used by the request middleware). */
  forRequest(method: string, path: string): FaultOutcome {
    return this.#apply(
      (rule) =>
        rule.pathPattern !== undefined &&
        (rule.rule.method === undefined || rule.rule.method.toUpperCase() === method.toUpperCase()) &&
        rule.pathPattern.test(path),
    );
  }

  /** Whether the next VM to boot should hang forever (the compute area asks before booting). */
  vmNeverBoots(): boolean {
    const index = this.#rules.findIndex((compiled) => compiled.rule.vmNeverBoots === true);
    if (index < 0) return false;
    this.#consume(this.#rules[index]!);
    return true;
  }

  /** Whether the next guest to boot cannot read its guestinfo (the compute area asks at boot). */
  guestinfoUnread(): boolean {
    const index = this.#rules.findIndex((compiled) => compiled.rule.guestinfoUnread === true);
    if (index < 0) return false;
    this.#consume(this.#rules[index]!);
    return true;
  }

  #apply(matches: (rule: CompiledRule) => boolean): FaultOutcome {
    const outcome: FaultOutcome = { delayMs: 0 };
    for (const compiled of [...this.#rules]) {
      if (!matches(compiled)) continue;
      const { rule } = compiled;
      outcome.delayMs += rule.delayMs ?? 0;
      const failing =
        rule.error !== undefined || rule.quotaExhausted === true || rule.errorRate !== undefined;
      if (failing && !outcome.error && this.random() < (rule.errorRate ?? 1)) {
        outcome.error = rule.error
          ? new VcdHttpError(rule.error.status, rule.error.minorErrorCode, rule.error.message)
          : rule.quotaExhausted
            ? vcdError('quotaExceeded', { reason: `Quota exhausted (injected fault ${rule.id}).` })
            : vcdError('injectedFault', { reason: rule.id });
      }
      this.#consume(compiled);
    }
    return outcome;
  }

  #consume(compiled: CompiledRule): void {
    if (compiled.rule.remaining === undefined) return;
    compiled.rule.remaining -= 1;
    if (compiled.rule.remaining <= 0) this.#rules = this.#rules.filter((candidate) => candidate !== compiled);
  }
}

/** Express plugin: endpoint faults (delay, then maybe VCD's error body) before any handler runs. */
export function faultMiddleware(
  faults: FaultInjector,
  sleep: (simulatedMs: number) => Promise<void>,
): RequestHandler {
  return (req, _res, next) => {
    if (req.path.startsWith('/sim/')) return next();
    const outcome = faults.forRequest(req.method, req.path);
    if (outcome.delayMs === 0 && !outcome.error) return next();
    sleep(outcome.delayMs).then(
      () => next(outcome.error),
      (error: unknown) => next(error),
    );
  };
}
