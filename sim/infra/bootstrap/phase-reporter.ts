import type { SimClock } from '../clock.ts';
import type { LatencyModel } from '../latency.ts';
import type { BootstrapGuestConfig } from './cloud-config.ts';

/** `POST …/clusters/{id}/bootstrap` body (docs/cluster-spec.md, "Report protocol"). */
export interface PhaseReport {
  phase: string;
  status: 'succeeded' | 'failed';
  message: string;
  kubeconfig?: string;
}

/** A report the endpoint refused for good (a 4xx other than 408/429), or that ran out of retries. */
export class ReportRejectedError extends Error {
  override readonly name = 'ReportRejectedError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** The helper's retry schedule in simulated seconds (scaled by the speed like every duration). */
const retryBackoffSeconds = [2, 4, 8, 16, 30, 30];
const messageLimit = 4_000;

/**
 * Reports phases the way the VM's helper does: an access token from the owner's API token
 * (`grant_type=refresh_token`), then the report with the one-time secret header, retrying network
 * errors, 5xx, 408 and 429. The guest runs inside this simulator, so the URLs from the settings
 * are re-based on the simulator's own URL (the worker may know it under another host name).
 */
export class PhaseReporter {
  #accessToken: string | undefined;

  constructor(
    private readonly guest: BootstrapGuestConfig,
    private readonly publicUrl: () => string,
    private readonly clock: SimClock,
    private readonly latency: LatencyModel,
    private readonly signal: AbortSignal,
  ) {}

  #onSimulator(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ReportRejectedError(`not a URL in the bootstrap settings: ${url}`, null);
    }
    return `${this.publicUrl()}${parsed.pathname}${parsed.search}`;
  }

  /** Sends one request, retrying what the helper retries; answers the final response. */
  async #send(request: () => Promise<Response>, what: string): Promise<Response> {
    let lastProblem = '';
    for (let attempt = 0; ; attempt++) {
      let response: Response | undefined;
      try {
        response = await request();
        if (!(response.status >= 500 || response.status === 408 || response.status === 429)) return response;
        lastProblem = `HTTP ${response.status}`;
        await response.body?.cancel();
      } catch (error) {
        if (this.signal.aborted) throw error;
        lastProblem = (error as Error).message;
      }
      const backoff = retryBackoffSeconds[attempt];
      if (backoff === undefined)
        throw new ReportRejectedError(`${what} failed after ${attempt + 1} attempts: ${lastProblem}`, null);
      await this.clock.sleep(this.latency.scaled(backoff * 1000), this.signal);
    }
  }

  async #obtainAccessToken(): Promise<string> {
    const response = await this.#send(
      () =>
        fetch(this.#onSimulator(this.guest.settings.vcd.tokenUrl), {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: this.guest.apiToken,
          }).toString(),
          signal: this.signal,
        }),
      'token request',
    );
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: unknown;
      error_description?: unknown;
    };
    if (!response.ok || typeof body.access_token !== 'string')
      throw new ReportRejectedError(
        `cannot obtain an access token from the VCD API token: HTTP ${response.status} ${String(body.error_description ?? '')}`.trim(),
        response.status,
      );
    return body.access_token;
  }

  async report(report: PhaseReport): Promise<void> {
    const body = JSON.stringify({ ...report, message: report.message.slice(-messageLimit) });
    for (let renewed = false; ; renewed = true) {
      this.#accessToken ??= await this.#obtainAccessToken();
      const token = this.#accessToken;
      const response = await this.#send(
        () =>
          fetch(this.#onSimulator(this.guest.settings.report.url), {
            method: 'POST',
            headers: {
              Authorization: `Bearer ${token}`,
              [this.guest.settings.report.secretHeader]: this.guest.reportSecret,
              'Content-Type': 'application/json',
              Accept: 'application/json',
            },
            body,
            signal: this.signal,
          }),
        `report of ${report.phase}`,
      );
      const answer = await response.text().catch(() => '');
      if (response.ok) return;
      // An expired access token: get a fresh one once, as the helper does.
      if (response.status === 401 && !renewed) {
        this.#accessToken = undefined;
        continue;
      }
      throw new ReportRejectedError(
        `report of ${report.phase} refused: HTTP ${response.status} ${answer.slice(0, 500)}`.trim(),
        response.status,
      );
    }
  }
}
