import { namePattern } from '../../api/cse-api';
import { listQueryOf } from './cluster-row';

describe('cluster list query', () => {
  it("turns the datagrid's state into the API's paging, sort and filters", () => {
    expect(
      listQueryOf(
        {
          page: { current: 3, size: 20 },
          sort: { by: 'createdAt', reverse: true },
          filters: [
            { property: 'name', value: 'Web' },
            { property: 'vdc', value: 'acme-vdc' },
          ],
        },
        'Ready',
      ),
    ).toEqual({
      page: 3,
      pageSize: 20,
      sort: { by: 'createdAt', reverse: true },
      name: 'Web',
      vdc: 'acme-vdc',
      phase: 'Ready',
    });
  });

  it('ignores sorting by a column the API cannot sort', () => {
    expect(listQueryOf({ sort: { by: 'owner', reverse: false } }, undefined).sort).toBeUndefined();
  });

  it('searches names by the part typed, in the characters a name can have', () => {
    expect(namePattern('Web_Prod')).toBe('*webprod*');
    expect(namePattern('  ')).toBe('');
  });
});
