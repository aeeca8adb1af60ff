/**
 * Steps (b)–(d): render the Cluster API manifest (control-plane endpoint = the reserved VIP) and the bootstrap
 * VM's cloud-init, instantiate the provider's bootstrap template powered off, put the cloud-init into the VM's
 * ExtraConfig `guestinfo.userdata` (+ `.encoding`), where cloud-init's VMware data source reads it, check that VCD
 * kept it, and power the VM on. The vApp is recorded, and looked up by name, before it is created; a resumed step
 * that finds it powered off sets the user data again before powering it on (CAPVCD does the same for its nodes:
 * `controllers/vcdmachine_controller.go`, ExtraConfig set while the VM is not POWERED_ON).
 */
import { capiObjectNames, renderCapiYaml } from '../../bootstrap/capi-yaml.ts';
import { renderBootstrapCloudInit } from '../../bootstrap/cloud-init.ts';
import {
  getVApp,
  getVAppTemplate,
  findVAppsByName,
  hrefId,
  instantiateVAppTemplate,
  powerOnVApp,
  type VAppJson,
} from '../../vcd/vapps.ts';
import { vdcComputePolicies } from '../../vcd/vdcs.ts';
import { getExtraConfig, updateExtraConfig } from '../../vcd/vm-extra-config.ts';
import {
  DONE,
  findResource,
  PhaseFailure,
  recordCreated,
  recordIntent,
  type ClusterScope,
  type PhaseOutcome,
  type RecordedResource,
} from '../scope.ts';
import { findTemplate, templateVersions } from '../templates.ts';

/** The recorded bootstrap vApp; `poweredOnAt` starts the clock of the first bootstrap phase. */
export type BootstrapVAppRecord = RecordedResource & { createdAt?: string; poweredOnAt?: string };

/** VCD's vApp/VM status codes the step tells apart. */
const unresolved = 0;
const poweredOn = 4;

export async function bootstrapVm(scope: ClusterScope): Promise<PhaseOutcome> {
  const name = scope.names.bootstrapVApp;
  const existing = await existingBootstrapVApp(scope);
  if (existing?.status === poweredOn) return DONE;
  if (existing?.status === unresolved)
    return { waitFor: 'Waiting for VCD to finish creating the bootstrap VM', retryAfterMs: 1000 };

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

  let vApp = existing;
  if (!vApp) {
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
        powerOn: false,
      },
      scope.taskWait,
    );
    await recordCreated(scope, intent, { id, createdAt: scope.now().toISOString() } as BootstrapVAppRecord);
    vApp = await getVApp(scope.tenant, id);
    if (!vApp) throw vAppGone(name);
  }
  await startWithUserData(scope, vApp, userdata);
  return DONE;
}

function vAppGone(name: string): PhaseFailure {
  return new PhaseFailure(
    'BootstrapVmGone',
    `The bootstrap vApp ${name} was deleted before it started.`,
    'Retry the cluster, or delete it.',
  );
}

/** The bootstrap vApp if it was created: the recorded one, or one found by name (which is recorded now). */
async function existingBootstrapVApp(scope: ClusterScope): Promise<VAppJson | undefined> {
  const name = scope.names.bootstrapVApp;
  const recorded = findResource(scope.status, 'vApp', name);
  if (recorded && recorded.id !== name) {
    const vApp = await getVApp(scope.tenant, recorded.id);
    if (!vApp) throw vAppGone(name);
    return vApp;
  }
  const found = (await findVAppsByName(scope.tenant, name))[0];
  if (!found) return undefined;
  const intent = await recordIntent(scope, { type: 'vApp', id: name, name, purpose: 'bootstrap-vm' });
  const id = hrefId(found.href);
  await recordCreated(scope, intent, { id, createdAt: scope.now().toISOString() } as BootstrapVAppRecord);
  return getVApp(scope.tenant, id);
}

/**
 * ExtraConfig `guestinfo.userdata` = base64(cloud-init) and `guestinfo.userdata.encoding` = `base64` (what CAPVCD
 * sets for its nodes), read back and compared, then power-on. cloud-init's VMware data source needs nothing else:
 * it runs on user data alone, takes the instance id from the VM's UUID when `guestinfo.metadata` is absent and
 * falls back to DHCP-style network configuration (cloud-init `DataSourceVMware.py` `_get_data`, `get_instance_id`,
 * `network_config`).
 */
async function startWithUserData(scope: ClusterScope, vApp: VAppJson, userdata: string): Promise<void> {
  const vm = vApp.children?.vm?.[0];
  if (!vm) throw new PhaseFailure('BootstrapVmMissing', `The bootstrap vApp ${vApp.name} has no VM.`);
  const wanted = new Map([
    ['guestinfo.userdata', Buffer.from(userdata, 'utf8').toString('base64')],
    ['guestinfo.userdata.encoding', 'base64'],
  ]);
  const differs = (current: Map<string, string>) =>
    [...wanted].filter(([key, value]) => current.get(key) !== value).map(([key]) => key);
  if (differs(await getExtraConfig(scope.tenant, vm.href)).length > 0) {
    const kept = await updateExtraConfig(scope.tenant, vm.href, wanted, scope.taskWait);
    const missing = differs(kept);
    if (missing.length > 0) {
      throw new PhaseFailure(
        'UserDataNotKept',
        `VCD did not keep the bootstrap VM's ExtraConfig ${missing.join(', ')}, so cloud-init would never run.`,
        'Check that the service account may reconfigure VMs (vApp: Create / Reconfigure), then retry.',
      );
    }
  }
  await powerOnVApp(scope.tenant, vApp, scope.taskWait);
  const record = findResource(scope.status, 'vApp', scope.names.bootstrapVApp) as
    BootstrapVAppRecord | undefined;
  if (record)
    await recordCreated(scope, record, { poweredOnAt: scope.now().toISOString() } as BootstrapVAppRecord);
}
