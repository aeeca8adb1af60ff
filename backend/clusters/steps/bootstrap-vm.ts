/**
 * Steps (b)–(d): render the Cluster API manifest (control-plane endpoint = the reserved VIP) and the bootstrap
 * VM's cloud-init, then instantiate the provider's bootstrap template with it as `guestinfo.userdata` and power
 * it on. The vApp is recorded, and looked up by name, before it is created.
 */
import { capiObjectNames, renderCapiYaml } from '../../bootstrap/capi-yaml.ts';
import { renderBootstrapCloudInit } from '../../bootstrap/cloud-init.ts';
import { getVAppTemplate, findVAppsByName, hrefId, instantiateVAppTemplate } from '../../vcd/vapps.ts';
import { vdcComputePolicies } from '../../vcd/vdcs.ts';
import {
  DONE,
  findResource,
  PhaseFailure,
  recordCreated,
  recordIntent,
  type ClusterScope,
  type PhaseOutcome,
} from '../scope.ts';
import { findTemplate, templateVersions } from '../templates.ts';

export async function bootstrapVm(scope: ClusterScope): Promise<PhaseOutcome> {
  const name = scope.names.bootstrapVApp;
  const recorded = findResource(scope.status, 'vApp', name);
  if (recorded && recorded.id !== name) return DONE;

  const existing = (await findVAppsByName(scope.tenant, name))[0];
  if (existing) {
    const intent = await recordIntent(scope, { type: 'vApp', id: name, name, purpose: 'bootstrap-vm' });
    await recordCreated(scope, intent, {
      id: hrefId(existing.href),
      createdAt: new Date().toISOString(),
    } as never);
    return DONE;
  }

  const settings = scope.settings;
  const template = await findTemplate(scope.tenant, scope.spec.template);
  if (!template) {
    throw new PhaseFailure(
      'TemplateNotFound',
      `Kubernetes template "${scope.spec.template}" is no longer published to your organisation.`,
      'Delete this cluster and create it again with a published template.',
    );
  }
  const usability = await templateVersions(scope.tenant, template);
  if (!usability.usable) {
    throw new PhaseFailure(
      'TemplateUnusable',
      `Kubernetes template "${template.name}" cannot be used: ${usability.reason}.`,
      'Delete this cluster and create it again with a template the templates list shows as usable.',
    );
  }
  const versions = usability.versions;
  scope.status.versions = {
    kubernetes: versions.kubernetesVersion,
    tkg: versions.tkgVersion,
    template: template.name,
  };
  const bootstrapTemplate = await findTemplate(
    scope.tenant,
    settings.bootstrap.template,
    settings.bootstrap.catalog,
  );
  if (!bootstrapTemplate) {
    throw new PhaseFailure(
      'BootstrapTemplateMissing',
      `The bootstrap VM template "${settings.bootstrap.template}" is not visible to your organisation.`,
      'Ask your provider to publish the bootstrap template (clusters.bootstrap.template), then retry.',
    );
  }
  const secrets = await scope.readSecrets();
  if (!secrets.apiToken || !secrets.bootstrapSecret) {
    throw new PhaseFailure(
      'SecretsMissing',
      'The cluster has no API token or bootstrap secret in its secure section.',
      'Delete the cluster and create it again.',
    );
  }
  const vip = scope.status.endpoints?.controlPlane;
  if (!vip) throw new PhaseFailure('NoEndpoint', 'The control-plane endpoint was not reserved.');

  const vcdUrl = settings.vcdUrlForClusters;
  const egress = { proxy: settings.proxy, trustedCertificates: settings.trustedCertificates };
  const capiYaml = renderCapiYaml({
    spec: scope.spec,
    clusterId: scope.id,
    vcd: { url: vcdUrl, org: scope.org.name, orgVdc: scope.spec.orgVdc, network: scope.spec.network },
    template: {
      catalog: template.catalogName,
      name: template.name,
      kubernetesVersion: versions.kubernetesVersion,
      tkgVersion: versions.tkgVersion,
      tkr: versions.tkr,
      etcdImageTag: versions.etcdImageTag,
      coreDnsImageTag: versions.coreDnsImageTag,
    },
    controlPlaneEndpoint: { host: vip.host, port: vip.port },
    imageRegistry: settings.imageRegistry,
    apiToken: secrets.apiToken,
    egress,
  });
  const names = capiObjectNames(
    scope.spec.name,
    scope.spec.workerPools.map((pool) => pool.name),
  );
  const userdata = renderBootstrapCloudInit({
    clusterId: scope.id,
    clusterName: scope.spec.name,
    namespace: names.namespace,
    vcd: { url: vcdUrl, org: scope.org.name },
    capiYaml,
    apiToken: secrets.apiToken,
    reportSecret: secrets.bootstrapSecret,
    components: settings.components,
    binaryMirror: settings.binaryMirror,
    providerImageRegistry: settings.providerImageRegistry,
    componentsMirror: settings.componentsMirror,
    ...(settings.addons.length
      ? { addons: { sources: settings.addons, orgVdc: scope.spec.orgVdc, network: scope.spec.network } }
      : {}),
    phaseTimeouts: settings.phaseTimeouts,
    egress,
  });

  const policies = await vdcComputePolicies(scope.tenant, scope.vdc!.id);
  const sizing = policies.find((policy) => policy.name === settings.bootstrap.sizingPolicy);
  const intent = await recordIntent(scope, { type: 'vApp', id: name, name, purpose: 'bootstrap-vm' });
  const id = await instantiateVAppTemplate(
    scope.tenant,
    {
      vdcId: scope.vdc!.id,
      name,
      description: `CSE bootstrap VM of cluster ${scope.spec.name} (${scope.id})`,
      template: await getVAppTemplate(scope.tenant, bootstrapTemplate.href),
      network: { id: scope.network!.id, name: scope.network!.name },
      vmName: scope.names.bootstrapVm,
      sizingPolicyId: sizing?.id,
      guestProperties: {
        'guestinfo.userdata': Buffer.from(userdata, 'utf8').toString('base64'),
        'guestinfo.userdata.encoding': 'base64',
      },
    },
    scope.taskWait,
  );
  await recordCreated(scope, intent, { id, createdAt: scope.now().toISOString() } as never);
  return DONE;
}
