/**
 * The card verb vocabulary: every `verb` of an Action.Execute and every `data.verb` of an Action.Submit in cards/.
 * test/cards/verbs.test.ts keeps it honest both ways: every verb a card uses is listed here, and every verb listed here
 * is used by a card and has a route in src/bot/routes.ts. Add a verb here, in its flow's group, when a card gains one.
 */
export const VERBS = [
  // language
  'language.set',
] as const;

export type Verb = (typeof VERBS)[number];

export function isVerb(value: unknown): value is Verb {
  return typeof value === 'string' && (VERBS as readonly string[]).includes(value);
}
