import { scenario } from './support/scenario';

const s = scenario('1-help');

test('1. help: typing "help" shows the help card with every command', async () => {
  const chat = s.operator;
  const card = await s.step('type "help"', () => chat.ask('help', 'help'));
  await s.step('the help card lists the commands', async () => {
    for (const usage of ['enable backup [vm]', 'backup now [vm]', 'restore [vm]', 'language [en | zh-TW]']) {
      await card.getByText(usage, { exact: true }).waitFor();
    }
  });
  await s.finish(card);
});
