/** Org VDC networks (`/cloudapi/1.0.0/orgVdcNetworks`): which gateway a network is routed through, its subnets. */
import type { VcdClient } from './client.ts';
import { eq } from './fiql.ts';
import { listAll } from './paging.ts';

export interface IpRange {
  startAddress: string;
  endAddress: string;
}

export interface OrgVdcNetwork {
  id: string;
  name: string;
  orgVdc?: { id: string; name?: string };
  networkType?: string;
  connection?: { routerRef: { id: string; name?: string }; connectionType?: string } | null;
  subnets?: { values: Array<{ gateway: string; prefixLength: number; ipRanges?: { values: IpRange[] } }> };
}

export function vdcNetworks(client: VcdClient, vdcId: string): Promise<OrgVdcNetwork[]> {
  return listAll<OrgVdcNetwork>(client, '/cloudapi/1.0.0/orgVdcNetworks', {
    // The owner filter VCD documents, as go-vcloud-director's Vdc.GetAllOpenApiOrgVdcNetworks uses it
    // (govcd/openapi_org_network.go); `_context` takes only `includeAccessible` there.
    filter: eq('ownerRef.id', vdcId),
  });
}

/** `10.10.1.1/24` from the network's first subnet (what the spec rules check pod/service ranges against). */
export function networkCidr(network: OrgVdcNetwork): string | undefined {
  const subnet = network.subnets?.values?.[0];
  return subnet ? `${subnet.gateway}/${subnet.prefixLength}` : undefined;
}
