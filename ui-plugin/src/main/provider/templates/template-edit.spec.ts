import { acme, globex, template } from '../../../testing/provider-fixtures';
import { changeOf, editFormOf, expiryProblem } from './template-edit';

const now = Date.parse('2026-06-15T12:00:00Z');

describe('template edit form', () => {
  it('starts from the template and sends nothing when nothing changes', () => {
    const chosen = template('v1.29.6', { publishedToAll: false, orgs: [globex, acme] });
    const form = editFormOf(chosen);
    expect(form).toEqual({
      lifecycle: 'supported',
      expiryDate: '',
      audience: 'chosen',
      orgs: ['acme', 'globex'],
    });
    expect(changeOf(chosen, { ...form, orgs: ['globex', 'acme'] })).toEqual({});
  });

  it('sends "all", a list of names, or [] to unpublish', () => {
    const chosen = template('v1.29.6', { publishedToAll: false, orgs: [acme] });
    const all = template('v1.28.11');
    expect(changeOf(chosen, { ...editFormOf(chosen), audience: 'all' })).toEqual({ orgs: 'all' });
    expect(changeOf(all, { ...editFormOf(all), audience: 'chosen', orgs: [] })).toEqual({ orgs: [] });
    expect(changeOf(chosen, { ...editFormOf(chosen), orgs: ['globex'] })).toEqual({ orgs: ['globex'] });
  });

  it('refuses a newly chosen date that is not in the future with the API words', () => {
    const t = template('v1.28.11');
    const problem = (expiryDate: string) => expiryProblem(t, { ...editFormOf(t), expiryDate }, now);
    expect(problem('2026-06-15')).toBe(
      'expiresAt 2026-06-15T00:00:00.000Z is in the past; give a future date, or set lifecycle to expired',
    );
    expect(problem('2026-06-16')).toBeNull();
    expect(problem('')).toBeNull();
  });

  it('points out a passed date kept while the lifecycle says the template is not expired', () => {
    const expired = template('v1.26.8', { lifecycle: 'expired', expiresAt: '2026-01-01T00:00:00.000Z' });
    const form = editFormOf(expired);
    expect(expiryProblem(expired, form, now)).toBeNull();
    expect(expiryProblem(expired, { ...form, lifecycle: 'supported' }, now)).toContain('stays expired');
    expect(changeOf(expired, { ...form, lifecycle: 'supported', expiryDate: '' })).toEqual({
      lifecycle: 'supported',
      expiresAt: null,
    });
  });
});
