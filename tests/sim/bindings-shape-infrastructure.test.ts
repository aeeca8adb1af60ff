/**
 * The legacy `/api` JSON the simulator serves and the worker reads, and the request bodies the
 * worker sends, checked against VMware's typed statement of that JSON (`@vcd/bindings` 9.1.1): a
 * field the bindings do not know, or a value of the wrong kind, is a difference from Cloud
 * Director. The worker's bodies are captured from its own code (`backend/vcd/vapps.ts`) on real
 * calls. The bindings stop at API 30 (VCD 9.1); fields added since are accepted below one by one,
 * each with the public source that shows the real name.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VcdClient as WorkerClient, type VcdRequestOptions } from '../../backend/vcd/client.ts';
import {
  deleteVApp,
  getVApp,
  getVAppTemplate,
  instantiateVAppTemplate,
  queryRecords,
} from '../../backend/vcd/vapps.ts';
import type { RunningSimulator } from '../../sim/server.ts';
import { checkBindingsShape } from '../helpers/bindings-shape.ts';
import { VcdClient } from '../helpers/vcd.ts';
import { byName, startFastSimulator, tenantFixture, type TenantFixture } from './support/infra.ts';

const legacy = '@vcd/bindings/vcloud/api/rest/schema_v1_5';
const uuidOf = (id: string) => id.replace(/^urn:vcloud:[a-z]+:/, '');

/** JSON paths (array indexes as `[]`) the bindings do not know but a newer VCD sends, with the source. */
const newerThanBindings: Record<string, string> = {
  // go-vcloud-director types/v56/types.go Vdc.DefaultComputePolicy (API 33).
  'VdcType $.defaultComputePolicy': 'govcd',
  // go-vcloud-director types/v56/vm_types.go Vm.ComputePolicy (API 33), Vm.VmSpecSection (API 32).
  'VmType $.computePolicy': 'govcd',
  'VmType $.vmSpecSection': 'govcd',
  'VAppType $.children.vm[].computePolicy': 'govcd',
  'VAppType $.children.vm[].vmSpecSection': 'govcd',
  'VAppTemplateType $.children.vm[].vmSpecSection': 'govcd',
  // go-vcloud-director types/v56/types.go SourcedCompositionItemParam.ComputePolicy (API 33).
  'InstantiateVAppTemplateParamsType $.sourcedItem[].computePolicy': 'govcd',
};

/** Record fields per query type that go-vcloud-director's record types (types/v56/types.go) have. */
const newerRecordFields: Record<string, string[]> = {
  // QueryResultVAppRecordType.
  vApp: ['numberOfVMs', 'numberOfCpus', 'memoryAllocationMB', 'storageKB'],
  // QueryResultVMRecordType.
  vm: ['totalStorageAllocatedMb', 'vmSizingPolicyId', 'vmPlacementPolicyId', 'dateCreated'],
};
// QueryResultOrgVdcRecordType (go-vcloud-director uses it for orgVdc and adminOrgVdc).
newerRecordFields.orgVdc = ['allocationModel'];
// The bindings type the admin record's allocationModel as a number; go-vcloud-director reads the
// names VCD sends ("AllocationVApp", "Flex", …) as a string.
newerRecordFields.adminOrgVdc = ['allocationModel'];
newerRecordFields.adminVApp = newerRecordFields.vApp!;
// go-vcloud-director reads admin VM records with QueryResultVMRecordType too.
newerRecordFields.adminVM = [
  ...newerRecordFields.vm!,
  'isBusy',
  'ipAddress',
  'isInMaintenanceMode',
  'vmSizingPolicyId',
];

/**
 * Left for the helper that owns catalogs and product sections (sim/api/catalogs/): the bindings
 * name the OVF ProductSection's `class` and `Property` list `clazz` and `categoryOrProperty`, and
 * know no `osType` on OperatingSystemSection (`vmw:osType` is a foreign attribute in the XML).
 */
const leftToTemplatesHelper = ['section[].class', 'section[].property', 'section[].osType'];

function shapeMessages(typeName: string, value: unknown, recordFields: string[] = []): string[] {
  return checkBindingsShape(typeName, legacy, value).filter((message) => {
    const path = message.slice(0, message.indexOf(':')).replace(/\[\d+\]/g, '[]');
    if (newerThanBindings[`${typeName} ${path}`]) return false;
    if (recordFields.some((field) => path === `$.record[].${field}`)) return false;
    return !leftToTemplatesHelper.some((suffix) => path.endsWith(suffix));
  });
}

function assertShape(typeName: string, value: unknown, recordFields?: string[]): void {
  const messages = shapeMessages(typeName, value, recordFields);
  assert.equal(messages.length, 0, `${typeName}:\n${messages.join('\n')}`);
}

