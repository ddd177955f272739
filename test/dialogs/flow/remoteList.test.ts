import { chosenSoFar, listView, picked, remoteChoiceList, turnPage } from '../../../src/dialogs/flow/list';

/**
 * A server-paged choice list (issue 17): the card shows the page the server gave, the page count follows the server's
 * total, and picks made on earlier pages are kept as they were offered, so Confirm knows what each one was.
 */
describe('server-paged choice list', () => {
  const page = (from: number) =>
    Array.from({ length: 20 }, (_, i) => ({ value: `id-${from + i}`, title: `vm-${from + i}` }));

  it('counts pages from the total, not from the page it holds, and shows the filter box', () => {
    const view = listView(remoteChoiceList(page(0), 10_000), 'en');
    expect(view.choices).toHaveLength(20);
    expect(view.pageText).toMatch(/1.*500/);
    expect(view.hasNext).toBe(true);
    expect(view.filterable).toBe(true);
  });

  it('keeps a pick from page 1 when page 2 is shown, and picked() names both', () => {
    const first = remoteChoiceList(page(0), 40, { multi: true });
    const moved = turnPage(first, { choice: 'id-3', page: 1 })!;
    expect(moved).toMatchObject({ page: 1, selected: ['id-3'] });
    // The runtime fetches page 2 and keeps what was chosen on page 1.
    const second = { ...moved, items: page(20), remote: { total: 40, chosen: chosenSoFar(first, moved.selected) } };
    expect(picked(second, { choice: 'id-25' })?.map((c) => c.title)).toEqual(['vm-3', 'vm-25']);
  });

  it('refuses a value the page did not offer', () => {
    const list = remoteChoiceList(page(0), 40);
    expect(picked(list, { choice: 'id-99' })).toBeUndefined();
  });
});
