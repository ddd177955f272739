import { JOB_MS } from './support/playground';
import { scenario } from './support/scenario';

const s = scenario('4-restore-approval');

// Two people, two Playgrounds: Alex Wilber (operator) asks, Megan Bowen (approver) decides. vm-db-01 is protected
// with daily recovery points; its key and secret are in kv-ade-policy.
test('4. restore vm-db-01: requested by the operator, approved by the approver, followed to the new VM', async () => {
  const operator = s.operator;
  const approver = await s.approver();
  // The approval card goes where an approver last talked to the bot: here, the approver's personal chat.
  await s.step('the approver types "help" in their Playground', () => approver.ask('help', 'help'));

  const point = await s.step('the operator types "restore vm-db-01"', () =>
    operator.ask('restore vm-db-01', 'restore.point'),
  );
  const target = await s.step('keep the newest recovery point and click Next', () =>
    operator.clickFor(point, 'Next', 'restore.target'),
  );
  const plan = await s.step('the pre-checks pass; choose staging, rg-restore and snet-restore, then Next', async () => {
    await target.getByText(/Key vault kv-ade-policy exists/).waitFor();
    await operator.select(target, /Staging storage account/, /^stagingeastasia01/);
    await operator.select(target, /Target resource group/, /^rg-restore \(/);
    await operator.select(target, /Virtual network and subnet/, /snet-restore/);
    return operator.clickFor(target, 'Next', 'restore.plan');
  });
  const request = await s.step('the plan lists the steps; click "Request approval"', async () => {
    await plan.getByText('What will happen', { exact: true }).waitFor();
    await plan.getByText(/Delete the staged files from stagingeastasia01/).waitFor();
    return operator.clickFor(plan, 'Request approval', 'approval.request');
  });
  await s.step("the operator's card waits for approval", () => request.getByText('Waiting for approval').waitFor());

  const card = await s.step("the approval card appears in the approver's Playground", async () => {
    const shown = await approver.cardShowing('approval.request', 'Restore request: vm-db-01');
    await shown.getByText(/Requested by Alex Wilber/).waitFor();
    return shown;
  });
  await s.snapshot('approval-card', card);
  await s.step('the approver clicks Approve', () => approver.click(card, 'Approve'));
  const restored = await s.step("the approver's card follows the restore to the new VM", async () => {
    await approver.cardShowing('approval.request', /Approved by Megan Bowen/);
    return approver.cardShowing('approval.request', /is ready in rg-restore/, JOB_MS * 2);
  });
  const requesterView = await s.step("the operator's card shows the new VM too", () =>
    operator.cardShowing('approval.request', /is ready in rg-restore/, JOB_MS),
  );
  await s.step('"check" on the new VM finds it in rg-restore', async () => {
    const text = await restored.innerText();
    const vm = /(\S+) is ready in rg-restore/.exec(text)?.[1];
    if (!vm) throw new Error(`no VM name on the card: ${text}`);
    const check = await operator.ask(`check ${vm}`, 'check.result');
    await check.getByText(/Resource Manager VM/).waitFor();
    await check.getByText(/BEK and KEK/).waitFor();
  });
  await s.finish(requesterView);
});
