/** The troubleshooting catalogue: every known failure, with cause, resolution and fix, in English and zh-TW. */
export { catalogue, catalogueEntry, explain, type ExplainContext } from './explain';
export type { CatalogueEntry, EntryText, Explanation, FixAction, Locale } from './types';
export { LOCALES } from './types';