describe('legacy API JSON against @vcd/bindings', () => {
  let sim: RunningSimulator;
  let author: VcdClient;
  let provider: VcdClient;
  let worker: WorkerClient;
  let fixture: TenantFixture;
  /** What the worker POSTed, and what it was answered. */
  const sent: Array<{ path: string; body: unknown; answer: unknown }> = [];
  let vAppId = '';

  before(async () => {
    sim = await startFastSimulator();
    author = await VcdClient.login(sim.url, 'acme-admin', 'acme');
    provider = await VcdClient.provider(sim.url);
    fixture = await tenantFixture(author, 'acme');
    worker = new WorkerClient({ url: sim.url, accessToken: author.token, retryBaseMs: 10 });
    const post = worker.post.bind(worker);
    worker.post = async <T>(
      path: string,
      body?: unknown,
      options?: Omit<VcdRequestOptions, 'method' | 'path' | 'body'>,
    ) => {
      const response = await post<T>(path, body, options);
      sent.push({ path, body, answer: response.body });
      return response;
    };
  });
  after(() => sim.close());

  const sentTo = (suffix: string) => sent.find((call) => call.path.endsWith(suffix));

  it('the worker instantiates a template with InstantiateVAppTemplateParams that fit the bindings', async () => {
    const template = await getVAppTemplate(worker, fixture.bootstrapHref);
    assertShape('VAppTemplateType', template);
    const network = await byName(author, '/cloudapi/1.0.0/orgVdcNetworks', 'acme-k8s-net');
    const policy = await byName(author, `/cloudapi/2.0.0/vdcs/${fixture.vdcId}/computePolicies`, 'TKG small');
    vAppId = await instantiateVAppTemplate(worker, {
      vdcId: fixture.vdcId,
      name: 'shape-check',
      template,
      network: { id: network.id, name: network.name },
      vmName: 'shape-check-vm',
      sizingPolicyId: policy.id,
      guestProperties: {
        'guestinfo.userdata': 'I2Nsb3VkLWNvbmZpZw==',
        'guestinfo.userdata.encoding': 'base64',
      },
    });
    const instantiate = sentTo('/action/instantiateVAppTemplate');
    assertShape('InstantiateVAppTemplateParamsType', instantiate?.body);
    assertShape('VAppType', instantiate?.answer);
  });

  it('VDC, org, vApp, VM, guest customization status and task read back fit the bindings', async () => {
    assertShape('VdcType', (await author.get(`/api/vdc/${uuidOf(fixture.vdcId)}`)).body);
    const org = await byName(author, '/cloudapi/1.0.0/orgs', 'acme');
    assertShape('OrgType', (await author.get(`/api/org/${uuidOf(org.id)}`)).body);
    const vApp = await getVApp(worker, vAppId);
    assertShape('VAppType', vApp);
    const vm = vApp?.children?.vm?.[0];
    assert.ok(vm);
    const vmBody = (await author.get<{ vmSpecSection?: unknown }>(vm.href)).body;
    assertShape('VmType', vmBody);
    // The section's own type is in the bindings (it sat among the OVF sections before API 32).
    assertShape('VmSpecSectionType', vmBody.vmSpecSection);
    const status = await author.get(`${vm.href}/guestcustomizationstatus`);
    assertShape('GuestCustomizationStatusSectionType', status.body);
    // VCD answers the instantiation with the new vApp, its creation task inside.
    const answer = sentTo('/action/instantiateVAppTemplate')?.answer as {
      tasks?: { task?: Array<{ href: string }> };
    };
    const taskHref = answer.tasks?.task?.[0]?.href;
    assert.ok(taskHref, 'the instantiation answer carries its task');
    assertShape('TaskType', (await author.get(taskHref)).body);
  });

  it('query service records, id records and references fit the bindings, each record by its _type', async () => {
    const tenantTypes = ['vApp', 'vm', 'orgVdc'];
    const providerTypes = ['adminVApp', 'adminVM', 'adminOrgVdc'];
    for (const [client, types] of [
      [author, tenantTypes],
      [provider, providerTypes],
    ] as const) {
      for (const type of types) {
        for (const format of ['records', 'idrecords']) {
          const response = await client.get(`/api/query?type=${type}&format=${format}&pageSize=5`);
          assert.equal(response.status, 200, response.text);
          assertShape('QueryResultRecordsType', response.body, newerRecordFields[type]);
        }
        const references = await client.get(`/api/query?type=${type}&format=references&pageSize=5`);
        assertShape('ReferencesType', references.body);
      }
    }
    // The worker's own reading of the query service.
    assert.ok((await queryRecords(worker, 'vApp')).some((record) => record.name === 'shape-check'));
  });

  it('the worker powers off and deletes with UndeployVAppParams that fit the bindings', async () => {
    // A running vApp, whichever way the worker instantiated it, so that the delete must undeploy it.
    const vApp = await getVApp(worker, vAppId);
    assert.ok(vApp);
    if (!vApp.deployed) {
      const started = await author.post(`${vApp.href}/power/action/powerOn`);
      assert.equal(started.status, 202, started.text);
      assert.equal((await author.waitForTask(started.headers.get('location')!)).status, 'success');
    }
    await deleteVApp(worker, vAppId);
    const undeploy = sentTo('/action/undeploy');
    assert.ok(undeploy, 'the worker powered the vApp off first');
    assertShape('UndeployVAppParamsType', undeploy.body);
    assert.equal(await getVApp(worker, vAppId), undefined);
  });
});
