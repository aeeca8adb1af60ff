import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CAPVCD_CLUSTER_TYPE_ID,
  CSE_INTERFACE_ID,
  GET_FULL_ENTITY_BEHAVIOUR_ID,
  VCDKE_CONFIG_TYPE_ID,
  capvcdClusterType,
} from '../../behaviours/cse42.ts';
import { registerCse42Definitions } from '../../backend/provider/cse42-definitions.ts';
import { InstallReport } from '../../backend/provider/report.ts';
import { VcdClient as TestClient } from '../helpers/vcd.ts';
import { startProviderStack, type ProviderStack } from './install-stack.ts';

interface TypeBody {
  id: string;
  name: string;
  description: string | null;
  interfaces: string[];
  schema: Record<string, unknown>;
}

describe("cse install and CSE 4.2's definitions", () => {
  let stack: ProviderStack;
  before(async () => {
    stack = await startProviderStack();
  });
  after(() => stack.close());

  it('registers them where absent, on the Kubernetes interface Cloud Director ships, with getFullEntity at Full Control', async () => {
    const report = new InstallReport();
    await registerCse42Definitions(stack.vcd, report);
    assert.deepEqual(
      report.changes().map((step) => step.object),
      [
        'RDE interface urn:vcloud:interface:vmware:VCDKEConfig:1.0.0',
        `RDE type ${VCDKE_CONFIG_TYPE_ID}`,
        `RDE interface ${CSE_INTERFACE_ID}`,
        `behaviour getFullEntity of ${CSE_INTERFACE_ID}`,
        `RDE type ${CAPVCD_CLUSTER_TYPE_ID}`,
        `behaviour access getFullEntity on ${CAPVCD_CLUSTER_TYPE_ID}`,
      ],
    );
    const admin = await TestClient.provider(stack.sim.url);
    const type = (await admin.get<TypeBody>(`/cloudapi/1.0.0/entityTypes/${CAPVCD_CLUSTER_TYPE_ID}`)).body!;
    assert.deepEqual(type.interfaces, ['urn:vcloud:interface:vmware:k8s:1.0.0']);
    assert.deepEqual(type.schema, capvcdClusterType.schema);
    const access = await admin.getAll<{ behaviorId: string; accessLevelId: string }>(
      `/cloudapi/1.0.0/entityTypes/${CAPVCD_CLUSTER_TYPE_ID}/behaviorAccessControls`,
    );
    assert.deepEqual(access, [
      { behaviorId: GET_FULL_ENTITY_BEHAVIOUR_ID, accessLevelId: 'urn:vcloud:accessLevel:FullControl' },
    ]);

    const again = new InstallReport();
    await registerCse42Definitions(stack.vcd, again);
    assert.deepEqual(again.changes(), [], 'a second run changes nothing');
  });

  it("uses CSE 4.2's own definitions as they are where VMware's CSE 4.2 registered them first", async () => {
    const other = await startProviderStack();
    try {
      const admin = await TestClient.provider(other.sim.url);
      // What VMware's installation leaves: the same ids, its own wording, no behaviour access of ours.
      await admin.post('/cloudapi/1.0.0/interfaces', {
        name: 'cseInterface',
        vendor: 'cse',
        nss: 'capvcd',
        version: '1.0.0',
        readonly: false,
      });
      await admin.post(`/cloudapi/1.0.0/interfaces/${CSE_INTERFACE_ID}/behaviors`, {
        name: 'getFullEntity',
        execution: { type: 'noop', id: 'getFullEntity' },
      });
      const theirs = {
        ...capvcdClusterType,
        description: 'Installed by VMware CSE 4.2',
        schema: { ...capvcdClusterType.schema, title: 'CSE 4.2 wording' },
      };
      assert.equal((await admin.post('/cloudapi/1.0.0/entityTypes', theirs)).status, 201);

      const report = new InstallReport();
      await registerCse42Definitions(other.vcd, report);
      const type = (await admin.get<TypeBody>(`/cloudapi/1.0.0/entityTypes/${CAPVCD_CLUSTER_TYPE_ID}`)).body!;
      assert.equal(type.description, 'Installed by VMware CSE 4.2');
      assert.equal(type.schema['title'], 'CSE 4.2 wording', 'their schema is kept, not replaced');
      const changed = report.changes().map((step) => step.object);
      assert.ok(!changed.includes(`RDE type ${CAPVCD_CLUSTER_TYPE_ID}`));
      assert.ok(!changed.includes(`RDE interface ${CSE_INTERFACE_ID}`));
      assert.ok(!changed.includes(`behaviour getFullEntity of ${CSE_INTERFACE_ID}`));
    } finally {
      await other.close();
    }
  });
});
