import { stringify } from 'yaml';

/** A kubeconfig in the standard format: one cluster, one bearer-token user, one current context. */
export function renderKubeconfig(input: {
  clusterName: string;
  server: string;
  caData?: string;
  token: string;
}): string {
  const user = `${input.clusterName}-admin`;
  const context = `${user}@${input.clusterName}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: input.clusterName,
        cluster: {
          server: input.server,
          ...(input.caData ? { 'certificate-authority-data': input.caData } : {}),
        },
      },
    ],
    contexts: [{ name: context, context: { cluster: input.clusterName, user } }],
    'current-context': context,
    preferences: {},
    users: [{ name: user, user: { token: input.token } }],
  });
}
