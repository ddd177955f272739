import { renderCard } from '../../src/cards/render';
import { registeredVerbs } from '../../src/bot/routes';
import { VERBS } from '../../src/bot/verbs';
import { actionsIn, cardNames, hasSample, readSample, readTemplate } from '../support/cardTemplates';

// Style rule 8: card verbs form one typed vocabulary; every verb in cards/ has a route and every route has a card.

/** verb -> cards using it. Literal verbs of the raw templates (so `$when`-dropped branches count) plus expanded samples. */
function verbsInCards(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const add = (verb: unknown, card: string) => {
    if (typeof verb !== 'string' || verb.includes('${')) return;
    used.set(verb, [...new Set([...(used.get(verb) ?? []), card])]);
  };
  for (const name of cardNames()) {
    for (const action of actionsIn(readTemplate(name))) add(action.verb, name);
    if (hasSample(name)) for (const action of actionsIn(renderCard(name, readSample(name)))) add(action.verb, name);
  }
  return used;
}

describe('card verb vocabulary (src/bot/verbs.ts)', () => {
  const vocabulary: readonly string[] = VERBS;
  const used = verbsInCards();

  it('lists each verb once', () => {
    expect(vocabulary.filter((verb, i) => vocabulary.indexOf(verb) !== i)).toEqual([]);
  });

  it('holds every verb a card uses', () => {
    const missing = [...used]
      .filter(([verb]) => !vocabulary.includes(verb))
      .map(([verb, cards]) => `${verb} (${cards})`);
    expect(missing).toEqual([]);
  });

  it('holds no verb that no card uses', () => {
    expect(vocabulary.filter((verb) => !used.has(verb))).toEqual([]);
  });

  it('has exactly one route per verb (registeredVerbs() of src/bot/routes.ts)', () => {
    const registered = registeredVerbs();
    expect({
      verbsWithoutRoute: vocabulary.filter((verb) => !registered.includes(verb)),
      routesWithoutCardVerb: registered.filter((verb) => !vocabulary.includes(verb)),
      routedTwice: registered.filter((verb, i) => registered.indexOf(verb) !== i),
    }).toEqual({ verbsWithoutRoute: [], routesWithoutCardVerb: [], routedTwice: [] });
  });
});
