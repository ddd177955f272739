import { scenario } from './support/scenario';

const s = scenario('6-language');

// The Playground always sends en-US, so the language command is the way into Traditional Chinese.
test('6. language zh-TW: then help and a flow answer in Traditional Chinese', async () => {
  const chat = s.operator;
  const language = await s.step('type "language"', () => chat.ask('language', 'language'));
  await s.step('click 繁體中文 on the language card', async () => {
    await chat.click(language, '繁體中文');
    await chat.cardShowing('language', '完成：從現在起我會以繁體中文回覆您。');
  });

  const help = await s.step('type "help"', () => chat.ask('help', 'help'));
  await s.step('the help card is in Traditional Chinese', async () => {
    await help.getByText('我能做什麼', { exact: true }).waitFor();
    await help.getByText('顯示此清單。', { exact: true }).waitFor();
  });

  const vault = await s.step('type "enable backup vm-web-01"', () =>
    chat.ask('enable backup vm-web-01', 'enableBackup.vault'),
  );
  await s.step('the enable-backup flow asks for the vault in Traditional Chinese', async () => {
    await vault.getByText('啟用備份', { exact: true }).waitFor();
    await vault.getByText(/只有位於 VM 所在區域/).waitFor();
  });
  await s.step('click 下一步: the next question is in Traditional Chinese too', async () => {
    const policy = await chat.clickFor(vault, '下一步', 'enableBackup.policy');
    await policy.getByText(/要使用哪個備份原則/).waitFor();
    await chat.click(policy, '取消');
  });

  await s.step('type "language en" to go back to English', async () => {
    const back = await chat.ask('language en', 'language');
    await back.getByText(/from now on I reply to you in English/).waitFor();
  });
  await s.finish(help);
});
