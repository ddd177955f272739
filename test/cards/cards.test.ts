import { cardId, renderCard } from '../../src/cards/render';
import { isVerb } from '../../src/bot/verbs';
import {
  actionsIn,
  adaptiveCardValidator,
  cardNames,
  describeErrors,
  hasSample,
  readSample,
  sampleNames,
  unresolvedBindings,
} from '../support/cardTemplates';

// Every template in cards/ is expanded with its sample and checked the way Teams would receive it.
// Teams renders at most Adaptive Card 1.5; 28 KB is the conservative per-card budget (teams-patterns.md §3).
const MAX_CARD_BYTES = 28 * 1024;
const MAX_VERSION = [1, 5];

function versionAtMost(version: unknown, max: number[]): boolean {
  const match = typeof version === 'string' ? /^(\d+)\.(\d+)$/.exec(version) : null;
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major < max[0] || (major === max[0] && minor <= max[1]);
}

describe('the Adaptive Card 1.5 validator', () => {
  const validate = adaptiveCardValidator();
  const card = (body: unknown[], actions: unknown[] = []) => ({ type: 'AdaptiveCard', version: '1.5', body, actions });

  it('accepts a small card with Action.Execute, Action.Submit and an input', () => {
    const ok = card(
      [
        { type: 'TextBlock', id: 'card.test', text: 'Hello', wrap: true },
        { type: 'Input.Text', id: 'note', label: 'Note' },
      ],
      [
        { type: 'Action.Execute', title: 'Go', verb: 'test.go', data: { id: 1 } },
        { type: 'Action.Submit', title: 'Old client', data: { verb: 'test.go' } },
      ],
    );
    expect(validate(ok)).toBe(true);
  });

  it('rejects an element of an unknown type', () => {
    expect(validate(card([{ type: 'Carousel', id: 'card.test', pages: [] }]))).toBe(false);
  });

  it('rejects an input without an id and a misspelt property', () => {
    expect(validate(card([{ type: 'Input.Text', label: 'Note' }]))).toBe(false);
    expect(validate(card([{ type: 'TextBlock', text: 'x', wraps: true }]))).toBe(false);
  });
});

describe('card templates', () => {
  const names = cardNames();

  it('every sample belongs to a card template', () => {
    const orphans = sampleNames().filter((sample) => !names.includes(sample));
    expect(orphans).toEqual([]);
  });

  for (const name of names) {
    describe(`cards/${name}.json`, () => {
      it('has a sample', () => {
        if (!hasSample(name)) {
          throw new Error(
            `cards/${name}.json has no sample. Add cards/samples/${name}.json holding the data object its builder ` +
              `passes to renderCard('${name}', data), filled so that every binding resolves.`,
          );
        }
      });

      if (!hasSample(name)) return;
      const expanded = () => renderCard(name, readSample(name));

      it('expands to a valid Adaptive Card 1.5', () => {
        const validate = adaptiveCardValidator();
        const valid = validate(expanded());
        if (!valid)
          throw new Error(`cards/${name}.json with its sample is not a valid card:\n${describeErrors(validate)}`);
      });

      it('declares version 1.5 or lower', () => {
        const { version } = expanded();
        if (!versionAtMost(version, MAX_VERSION)) {
          throw new Error(`cards/${name}.json has version ${JSON.stringify(version)}; Teams renders at most "1.5"`);
        }
      });

      it('stays under 28 KB', () => {
        expect(Buffer.byteLength(JSON.stringify(expanded()), 'utf8')).toBeLessThan(MAX_CARD_BYTES);
      });

      it('leaves no ${...} binding unresolved', () => {
        expect(unresolvedBindings(expanded())).toEqual([]);
      });

      it(`identifies itself as card.${name}`, () => {
        expect(cardId(expanded())).toBe(`card.${name}`);
      });

      it('gives every Action.Execute / Action.Submit a verb from src/bot/verbs.ts', () => {
        const unknown = actionsIn(expanded())
          .filter((action) => !isVerb(action.verb))
          .map((action) => `${action.at} (${action.type}) verb ${JSON.stringify(action.verb)}`);
        expect(unknown).toEqual([]);
      });
    });
  }
});
