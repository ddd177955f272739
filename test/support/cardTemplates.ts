import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import { CARDS_DIR } from '../../src/cards/render';

/** The vendored official Adaptive Card 1.5 schema (see cards/schema/README.md). */
export const SCHEMA_FILE = path.join(CARDS_DIR, 'schema', 'adaptive-card-1.5.json');
export const SAMPLES_DIR = path.join(CARDS_DIR, 'samples');

/** Every card template that exists now: cards/<name>.json (not the schema or samples folders). */
export function cardNames(): string[] {
  return readdirSync(CARDS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => entry.name.slice(0, -'.json'.length))
    .sort();
}

/** Names of cards/samples/<name>.json files. */
export function sampleNames(): string[] {
  if (!existsSync(SAMPLES_DIR)) return [];
  return readdirSync(SAMPLES_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

export function hasSample(name: string): boolean {
  return existsSync(path.join(SAMPLES_DIR, `${name}.json`));
}

export function readSample(name: string): object {
  return JSON.parse(readFileSync(path.join(SAMPLES_DIR, `${name}.json`), 'utf8')) as object;
}

export function readTemplate(name: string): unknown {
  return JSON.parse(readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8'));
}

export interface CardAction {
  type: 'Action.Execute' | 'Action.Submit';
  /** `verb` of an Action.Execute, `data.verb` of an Action.Submit (teams-ai's default actionSubmitFilter). */
  verb: unknown;
  /** JSON path of the action inside the card, for failure messages. */
  at: string;
}

/** Every Action.Execute / Action.Submit anywhere in a card: actions, ActionSets, selectAction, refresh, fallback. */
export function actionsIn(node: unknown, at = '$'): CardAction[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => actionsIn(item, `${at}[${i}]`));
  if (!node || typeof node !== 'object') return [];
  const obj = node as Record<string, unknown>;
  const found: CardAction[] = [];
  if (obj.type === 'Action.Execute') found.push({ type: obj.type, verb: obj.verb, at });
  if (obj.type === 'Action.Submit') {
    const data = obj.data as Record<string, unknown> | undefined;
    found.push({ type: obj.type, verb: data && typeof data === 'object' ? data.verb : undefined, at });
  }
  for (const [key, value] of Object.entries(obj)) found.push(...actionsIn(value, `${at}.${key}`));
  return found;
}

/** JSON paths of string values that still contain a `${` binding after expansion. */
export function unresolvedBindings(node: unknown, at = '$'): string[] {
  if (typeof node === 'string') return node.includes('${') ? [`${at}: ${node}`] : [];
  if (Array.isArray(node)) return node.flatMap((item, i) => unresolvedBindings(item, `${at}[${i}]`));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => [
    ...(key.includes('${') ? [`${at}: key ${key}`] : []),
    ...unresolvedBindings(value, `${at}.${key}`),
  ]);
}

let validator: ValidateFunction | undefined;

/**
 * An ajv validator for the vendored schema. The schema declares draft-06 but still names its id `id` (the draft-04
 * spelling ajv 8 refuses), so the in-memory copy renames it to `$id`; non-strict because the official schema carries
 * annotation keywords (`version`, `features`, `example`) ajv does not know.
 */
export function adaptiveCardValidator(): ValidateFunction {
  if (validator) return validator;
  const { id, ...schema } = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(draft06);
  addFormats(ajv);
  validator = ajv.compile({ ...schema, $id: id as string });
  return validator;
}

/**
 * ajv errors as short lines, deepest first, for failure messages. The schema tries every element type in turn (anyOf),
 * so the many `enum` misses on one `type` are merged into a single "must be one of" line.
 */
export function describeErrors(validate: ValidateFunction, limit = 8): string {
  const lines = new Map<string, Set<string>>();
  for (const e of validate.errors ?? []) {
    const where = e.instancePath || '/';
    const allowed = e.keyword === 'enum' ? (e.params as { allowedValues: unknown[] }).allowedValues : undefined;
    const key = allowed ? `${where} must be one of` : `${where} ${e.message ?? ''} ${JSON.stringify(e.params)}`;
    const values = lines.get(key) ?? new Set<string>();
    for (const value of allowed ?? []) values.add(String(value));
    lines.set(key, values);
  }
  return [...lines]
    .sort(([a], [b]) => b.split('/').length - a.split('/').length)
    .slice(0, limit)
    .map(([line, values]) => (values.size ? `${line} ${[...values].join(', ')}` : line))
    .join('\n');
}
