import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';
import { ContainerContext } from '../container/container-context';

/** `GET /api/cse/v1/about`: what the worker behind VCD says about itself. */
export interface ServiceAbout {
  name: string;
  version: string;
  transports?: string[];
}

/** Typed calls to our extension API, `/api/cse/v1/...`, through Cloud Director. */
@Injectable({ providedIn: 'root' })
export class CseApi {
  private readonly http = inject(HttpClient);
  private readonly container = inject(ContainerContext);

  about(): Observable<ServiceAbout> {
    return this.http.get<ServiceAbout>(this.container.apiUrl('api/cse/v1/about'), {
      headers: this.container.apiHeaders(),
    });
  }
}

/** The message a person should read for a failed call: VCD's error `message`, else the HTTP status. */
export function describeApiError(error: unknown): string {
  if (error instanceof HttpErrorResponse) {
    const body: unknown = error.error;
    if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
      return (body as { message: string }).message;
    }
    return error.status === 0
      ? 'the network request failed'
      : `HTTP ${error.status} ${error.statusText}`.trim();
  }
  return error instanceof Error ? error.message : String(error);
}
