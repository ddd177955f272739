import type { Locator } from 'playwright-core';
import { JOB_MS, type Playground } from './support/playground';
import { sandboxAdmin } from './support/sandboxAdmin';
import { scenario } from './support/scenario';

const s = scenario('8-ownership');

const subscribe = (chat: Playground) =>
  s.step(`${chat.who}: type "subscribe rsv-prod-eastasia" in the personal chat`, async () => {
    await chat.send('subscribe rsv-prod-eastasia');
    await chat.page
      .getByText(/failed backups of vault rsv-prod-eastasia will be posted here/)
      .last()
      .waitFor();
  });

const failureCard = (chat: Playground) =>
  s.step(`${chat.who}: the failure card of vm-nogrant-01 appears, with "I'm on it"`, async () => {
    const card = await chat.cardShowing('notify.failure', 'Backup failed: vm-nogrant-01', JOB_MS);
    await card.getByRole('button', { name: "I'm on it", exact: true }).waitFor();
    return card;
  });

const text = (card: Locator) => card.innerText().then((t) => t.replace(/\s+/g, ' '));

// Issue 18, ownership: an on-call team sees the same failure on many cards (here, Alex's and Megan's personal chats,
// both subscribed to rsv-prod-eastasia). Alex clicks "I'm on it" on his card; Megan's card, in her own Playground,
// then says Alex has it, and her own click is told who has it.
test('8. one person takes a failure, the other sees it taken on their own card', async () => {
  const alex = s.operator;
  const megan = await s.approver();
  await subscribe(alex);
  await subscribe(megan);

  // Named, so that the failure has the key vault cause whatever the world's schedule does.
  await s.step('a scheduled backup of vm-nogrant-01 fails in the sandbox with the key vault error', () =>
    sandboxAdmin(s.stack.armUrl, '/_sandbox/backups/fail', {
      vm: 'vm-nogrant-01',
      error: 'UserErrorKeyVaultPermissionsNotConfigured',
    }),
  );
  const alexCard = await failureCard(alex);
  const meganCard = await failureCard(megan);

  const taken = await s.step('Alex clicks "I\'m on it" on his card: it says he has it', async () => {
    await alex.click(alexCard, "I'm on it");
    return alex.cardShowing('notify.failure', /Taken by\s*:?\s*Alex Wilber/);
  });
  await s.step('Alex\'s card no longer offers "I\'m on it"', async () => {
    if ((await taken.getByRole('button', { name: "I'm on it", exact: true }).count()) !== 0)
      throw new Error(`the card still offers I'm on it: ${await text(taken)}`);
  });

  const seen = await s.step("Megan's card, in her own Playground, shows that Alex has it", () =>
    megan.cardShowing('notify.failure', /Taken by\s*:?\s*Alex Wilber/).catch(async (err: Error) => {
      throw new Error(`${err.message}\nMegan's card reads:\n${await text(meganCard).catch(() => '(none)')}`);
    }),
  );
  await s.step('Megan\'s card no longer offers "I\'m on it" either, and says nothing of her', async () => {
    if ((await seen.getByRole('button', { name: "I'm on it", exact: true }).count()) !== 0)
      throw new Error(`Megan's card still offers I'm on it: ${await text(seen)}`);
    if (/Megan Bowen/.test(await text(seen))) throw new Error(`Megan's card names her: ${await text(seen)}`);
    // Edited in place: still the one failure card in her chat, not a second post.
    const cards = await megan.cards('notify.failure').count();
    if (cards !== 1) throw new Error(`Megan's chat shows ${cards} failure cards`);
  });
  await s.snapshot('alex-card', taken);
  await s.finish(seen);
});
