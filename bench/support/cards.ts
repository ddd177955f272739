/** Reading Adaptive Cards the way a person in Teams reads them: the buttons, the inputs, the words. */

export type Card = Record<string, any>;

export interface ExecuteAction {
  verb: string;
  title: string;
  data: Record<string, unknown>;
  /** On the card's action bar (the step's own buttons), rather than inside its body (per-row buttons). */
  topLevel: boolean;
  associatedInputs?: string;
}

export interface CardInput {
  id: string;
  type: string;
  value?: string;
  isMultiSelect?: boolean;
  choices?: { title: string; value: string }[];
}

export function cardOf(activity: Record<string, any> | undefined): Card | undefined {
  const attachment = activity?.attachments?.[0];
  return attachment?.contentType === 'application/vnd.microsoft.card.adaptive' ? attachment.content : undefined;
}

/** The id of the card's first body element (`card.<template>`, the project's convention). */
export const cardIdOf = (card: Card | undefined): string | undefined =>
  typeof card?.body?.[0]?.id === 'string' ? card.body[0].id : undefined;

export function actionsOf(card: Card | undefined): ExecuteAction[] {
  if (!card) return [];
  const out: ExecuteAction[] = [];
  const visit = (node: unknown, topLevel: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, topLevel));
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, any>;
    if (n.type === 'Action.Execute' && typeof n.verb === 'string') {
      out.push({
        verb: n.verb,
        title: String(n.title ?? ''),
        data: n.data ?? {},
        topLevel,
        associatedInputs: n.associatedInputs,
      });
      return;
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'refresh') visit(v, topLevel);
  };
  visit(card.actions ?? [], true);
  visit(card.body ?? [], false);
  return out;
}

export function inputsOf(card: Card | undefined): CardInput[] {
  const out: CardInput[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, any>;
    if (typeof n.type === 'string' && n.type.startsWith('Input.') && typeof n.id === 'string') {
      out.push({
        id: n.id,
        type: n.type,
        value: n.value === undefined ? undefined : String(n.value),
        isMultiSelect: n.isMultiSelect === true || n.isMultiSelect === 'true',
        choices: Array.isArray(n.choices)
          ? n.choices.map((c: any) => ({ title: String(c.title), value: String(c.value) }))
          : undefined,
      });
    }
    for (const v of Object.values(n)) visit(v);
  };
  visit(card?.body ?? []);
  return out;
}

/** Every TextBlock / FactSet text, for end-state checks. */
export function textsOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(textsOf);
  if (!node || typeof node !== 'object') return [];
  const n = node as Record<string, any>;
  const own =
    typeof n.text === 'string' ? [n.text] : n.type === 'Fact' || (n.title && n.value) ? [`${n.title} ${n.value}`] : [];
  return [...own, ...Object.entries(n).flatMap(([k, v]) => (k === 'text' ? [] : textsOf(v)))];
}

/** What a person would type or pick: each input's value, else the first choice; `pick` overrides per input. */
export function fillInputs(
  card: Card | undefined,
  pick?: (input: CardInput) => string | undefined,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const input of inputsOf(card)) {
    const chosen = pick?.(input) ?? (input.value || input.choices?.[0]?.value);
    if (chosen !== undefined) values[input.id] = chosen;
  }
  return values;
}

/** The card's facts (FactSet rows), title -> value. */
export function factsOf(card: Card | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, any>;
    if (n.type === 'FactSet' && Array.isArray(n.facts)) {
      for (const f of n.facts) out[String(f.title)] = String(f.value);
    }
    for (const v of Object.values(n)) visit(v);
  };
  visit(card?.body ?? []);
  return out;
}
