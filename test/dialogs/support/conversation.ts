import { cardId } from '../../../src/cards/render';
import { SANDBOX_USERS, type SandboxUser } from '../../../src/sandboxUsers';
import { BOT_ID, TENANT_ID, textsOf } from '../../support/bot';
import { actionsIn } from '../../support/cardTemplates';
import { sentId, waitForUpdate, type ProtectBot } from './protectBot';

/** A value of a card input, given literally or read off the card being clicked (e.g. a choice's value by its title). */
export type InputValue = string | number | ((card: any) => string);

/** What a step expects of the bot's answer: the card by id and verbs, texts, or a message. */
export interface Expect {
  card?: string;
  /** Verbs the card's actions must include. */
  verbs?: string[];
  /** Verbs the card must not carry. */
  noVerbs?: string[];
  /** Matched against the card's texts (and facts) or the message text. */
  text?: RegExp | RegExp[];
  /** Matched against nothing the card says (e.g. a choice that must not be offered). */
  noText?: RegExp | RegExp[];
  /** A plain message (no card), e.g. a refusal. */
  message?: RegExp;
}

interface Who {
  /** Default: the operator. */
  as?: SandboxUser;
  /** Conversation id suffix; default: the case's own conversation. */
  in?: string;
  locale?: string;
}

export type Step =
  | ({ say: string; expect: Expect; save?: string } & Who)
  | ({ click: string; inputs?: Record<string, InputValue>; on?: string; expect: Expect; save?: string } & Who)
  /** Waits for the last clicked card to be updated in place (long work after the reply). */
  | { updated: Expect & { card: string }; until?: RegExp };

export interface Case {
  name: string;
  /** Changes to the sandbox world before the steps (extra residents). */
  given?: (bot: ProtectBot) => void;
  steps: Step[];
  /** Checks on the sandbox's Azure state (and the store) once the steps ran. */
  then?: (bot: ProtectBot) => void | Promise<void>;
}

/** The value of the choice whose title starts with `name` (VMs, vaults and policies are offered by name first). */
export const choose =
  (...names: string[]) =>
  (card: any): string => {
    const choices: { title: string; value: string }[] = choiceSet(card)?.choices ?? [];
    const values = names.map((n) => choices.find((c) => c.title.startsWith(n))?.value);
    if (values.some((v) => !v))
      throw new Error(`No choice ${names} on ${cardId(card)}: ${choices.map((c) => c.title)}`);
    return values.join(',');
  };

/** The value an input shows on the card (what a client sends back when the user leaves it as it is). */
export const shown =
  (id: string) =>
  (card: any): string => {
    let value: unknown;
    const walk = (n: any) => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        if (typeof n.type === 'string' && n.type.startsWith('Input.') && n.id === id) value = n.value;
        Object.values(n).forEach(walk);
      }
    };
    walk(card);
    if (value === undefined) throw new Error(`No input ${id} on ${cardId(card)}`);
    return String(value);
  };

export function choiceSet(card: any): any {
  const found: any[] = [];
  const walk = (n: any) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      if (n.type === 'Input.ChoiceSet' && n.id === 'choice') found.push(n);
      Object.values(n).forEach(walk);
    }
  };
  walk(card);
  return found[0];
}

/** Every text a user reads on a card: TextBlocks, fact titles and values, choice titles, button titles. */
export function cardTexts(card: any): string[] {
  const out = [...textsOf(card)];
  const walk = (n: any) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      if (n.type === 'FactSet') for (const f of n.facts ?? []) out.push(`${f.title}: ${f.value}`);
      if (n.type === 'Input.ChoiceSet') for (const c of n.choices ?? []) out.push(c.title);
      if (typeof n.type === 'string' && n.type.startsWith('Input.') && n.label) out.push(n.label);
      if (typeof n.type === 'string' && n.type.startsWith('Action.') && n.title) out.push(n.title);
      Object.values(n).forEach(walk);
    }
  };
  walk(card);
  return out;
}

const verbsOf = (card: any): string[] => actionsIn(card).map((a) => String(a.verb));

/**
 * Plays one case: messages typed and card buttons clicked as a Teams client sends them (an Action.Execute carries the
 * clicked action's data with the card's inputs merged in, and the id of the card's message). Each answer is checked
 * by card id, verbs and texts; the card a click returns replaces the clicked one, as in Teams.
 */
