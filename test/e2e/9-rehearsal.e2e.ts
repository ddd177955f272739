import { JOB_MS } from './support/playground';
import { scenario } from './support/scenario';

const s = scenario('9-rehearsal');

// A restore rehearsal through the same approval as a restore: Alex Wilber (operator) asks, Megan Bowen (approver)
// approves; vm-db-01 is restored into the isolated rg-rehearsal network, checked, deleted, and the times reported.
test('9. rehearse vm-db-01: requested, approved, checked, cleaned up, with its recovery time', async () => {
  const operator = s.operator;
  const approver = await s.approver();
  await s.step('the approver types "help" in their Playground', () => approver.ask('help', 'help'));

  const plan = await s.step('the operator types "rehearse vm-db-01"', () =>
    operator.ask('rehearse vm-db-01', 'rehearsal.plan'),
  );
  const request = await s.step(
    'the plan states the isolated network and the clean-up; click "Request approval"',
    async () => {
      await plan
        .getByText(/isolated network vnet-rehearsal-eastasia/)
        .first()
        .waitFor();
      await plan.getByText(/Delete the VM, its NIC, its disks and the staged files/).waitFor();
      return operator.clickFor(plan, 'Request approval', 'approval.request');
    },
  );
  await s.step("the operator's card waits for approval", () => request.getByText('Waiting for approval').waitFor());

  const card = await s.step("the rehearsal's approval card appears in the approver's Playground", async () => {
    const shown = await approver.cardShowing('approval.request', 'Restore rehearsal request: vm-db-01');
    await shown.getByText(/deleted at the end, whatever the result/).waitFor();
    return shown;
  });
  await s.snapshot('approval-card', card);
  await s.step('the approver clicks Approve', () => approver.click(card, 'Approve'));
  await s.step("the approver's card follows the rehearsal to its result", () =>
    approver.cardShowing('approval.request', /Rehearsal passed: vm-db-01/, JOB_MS * 2),
  );
  const result = await s.step('the operator gets the result card with the measured times', async () => {
    const shown = await operator.cardShowing('rehearsal.result', /Rehearsal passed: vm-db-01/, JOB_MS);
    await shown.getByText(/total \(RTO\)/).waitFor();
    await shown.getByText(/Everything it created was deleted/).waitFor();
    return shown;
  });
  await s.snapshot('result-card', result);
  await s.step('"rehearsals" lists it', async () => {
    const list = await operator.ask('rehearsals rsv-prod-eastasia', 'rehearsal.list');
    await list
      .getByText(/vm-db-01/)
      .first()
      .waitFor();
  });
  await s.finish(result);
});
