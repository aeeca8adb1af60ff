import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CAPVCD_CLUSTER_TYPE_ID,
  GET_FULL_ENTITY_BEHAVIOUR_ID,
  capvcdClusterType,
} from '../../behaviours/cse42.ts';
import { registerCse42Definitions } from '../../backend/provider/cse42-definitions.ts';
import { InstallReport } from '../../backend/provider/report.ts';
import { orgIdByName, SimAdmin, VcdClient as TestClient } from '../helpers/vcd.ts';
import { addRightsToRole, createEntity, publishTypeBundle, rightsOf } from '../sim/rde-fixtures.ts';
import { startProviderStack, type ProviderStack } from './install-stack.ts';

/**
 * What Terraform's CSE 4.2 guide and go-vcloud-director do to read a kubeconfig: invoke `getFullEntity` on the
 * cluster entity and read `entity.status.capvcd.private.kubeConfig` from the task's result, while a plain GET shows
 * the secure sections masked.
 */
describe('getFullEntity on a vmware:capvcdCluster entity, as go-vcloud-director reads the kubeconfig', () => {
  let stack: ProviderStack;
  let author: TestClient;
  let entityId: string;
  before(async () => {
    stack = await startProviderStack();
    await registerCse42Definitions(stack.vcd, new InstallReport());
    const provider = await TestClient.provider(stack.sim.url);
    const type = {
      vendor: capvcdClusterType.vendor,
      nss: capvcdClusterType.nss,
      version: capvcdClusterType.version,
      typeId: CAPVCD_CLUSTER_TYPE_ID,
      interfaceId: capvcdClusterType.interfaces[0]!,
      rights: rightsOf(capvcdClusterType.vendor, capvcdClusterType.nss),
    };
    await publishTypeBundle(provider, type);
    const acme = orgIdByName(await new SimAdmin(stack.sim.url).state(), 'acme');
    await addRightsToRole(provider, acme, 'Kubernetes Cluster Author', [type.rights.fullControl]);
    author = await TestClient.login(stack.sim.url, 'acme-author', 'acme');
    const created = await createEntity(author, CAPVCD_CLUSTER_TYPE_ID, {
      name: 'tf-demo',
      entity: {
        apiVersion: 'capvcd.vmware.com/v1.1',
        kind: 'CAPVCDCluster',
        metadata: {
          name: 'tf-demo',
          orgName: 'acme',
          site: stack.sim.url,
          virtualDataCenterName: 'acme-vdc',
        },
        spec: {
          vcdKe: { isVCDKECluster: true, secure: { apiToken: 'the-owners-token' } },
          capiYaml: 'kind: Cluster\n',
        },
        status: { capvcd: { private: { kubeConfig: 'apiVersion: v1\nkind: Config\n' } } },
      },
    });
    entityId = created.id;
  });
  after(() => stack.close());

  it('answers {entity} with the secure sections in clear to the owner', async () => {
    const response = await author.post(
      `/cloudapi/1.0.0/entities/${entityId}/behaviors/${GET_FULL_ENTITY_BEHAVIOUR_ID}/invocations`,
      {},
    );
    assert.equal(response.status, 202, response.text);
    const task = await author.waitForTask(response.headers.get('location')!);
    assert.equal(task.status, 'success');
    const result = JSON.parse(task.result!.resultContent as string) as {
      entity: {
        spec: { vcdKe: { secure: { apiToken: string } } };
        status: { capvcd: { private: { kubeConfig: string } } };
      };
    };
    assert.equal(result.entity.status.capvcd.private.kubeConfig, 'apiVersion: v1\nkind: Config\n');
    assert.equal(result.entity.spec.vcdKe.secure.apiToken, 'the-owners-token');

    const plain = await author.get<{ entity: { spec: { vcdKe: { secure: unknown } } } }>(
      `/cloudapi/1.0.0/entities/${entityId}`,
    );
    assert.notDeepEqual(plain.body.entity.spec.vcdKe.secure, { apiToken: 'the-owners-token' });
  });
});
