import { scenario } from './support/scenario';

const s = scenario('1-help');

test('1. help: typing "help" shows the help card with every command', async () => {
  const chat = s.operator;
  const card = await s.step('type "help"', () => chat.ask('help', 'help'));
  await s.step('the help card lists the commands', async () => {
    await card.getByText('What I can do', { exact: true }).waitFor();
    const usages = [
      /^enable backup \[vm/,
      /^grant access \[/,
      /^backup now \[vm\]$/,
      /^restore \[vm\]$/,
      /^check \[vm\]$/,
    ];
    for (const usage of [...usages, /^subscribe \[vault\]$/, /^language \[en \| zh-TW\]$/, /^help$/]) {
      await card.getByText(usage).waitFor();
    }
  });
  await s.finish(card);
});
