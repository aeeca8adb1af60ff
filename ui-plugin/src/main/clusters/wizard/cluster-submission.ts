import { Injectable, inject } from '@angular/core';
import type { ClusterSpec } from '@cse/cluster-spec-rules';
import { type Observable, catchError, of, switchMap, throwError } from 'rxjs';
import type { ClusterCreated } from '../../api/cluster-types';
import { CseApi } from '../../api/cse-api';
import { VcdApi } from '../../vcd/vcd-api';
import { apiTokenName } from './wizard-form';

/** Where a submission failed: creating the user's API token, or creating the cluster. */
export class SubmissionError extends Error {
  constructor(
    readonly stage: 'token' | 'cluster',
    override readonly cause: unknown,
  ) {
    super(stage);
  }
}

/**
 * Submits a cluster the way the wizard promises: a VCD API token is created for the user, named after the cluster,
 * and sent with the spec; when the API then refuses the cluster, the token is revoked again, so nothing is left over.
 */
@Injectable({ providedIn: 'root' })
export class ClusterSubmission {
  private readonly vcd = inject(VcdApi);
  private readonly cse = inject(CseApi);

  /**
   * `pastedToken`: an API token the user brought (when they may not create one); it is sent as is, without an id,
   * so it is neither created nor revoked here.
   */
  submit(spec: ClusterSpec, pastedToken?: string): Observable<ClusterCreated> {
    if (pastedToken) {
      return this.cse
        .createCluster({ ...spec, apiToken: pastedToken })
        .pipe(catchError((error: unknown) => throwError(() => new SubmissionError('cluster', error))));
    }
    return this.vcd.createApiToken(apiTokenName(spec.name)).pipe(
      catchError((error: unknown) => throwError(() => new SubmissionError('token', error))),
      switchMap((token) =>
        this.cse
          .createCluster({ ...spec, apiToken: token.token, ...(token.id ? { apiTokenId: token.id } : {}) })
          .pipe(
            catchError((error: unknown) => {
              const revoke = token.id
                ? this.vcd.revokeApiToken(token.id).pipe(catchError(() => of(null)))
                : of(null);
              return revoke.pipe(switchMap(() => throwError(() => new SubmissionError('cluster', error))));
            }),
          ),
      ),
    );
  }
}
