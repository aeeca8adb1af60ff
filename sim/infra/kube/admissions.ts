import type { Admission, ClusterObjects } from './cluster-objects.ts';
import type { KubeObject } from './objects.ts';
import { isJsonObject, objectAt } from './objects.ts';
import type { CrdSpec, ResourceType } from './resources.ts';
import { resourcesOfCrd } from './resources.ts';
import { serviceAdmission } from './service-network.ts';
import { invalid } from './status.ts';

/** A CRD is named `<plural>.<group>` and serves at least one version; storing it serves its types. */
function crdAdmission(objects: ClusterObjects): Admission {
  return {
    admit(_type: ResourceType, crd: KubeObject) {
      const name = crd.metadata.name ?? '';
      const spec = objectAt(crd, 'spec');
      const names = objectAt(spec, 'names');
      const versions = Array.isArray(spec['versions']) ? spec['versions'] : [];
      const causes = [];
      if (typeof spec['group'] !== 'string' || !spec['group'])
        causes.push({ reason: 'FieldValueRequired', field: 'spec.group', message: 'Required value' });
      if (typeof names['plural'] !== 'string' || typeof names['kind'] !== 'string')
        causes.push({
          reason: 'FieldValueRequired',
          field: 'spec.names',
          message: 'Required value: plural and kind',
        });
      else if (name !== `${names['plural']}.${spec['group']}`)
        causes.push({
          reason: 'FieldValueInvalid',
          field: 'metadata.name',
          message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
        });
      if (spec['scope'] !== 'Namespaced' && spec['scope'] !== 'Cluster')
        causes.push({
          reason: 'FieldValueNotSupported',
          field: 'spec.scope',
          message: 'supported values: "Cluster", "Namespaced"',
        });
      if (!versions.some((version) => isJsonObject(version) && version['served'] === true))
        causes.push({
          reason: 'FieldValueInvalid',
          field: 'spec.versions',
          message: 'must have at least one served version',
        });
      if (causes.length) throw invalid('CustomResourceDefinition', 'apiextensions.k8s.io', name, causes);
    },
    stored(_type: ResourceType, crd: KubeObject) {
      objects.resources.setCrd(
        crd.metadata.name!,
        resourcesOfCrd(crd.metadata.name!, crd['spec'] as CrdSpec),
      );
    },
    deleted(_type: ResourceType, crd: KubeObject) {
      const spec = crd['spec'] as CrdSpec;
      objects.resources.removeCrd(crd.metadata.name!);
      for (const object of objects.store.list({ group: spec.group, plural: spec.names.plural }))
        objects.store.remove(
          { group: spec.group, plural: spec.names.plural },
          object.metadata.namespace ?? '',
          object.metadata.name!,
        );
    },
  };
}

/** A namespace is Active from the start and carries its name label. */
const namespaceAdmission: Admission = {
  admit(_type: ResourceType, namespace: KubeObject) {
    namespace.metadata.labels = {
      ...namespace.metadata.labels,
      'kubernetes.io/metadata.name': namespace.metadata.name!,
    };
    namespace['spec'] = { finalizers: ['kubernetes'], ...objectAt(namespace, 'spec') };
    if (namespace['status'] === undefined) namespace['status'] = { phase: 'Active' };
  },
};

export function registerAdmissions(objects: ClusterObjects): void {
  objects.admissions.set('Service', serviceAdmission(objects));
  objects.admissions.set('CustomResourceDefinition', crdAdmission(objects));
  objects.admissions.set('Namespace', namespaceAdmission);
}
