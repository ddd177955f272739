import { t, type Locale } from '../../i18n';
import type { Choice, ChoiceList, Input } from './types';

/** Teams renders long choice sets poorly and cards have a size budget: past this, a filter and pages. */
export const PAGE_SIZE = 20;

export function choiceList(items: Choice[], options: { multi?: boolean; selected?: string[] } = {}): ChoiceList {
  const offered = new Set(items.map((i) => i.value));
  return {
    items,
    multi: options.multi ?? false,
    page: 0,
    filter: '',
    selected: (options.selected ?? []).filter((v) => offered.has(v)),
  };
}

/** A server-paged list: `items` is page 0 of what matches `filter`, `total` how many match. */
export function remoteChoiceList(items: Choice[], total: number, options: { multi?: boolean } = {}): ChoiceList {
  return { items, multi: options.multi ?? false, page: 0, filter: '', selected: [], remote: { total } };
}

/** For a server-paged list about to change page: the picks so far, as they were offered (this page's and earlier). */
export function chosenSoFar(before: ChoiceList, selected: string[]): Choice[] {
  const known = [...(before.remote?.chosen ?? []), ...before.items];
  return selected.flatMap((v) => known.find((c) => c.value === v) ?? []);
}

function visible(list: ChoiceList): Choice[] {
  if (list.remote) return list.items;
  const f = list.filter.trim().toLowerCase();
  return f
    ? list.items.filter((i) => i.title.toLowerCase().includes(f) || i.value.toLowerCase().includes(f))
    : list.items;
}

/** What a card shows of a list: the current page (after the filter), paging and the filter box when long. */
export function listView(list: ChoiceList, locale: Locale) {
  const shown = visible(list);
  const count = list.remote ? list.remote.total : shown.length;
  const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
  const page = Math.min(list.page, pages - 1);
  const choices = list.remote ? shown : shown.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const long = list.remote ? list.remote.total > PAGE_SIZE || !!list.filter : list.items.length > PAGE_SIZE;
  return {
    choices,
    multi: list.multi,
    value: list.selected.join(','),
    filterable: long,
    filter: list.filter,
    filterLabel: t(locale, 'flow.list.filter'),
    filterButton: t(locale, 'flow.list.apply'),
    paged: pages > 1,
    pageText: t(locale, 'flow.list.page', { page: page + 1, pages, count }),
    hasPrev: page > 0,
    hasNext: page < pages - 1,
    prevPage: page - 1,
    nextPage: page + 1,
    prevLabel: t(locale, 'flow.list.prev'),
    nextLabel: t(locale, 'flow.list.next'),
    empty: choices.length === 0,
    emptyText: t(locale, list.filter ? 'flow.list.noMatch' : 'flow.list.empty'),
    selectedText:
      list.multi && list.selected.length ? t(locale, 'flow.list.selected', { count: list.selected.length }) : '',
  };
}

/** Values the card sent for its choice set (`choice`): one, or several comma-separated (multi-select). */
function submitted(input: Input): string[] {
  const raw = input.choice;
  if (typeof raw !== 'string') return [];
  return raw
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * The multi-select picks after a card action: what was picked on other pages stays, the current page's picks are
 * replaced by what the card sent. Undefined when a value was not offered on the current page (a forged card).
 */
export function mergeSelection(list: ChoiceList, input: Input): string[] | undefined {
  const sent = submitted(input);
  if (!list.multi) {
    if (sent.length === 0) return list.selected;
    return sent.length === 1 && list.items.some((i) => i.value === sent[0]) ? sent : undefined;
  }
  const shown = new Set(listPage(list).map((c) => c.value));
  if (sent.some((v) => !shown.has(v) && !list.selected.includes(v))) return undefined;
  return [...list.selected.filter((v) => !shown.has(v)), ...sent.filter((v, i) => sent.indexOf(v) === i)];
}

function listPage(list: ChoiceList): Choice[] {
  const shown = visible(list);
  if (list.remote) return shown;
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const page = Math.min(list.page, pages - 1);
  return shown.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
}

/** The list moved to another page or filtered (flow.page), keeping the picks. Undefined for a forged selection. */
export function turnPage(list: ChoiceList, input: Input): ChoiceList | undefined {
  const selected = mergeSelection(list, input);
  if (!selected) return undefined;
  const filter = typeof input.filter === 'string' ? input.filter.slice(0, 100) : list.filter;
  const page = filter !== list.filter ? 0 : Math.max(0, Math.floor(Number(input.page) || 0));
  return { ...list, selected, filter, page };
}

/** The offered choices the card's selection names (all must have been offered), or undefined. */
export function picked(list: ChoiceList, input: Input): Choice[] | undefined {
  const selected = mergeSelection(list, input);
  if (!selected) return undefined;
  const known = [...list.items, ...(list.remote?.chosen ?? [])];
  return selected.map((v) => known.find((i) => i.value === v)!);
}