export async function play(bot: ProtectBot, c: Case, caseId: string): Promise<void> {
  const saved = new Map<string, { card: any; activityId: string; conversation: string }>();
  type Shown = { card: any; activityId: string; conversation: string };
  // What each user sees: a click's answer replaces the clicked card for the clicking user only (as in Teams).
  const seenBy = new Map<string, Shown>();
  let last: Shown | undefined;
  const show = (userId: string, answer: Shown) => {
    seenBy.set(userId, answer);
    last = answer;
  };
  let n = 0;
  c.given?.(bot);
  for (const step of c.steps) {
    n++;
    const where = `${c.name}, step ${n}`;
    if ('updated' in step) {
      if (!last) throw new Error(`${where}: no card to wait for`);
      const want = step.updated;
      const card = await waitForUpdate(
        bot,
        last.activityId,
        (x) => cardId(x) === `card.${want.card}` && (!step.until || cardTexts(x).some((s) => step.until!.test(s))),
      );
      guard(bot, where, card);
      check(where, { card }, want);
      const updatedId = last.activityId;
      for (const [u, seen] of seenBy) if (seen.activityId === updatedId) seenBy.set(u, { ...seen, card });
      last = { ...last, card };
      continue;
    }
    const user = step.as ?? SANDBOX_USERS.operator;
    const conversation = `${caseId}${step.in ? `-${step.in}` : ''}`;
    const base = activity(user, conversation, step.locale);
    if ('say' in step) {
      const res = await bot.post({ ...base, type: 'message', text: step.say, textFormat: 'plain' });
      if (res.status >= 300) throw new Error(`${where}: HTTP ${res.status}`);
      // What this turn posted into this conversation: a run of an earlier case may edit or post its own cards
      // into its own conversation while this request is in flight.
      const mine = res.sent.filter((s) => s.method === 'POST' && s.conversationId === conversation);
      const cards = mine.filter((s) => s.activity.attachments?.length);
      const message = mine
        .map((s) => s.activity.text)
        .filter(Boolean)
        .join('\n');
      const sent = cards[cards.length - 1];
      const answer = sent
        ? { card: sent.activity.attachments[0].content, activityId: sentId(sent.index), conversation }
        : undefined;
      guard(bot, where, answer?.card);
      check(where, { card: answer?.card, message }, step.expect);
      if (answer) show(user.id, answer);
    } else {
      const target = step.on ? saved.get(step.on) : (seenBy.get(user.id) ?? last);
      if (!target) throw new Error(`${where}: no card to click`);
      const action = actionsIn(target.card).find((a) => a.verb === step.click);
      const node = action ? at(target.card, action.at) : undefined;
      if (!node)
        throw new Error(`${where}: ${cardId(target.card)} has no ${step.click} action (${verbsOf(target.card)})`);
      const inputs = Object.fromEntries(
        Object.entries(step.inputs ?? {}).map(([k, v]) => [k, typeof v === 'function' ? v(target.card) : v]),
      );
      const data = { ...(node.data ?? {}), ...inputs };
      const res = await bot.post({
        ...base,
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: target.activityId,
        value: { action: { type: 'Action.Execute', verb: step.click, data }, trigger: 'manual' },
      });
      if (res.status !== 200) throw new Error(`${where}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      const body = res.body ?? {};
      const returned = body.type === 'application/vnd.microsoft.card.adaptive' ? body.value : undefined;
      const posted = res.sent
        .filter((s) => s.method === 'POST' && s.conversationId === conversation && s.activity.attachments?.length)
        .pop();
      // A start button posts its flow as a new message; anything else replaces the clicked card.
      const answer = posted
        ? { card: posted.activity.attachments[0].content, activityId: sentId(posted.index), conversation }
        : returned
          ? { card: returned, activityId: target.activityId, conversation }
          : undefined;
      guard(bot, where, answer?.card);
      check(where, { card: answer?.card, message: typeof body.value === 'string' ? body.value : '' }, step.expect);
      if (answer) show(user.id, answer);
    }
    const mine = seenBy.get(user.id);
    if (step.save && mine) saved.set(step.save, mine);
  }
  await c.then?.(bot);
}

function at(card: any, path: string): any {
  return path
    .replace(/^\$/, '')
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '')
    .reduce((node, key) => node?.[key], card);
}

/** Teams' conservative per-card budget (teams-patterns.md §3). */
const MAX_CARD_BYTES = 28 * 1024;

/** Every card the bot shows stays under the size budget and carries no key or secret material. */
function guard(bot: ProtectBot, where: string, card: any): void {
  if (!card) return;
  const json = JSON.stringify(card);
  if (Buffer.byteLength(json, 'utf8') >= MAX_CARD_BYTES) throw new Error(`${where}: ${cardId(card)} is over 28 KB`);
  const material = bot.world.keyVaults.flatMap((kv) => [...kv.keys, ...kv.secrets]).map((o) => o.value);
  if (material.some((v) => v && json.includes(v)))
    throw new Error(`${where}: ${cardId(card)} shows key or secret material`);
}

function check(where: string, got: { card?: any; message?: string }, want: Expect): void {
  const id = cardId(got.card);
  if (want.card && id !== `card.${want.card}`) {
    throw new Error(
      `${where}: expected card.${want.card}, got ${id ?? `no card (message: ${got.message})`}${got.card ? `: ${cardTexts(got.card).slice(0, 4).join(' | ')}` : ''}`,
    );
  }
  if (want.message && !want.message.test(got.message ?? ''))
    throw new Error(`${where}: message ${JSON.stringify(got.message)} does not match ${want.message}`);
  const verbs = got.card ? verbsOf(got.card) : [];
  const missing = (want.verbs ?? []).filter((v) => !verbs.includes(v));
  if (missing.length) throw new Error(`${where}: ${id} lacks verbs ${missing} (has ${verbs})`);
  const extra = (want.noVerbs ?? []).filter((v) => verbs.includes(v));
  if (extra.length) throw new Error(`${where}: ${id} should not offer ${extra}`);
  const texts = got.card ? cardTexts(got.card) : [got.message ?? ''];
  for (const re of [want.text ?? []].flat()) {
    if (!texts.some((s) => re.test(s)))
      throw new Error(`${where}: no text on ${id ?? 'the message'} matches ${re}:\n  ${texts.join('\n  ')}`);
  }
  for (const re of [want.noText ?? []].flat()) {
    const hit = texts.find((s) => re.test(s));
    if (hit) throw new Error(`${where}: ${id ?? 'the message'} says ${JSON.stringify(hit)}, matching ${re}`);
  }
}

function activity(user: SandboxUser, conversationId: string, locale = 'en-US'): Record<string, any> {
  return {
    id: `act-${Math.random().toString(36).slice(2)}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    locale,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: BOT_ID, name: 'ADE Backup' },
    conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID } },
  };
}
