import settingsEntityType from '../../../../../behaviours/settings-entity-type.json';
import { settingsDocument, settingsWithAddonsAndUnknownFields } from '../../../testing/provider-fixtures';
import {
  bootstrapPhases,
  fieldOfProblem,
  formOf,
  formProblems,
  settingsFields,
  settingsOf,
} from './settings-form';

interface Node {
  type?: string;
  properties?: Record<string, Node>;
}

/** Every scalar or list setting the schema has, as a dotted path. */
function schemaLeaves(node: Node, prefix = ''): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([name, child]) => {
    const path = prefix ? `${prefix}.${name}` : name;
    return child.type === 'object' ? schemaLeaves(child, path) : [path];
  });
}

describe('settings form', () => {
  it('has a field for every setting of the schema (certificates have their own list), so each can be edited', () => {
    const leaves = schemaLeaves(settingsEntityType.schema.properties.settings as Node).filter(
      (path) => path !== 'trustedCertificates',
    );
    expect(settingsFields.map((field) => field.path).sort()).toEqual(leaves.sort());
  });

  it('lists the bootstrap phases in their order', () => {
    expect(bootstrapPhases[0]).toBe('vm-started');
    expect(bootstrapPhases.at(-1)).toBe('done');
    expect(bootstrapPhases.length).toBe(11);
  });

  it('turns a document into text fields and back unchanged', () => {
    const document = settingsDocument();
    document.trustedCertificates = [
      { name: 'corp-ca', pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' },
    ];
    const form = formOf(document);
    expect(form.values['components.contour.readyTimeoutSeconds']).toBe('300');
    expect(form.values['proxy.noProxy']).toBe('10.0.0.0/8\n.corp.example');
    expect(form.values['registry.binaryMirror']).toBe('');
    expect(settingsOf(form)).toEqual(document);
  });

  it('keeps every field of the document as read, known or not, when another field is edited', () => {
    const read = settingsWithAddonsAndUnknownFields();
    const form = formOf(read);
    form.values['bootstrap.template'] = 'cse-bootstrap-ubuntu-2404';
    const saved = settingsOf(form);
    expect(saved).toEqual({
      ...read,
      bootstrap: { ...read.bootstrap, template: 'cse-bootstrap-ubuntu-2404' },
    });
    // The form works on its own copy: the document as read is not changed by an edit or a save.
    expect(read.bootstrap.template).toBe('cse-bootstrap-ubuntu-2204');
    expect(settingsOf(formOf(read))).toEqual(read);
  });

  it('shows the components mirror and the CNI, CPI and CSI manifests as fields and saves their edits', () => {
    const read = settingsWithAddonsAndUnknownFields();
    const form = formOf(read);
    expect(form.values['registry.componentsMirror']).toBe('https://mirror.example/components');
    expect(form.values['components.cni.name']).toBe('antrea');
    expect(form.values['components.cni.version']).toBe('v1.15.1');
    expect(form.values['components.cpi.manifestUrl']).toBe('https://mirror.example/cpi/v1.6.0/cpi.yaml');
    expect(form.values['components.csi.sha256']).toBe('e'.repeat(64));
    form.values['registry.componentsMirror'] = 'https://mirror2.example/components/';
    form.values['components.cpi.version'] = 'v1.6.1';
    form.values['components.cpi.sha256'] = 'f'.repeat(64);
    const saved = settingsOf(form);
    expect(saved.registry.componentsMirror).toBe('https://mirror2.example/components/');
    expect(saved.components.cpi).toEqual({
      version: 'v1.6.1',
      manifestUrl: 'https://mirror.example/cpi/v1.6.0/cpi.yaml',
      sha256: 'f'.repeat(64),
    });
    expect(saved.components.cni).toEqual(read.components.cni);
  });

  it('adds an add-on given in full, and leaves one out once all its fields are emptied', () => {
    const form = formOf(settingsDocument());
    form.values['components.csi.version'] = 'v1.6.0';
    form.values['components.csi.manifestUrl'] = 'https://mirror.example/csi.yaml';
    form.values['components.csi.sha256'] = '0'.repeat(64);
    expect(settingsOf(form).components.csi).toEqual({
      version: 'v1.6.0',
      manifestUrl: 'https://mirror.example/csi.yaml',
      sha256: '0'.repeat(64),
    });
    expect('cni' in settingsOf(form).components).toBeFalse();

    const withAddons = formOf(settingsWithAddonsAndUnknownFields());
    for (const part of ['name', 'version', 'manifestUrl', 'sha256'])
      withAddons.values[`components.cni.${part}`] = '';
    expect([...formProblems(withAddons).keys()]).toEqual([]);
    // The field the page does not know stays; the object goes only once nothing is left in it.
    expect(settingsOf(withAddons).components.cni as unknown).toEqual({ rolloutSeconds: 90 });
  });

  it("checks the components mirror and the add-on fields with the schema's rules", () => {
    const form = formOf(settingsWithAddonsAndUnknownFields());
    form.values['registry.componentsMirror'] = 'mirror.example/components';
    form.values['components.cni.name'] = 'calico';
    form.values['components.cni.sha256'] = 'C'.repeat(64);
    form.values['components.cpi.version'] = 'latest';
    form.values['components.cpi.manifestUrl'] = 'ftp://mirror.example/cpi.yaml';
    form.values['components.csi.manifestUrl'] = '';
    form.values['components.csi.sha256'] = '';
    expect(Object.fromEntries(formProblems(form))).toEqual({
      'registry.componentsMirror': 'Give an http:// or https:// URL.',
      'components.cni.name': 'Choose one of: antrea.',
      'components.cni.sha256': 'Give 64 lower-case hexadecimal digits.',
      'components.cpi.version': 'Give a version such as v1.2.3.',
      'components.cpi.manifestUrl': 'Give an http:// or https:// URL.',
      // An add-on in use needs its version, manifest URL and sha256 (the schema's `required`).
      'components.csi.manifestUrl': 'Required.',
      'components.csi.sha256': 'Required.',
    });
  });

  it('leaves empty optional fields out and sends numbers as numbers', () => {
    const form = formOf(settingsDocument());
    form.values['phaseTimeouts.done'] = ' 120 ';
    form.values['phaseTimeouts.vm-started'] = '';
    form.values['registry.binaryMirror'] = 'https://mirror.example/bin';
    form.values['proxy.noProxy'] = 'a.example, b.example\n\n';
    const document = settingsOf(form);
    expect(document.phaseTimeouts).toEqual({ 'kind-ready': 900, done: 120 });
    expect(document.registry.binaryMirror).toBe('https://mirror.example/bin');
    expect(document.proxy.noProxy).toEqual(['a.example', 'b.example']);
  });

  it('finds nothing wrong with valid settings', () => {
    expect([...formProblems(formOf(settingsDocument()))]).toEqual([]);
  });

  it("checks values against the schema's rules, saying what a value should look like", () => {
    const form = formOf(settingsDocument());
    form.values['components.contour.sha256'] = 'ABC';
    form.values['components.kubectl'] = 'latest';
    form.values['bootstrap.template'] = '  ';
    form.values['phaseTimeouts.kind-ready'] = '0';
    form.values['components.contour.readyTimeoutSeconds'] = '1.5';
    form.values['registry.imageRegistry'] = 'Registry.Example';
    form.values['proxy.noProxy'] = 'good.example\nbad entry';
    form.values['proxy.httpProxy'] = 'proxy:3128';
    form.certificates = [
      { name: 'ca', pem: 'not a pem' },
      { name: 'ca', pem: '-----BEGIN CERTIFICATE-----' },
    ];
    expect(Object.fromEntries(formProblems(form))).toEqual({
      'components.contour.sha256': 'Give 64 lower-case hexadecimal digits.',
      'components.kubectl': 'Give a version such as v1.2.3.',
      'bootstrap.template': 'Required.',
      'phaseTimeouts.kind-ready': 'Give a number from 1 to 86400.',
      'components.contour.readyTimeoutSeconds': 'Give a whole number.',
      'registry.imageRegistry':
        'Give a registry host in lower case with an optional port and path, such as projects.registry.vmware.com/tkg.',
      'proxy.noProxy': 'bad entry: Give hosts, domains or CIDRs without spaces or commas.',
      'proxy.httpProxy': 'Give an http:// or https:// URL.',
      'trustedCertificates[0].pem': 'Give a PEM certificate starting with -----BEGIN CERTIFICATE-----.',
      'trustedCertificates[1].name': '"ca" is given twice.',
    });
  });

  it('places the problems the API names on the fields of the page', () => {
    const form = formOf(settingsDocument());
    form.certificates = [{ name: 'ca', pem: 'x' }];
    const on = (field: string) => fieldOfProblem({ field, reason: 'is wrong' }, form);
    expect(on('components.contour.sha256')).toBe('components.contour.sha256');
    expect(on('proxy.noProxy[1]')).toBe('proxy.noProxy');
    expect(on('trustedCertificates[0].pem')).toBe('trustedCertificates[0].pem');
    expect(on('trustedCertificates[3].pem')).toBeUndefined();
    expect(on('(document)')).toBeUndefined();
  });
});
