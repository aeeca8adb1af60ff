/** The one way `cse install` registers an RDE interface: created where absent, left as it is otherwise. */
import { interfaceId, type RdeInterfaceDefinition } from '../../behaviours/index.ts';
import type { VcdClient } from '../vcd/client.ts';
import { createInterface, getInterface } from '../vcd/rde.ts';
import type { InstallReport } from './report.ts';

export async function ensureInterface(
  vcd: VcdClient,
  definition: RdeInterfaceDefinition,
  report: InstallReport,
): Promise<void> {
  const id = interfaceId(definition);
  if (await getInterface(vcd, id)) report.record(`RDE interface ${id}`, 'unchanged');
  else {
    await createInterface(vcd, definition);
    report.record(`RDE interface ${id}`, 'created');
  }
}
