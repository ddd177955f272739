import { PROTECT_VERBS } from '../../src/bot/verbs';
import { VERBS } from '../../src/bot/verbs';
import { backupNowFlow } from '../../src/dialogs/backupNow';
import { checkFlow } from '../../src/dialogs/check';
import type { DialogDeps } from '../../src/dialogs/deps';
import { enableBackupFlow } from '../../src/dialogs/enableBackup';
import { grantAccessFlow } from '../../src/dialogs/grantAccess';
import { jobsFlow } from '../../src/dialogs/jobs';
import { actionsIn, cardNames, readTemplate } from '../support/cardTemplates';

// Every verb a flow step accepts is on that step's card, and every verb routed for the protect flows is accepted by
// some step or starts a flow: no handler that no card reaches, no button that no handler takes.
const deps = {} as DialogDeps;
const flows = [enableBackupFlow(deps), grantAccessFlow(deps), backupNowFlow(deps), checkFlow(deps), jobsFlow(deps)];
/** The card a step shows, where it is not `<flow>.<step>`. */
const CARD_OF: Record<string, string> = { 'enableBackup.grant': 'grantAccess.confirm' };
const START_VERBS = ['enableBackup.start', 'grantAccess.start', 'backupNow.start', 'check.start'];
const templateVerbs = (name: string) => new Set(actionsIn(readTemplate(name)).map((a) => String(a.verb)));

describe('protect flow verbs', () => {
  const steps = flows.flatMap((f) =>
    Object.entries(f.steps).map(([step, verbs]) => ({ key: `${f.name}.${step}`, verbs })),
  );

  it.each(steps.map((s) => [s.key, s] as const))('%s: its card carries every verb the step accepts', (_k, s) => {
    const card = CARD_OF[s.key] ?? s.key;
    expect(cardNames()).toContain(card);
    const onCard = templateVerbs(card);
    expect(s.verbs.filter((v) => !onCard.has(v))).toEqual([]);
    expect(onCard.has('flow.cancel')).toBe(true);
  });

  it('routes every verb a step accepts, and each routed verb is accepted by a step or starts a flow', () => {
    const accepted = new Set(steps.flatMap((s) => s.verbs));
    expect([...accepted].filter((v) => !(PROTECT_VERBS as readonly string[]).includes(v))).toEqual([]);
    const unreachable = PROTECT_VERBS.filter(
      (v) => v !== 'flow.cancel' && !accepted.has(v) && !START_VERBS.includes(v),
    );
    expect(unreachable).toEqual([]);
    expect(PROTECT_VERBS.filter((v) => !(VERBS as readonly string[]).includes(v))).toEqual([]);
  });

  it('start verbs are on the cards that offer a next flow or a fix', () => {
    const all = cardNames().map(templateVerbs);
    for (const verb of START_VERBS) expect(all.some((verbs) => verbs.has(verb))).toBe(true);
  });
});
