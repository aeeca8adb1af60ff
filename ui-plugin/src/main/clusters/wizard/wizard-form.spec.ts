import { clusterSpecMessages } from '@cse/cluster-spec-rules';
import {
  type WizardForm,
  formErrors,
  initialForm,
  reviewJson,
  stepOfField,
  toClusterSpec,
} from './wizard-form';

function filled(change: (form: WizardForm) => void = () => undefined): WizardForm {
  const form = initialForm();
  form.name = 'demo';
  form.orgVdc = 'acme-vdc';
  form.template = 'ubuntu-2204-kube-v1.28.11';
  form.network = 'acme-k8s-net';
  change(form);
  return form;
}

const messageFor = (form: WizardForm, field: string, context = {}) =>
  formErrors(form, context).find((error) => error.field === field)?.message;

describe('wizard form and the shared validation rules', () => {
  it('accepts a complete form with the defaults', () => {
    expect(formErrors(filled(), {})).toEqual([]);
  });

  it('asks for every required field with the API message', () => {
    const errors = formErrors(initialForm(), {});
    expect(errors.map((error) => error.field)).toEqual(['name', 'orgVdc', 'template', 'network']);
    expect(errors[0]!.message).toBe(clusterSpecMessages.required('Cluster name'));
    expect(errors[2]!.message).toBe(clusterSpecMessages.required('Kubernetes template'));
  });

  it('refuses a name that is not a DNS label, with the same words as the API', () => {
    expect(
      messageFor(
        filled((form) => (form.name = 'My_Cluster')),
        'name',
      ),
    ).toBe(clusterSpecMessages['dns-label']('Cluster name', 'My_Cluster'));
  });

  it('refuses a name over 31 characters', () => {
    const name = `a${'b'.repeat(31)}`;
    expect(
      messageFor(
        filled((form) => (form.name = name)),
        'name',
      ),
    ).toBe(clusterSpecMessages['max-length']('Cluster name', name, 31));
  });

  it('needs an odd control plane', () => {
    expect(
      messageFor(
        filled((form) => (form.controlPlane.count = '2')),
        'controlPlane.count',
      ),
    ).toBe(clusterSpecMessages['odd-count']('Control plane node count', 2));
  });

  it('says a disk size that is not a number must be a whole number, and a small one is too small', () => {
    expect(
      messageFor(
        filled((form) => (form.controlPlane.diskGiB = '2x')),
        'controlPlane.diskGiB',
      ),
    ).toBe(clusterSpecMessages.type('Control plane disk size', 'a whole number'));
    expect(
      messageFor(
        filled((form) => (form.workerPools[0]!.diskGiB = '10')),
        'workerPools[0].diskGiB',
      ),
    ).toBe(clusterSpecMessages['disk-size']('Worker pool "workers" disk size', 10, 20, 2048));
  });

  it('finds duplicate pool names and pools without any node', () => {
    const form = filled((f) => {
      f.workerPools = [
        { ...f.workerPools[0]!, count: '0' },
        { ...f.workerPools[0]!, count: '0' },
      ];
    });
    expect(messageFor(form, 'workerPools[1].name')).toBe(clusterSpecMessages.unique('workers'));
    expect(messageFor(form, 'workerPools')).toBe(clusterSpecMessages['worker-nodes']());
  });

  it('checks CIDRs: syntax, host bits, overlap and the reserved Docker ranges', () => {
    expect(
      messageFor(
        filled((f) => (f.podCidr = '100.96.0.0/33')),
        'podCidr',
      ),
    ).toBe(clusterSpecMessages.cidr('Pod CIDR', '100.96.0.0/33'));
    expect(
      messageFor(
        filled((f) => (f.podCidr = '100.96.0.1/11')),
        'podCidr',
      ),
    ).toBe(clusterSpecMessages['cidr-aligned']('Pod CIDR', '100.96.0.1/11', '100.96.0.0/11'));
    expect(
      messageFor(
        filled((f) => (f.podCidr = '100.64.0.0/10')),
        'podCidr',
      ),
    ).toBe(clusterSpecMessages.overlap('Pod CIDR', '100.64.0.0/10', 'service CIDR', '100.64.0.0/13'));
    expect(
      messageFor(
        filled((f) => (f.serviceCidr = '172.18.0.0/16')),
        'serviceCidr',
      ),
    ).toBe(clusterSpecMessages['reserved-range']('Service CIDR', '172.18.0.0/16', '172.18.0.0/16'));
  });

  it('refuses an SSH key that is not one OpenSSH public key line', () => {
    expect(
      messageFor(
        filled((f) => (f.sshKey = 'ssh-rsa nonsense')),
        'sshKey',
      ),
    ).toBe(clusterSpecMessages['ssh-key']('SSH public key'));
  });

  it('checks choices against what VCD offers: the network needs an ALB gateway, policies must exist', () => {
    const context = {
      networks: [{ name: 'acme-plain-net', albEnabled: false, cidr: '10.10.3.1/24' }],
      sizingPolicies: ['TKG small'],
    };
    const form = filled((f) => {
      f.network = 'acme-plain-net';
      f.controlPlane.sizingPolicy = 'TKG huge';
    });
    expect(messageFor(form, 'network', context)).toBe(clusterSpecMessages['alb-gateway']('acme-plain-net'));
    expect(messageFor(form, 'controlPlane.sizingPolicy', context)).toBe(
      clusterSpecMessages['sizing-policy-available']('Control plane sizing policy', 'TKG huge', 'acme-vdc', [
        'TKG small',
      ]),
    );
  });

  it('builds the spec the API takes, leaving default policies and an empty SSH key out', () => {
    expect(toClusterSpec(filled((f) => (f.workerPools[0]!.sizingPolicy = 'TKG small')))).toEqual({
      name: 'demo',
      orgVdc: 'acme-vdc',
      network: 'acme-k8s-net',
      template: 'ubuntu-2204-kube-v1.28.11',
      controlPlane: { count: 1, diskGiB: 20 },
      workerPools: [{ name: 'workers', count: 1, sizingPolicy: 'TKG small', diskGiB: 20 }],
      podCidr: '100.96.0.0/11',
      serviceCidr: '100.64.0.0/13',
      ingress: { contour: { enabled: true } },
    });
  });

  it('shows the exact request on review with the API token masked', () => {
    const json = JSON.parse(reviewJson(toClusterSpec(filled()))) as Record<string, unknown>;
    expect(json['apiToken']).toBe('********');
    expect(json['name']).toBe('demo');
  });

  it('knows which step shows each field', () => {
    expect(stepOfField('name')).toBe('general');
    expect(stepOfField('workerPools[2].diskGiB')).toBe('workers');
    expect(stepOfField('controlPlane.sizingPolicy')).toBe('controlPlane');
    expect(stepOfField('serviceCidr')).toBe('network');
    expect(stepOfField('apiToken')).toBe('review');
  });
});
