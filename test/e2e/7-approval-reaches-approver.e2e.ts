import { scenario } from './support/scenario';

const s = scenario('7-approval-reaches-approver');

// Issue 20, blocker 1: Alex Wilber asks for a restore before Megan Bowen has opened her Playground. Nobody types in
// Megan's Playground: opening it is enough for the bot to meet her (the Playground sends installationUpdate and
// conversationUpdate for her personal chat), and the waiting request reaches her at once. Alex's card says so.
test('7. a restore request reaches an approver who has not typed anything', async () => {
  const operator = s.operator;
  const point = await s.step('the operator types "restore vm-db-01"', () =>
    operator.ask('restore vm-db-01', 'restore.point'),
  );
  const target = await s.step('keep the newest recovery point and click Next', () =>
    operator.clickFor(point, 'Next', 'restore.target'),
  );
  const plan = await s.step('choose staging, rg-restore and snet-restore, then Next', async () => {
    await target.getByText(/Key vault kv-ade-policy exists/).waitFor();
    await operator.select(target, /Staging storage account/, /^stagingeastasia01/);
    await operator.select(target, /Target resource group/, /^rg-restore \(/);
    await operator.select(target, /Virtual network and subnet/, /snet-restore/);
    return operator.clickFor(target, 'Next', 'restore.plan');
  });
  const request = await s.step('click "Request approval"', () =>
    operator.clickFor(plan, 'Request approval', 'approval.request'),
  );
  await s.step("the operator's card says no approver has been reached yet", () =>
    request.getByText(/has not reached an approver/).waitFor(),
  );

  const approver = await s.approver();
  const card = await s.step(
    "the approval card appears in the approver's Playground without anyone typing",
    async () => {
      const shown = await approver.cardShowing('approval.request', 'Restore request: vm-db-01');
      await shown.getByText(/Requested by Alex Wilber/).waitFor();
      await shown.getByRole('button', { name: 'Approve', exact: true }).waitFor();
      return shown;
    },
  );
  await s.step('the approver never typed: no message of theirs is in the chat', async () => {
    const typed = await approver.page.locator('[data-lexical-editor="true"]', { hasText: /\S/ }).count();
    if (typed !== 0) throw new Error('the approver composer holds text');
  });
  const waiting = await s.step("the operator's card now says whom the request waits for", () =>
    operator.cardShowing('approval.request', /Waiting for Megan Bowen/).catch(async (err: Error) => {
      const now = await operator
        .cards('approval.request')
        .last()
        .innerText()
        .catch(() => '(none)');
      throw new Error(`${err.message}\nthe operator's card reads:\n${now}`);
    }),
  );
  await s.step('the operator card no longer says the request is stuck', async () => {
    const text = await waiting.innerText();
    if (/has not reached an approver/.test(text)) throw new Error(`still says it is stuck: ${text}`);
  });
  await s.snapshot('requester-card', waiting);
  await s.snapshot('approver-card', card);
  await s.step('the approver clicks Approve', () => approver.click(card, 'Approve'));
  await s.step("the approver's card shows the decision", () =>
    approver.cardShowing('approval.request', /Approved by Megan Bowen/),
  );
  await s.finish(card);
});
