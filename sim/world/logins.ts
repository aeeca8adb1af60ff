/**
 * Users the seeded world always has, whatever the seed: the quick start prints them and tests log
 * in with them. Roles are VCD's predefined role names plus our own Kubernetes roles.
 */
export interface SeededLogin {
  org: string;
  user: string;
  password: string;
  role: string;
}

export const seededPassword = 'VMware1!';

export const seededLogins: readonly SeededLogin[] = [
  { org: 'System', user: 'administrator', password: seededPassword, role: 'System Administrator' },
  { org: 'acme', user: 'acme-admin', password: seededPassword, role: 'Organization Administrator' },
  { org: 'acme', user: 'acme-author', password: seededPassword, role: 'Kubernetes Cluster Author' },
  { org: 'acme', user: 'acme-viewer', password: seededPassword, role: 'Kubernetes Cluster Viewer' },
  { org: 'globex', user: 'globex-admin', password: seededPassword, role: 'Organization Administrator' },
  { org: 'globex', user: 'globex-author', password: seededPassword, role: 'Kubernetes Cluster Author' },
  { org: 'globex', user: 'globex-viewer', password: seededPassword, role: 'Kubernetes Cluster Viewer' },
];
