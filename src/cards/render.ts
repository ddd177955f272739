import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';

/** Card templates live in /cards as `<name>.json`, with sample data in /cards/samples/<name>.json (for the validation test). */
export const CARDS_DIR = path.resolve(__dirname, '../../cards');

export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard'; body?: Record<string, unknown>[] };

const templates = new Map<string, ACData.Template>();

/**
 * Expands `cards/<name>.json` with `data` (adaptivecards-templating). Cards identify themselves by the id of their
 * first body element, `card.<name>` (an Adaptive Card root has no id of its own); tests assert on that id and on verbs.
 * User-supplied strings are never re-evaluated as template expressions.
 */
export function renderCard(name: string, data: object): AdaptiveCardJson {
  let template = templates.get(name);
  if (!template) {
    const json = JSON.parse(readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8'));
    template = new ACData.Template(json);
    templates.set(name, template);
  }
  return template.expand({ $root: data }) as AdaptiveCardJson;
}

/** The id a card carries (`card.<name>`), or undefined. */
export function cardId(card: unknown): string | undefined {
  const body = (card as AdaptiveCardJson | undefined)?.body;
  const id = Array.isArray(body) ? body[0]?.id : undefined;
  return typeof id === 'string' ? id : undefined;
}
