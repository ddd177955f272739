import { JOB_MS } from './support/playground';
import { scenario } from './support/scenario';

const s = scenario('2-enable-backup');

// vm-web-01: Windows, BEK+KEK in kv-ade-policy (Backup already granted), unprotected, VM agent ready.
test('2. enable backup for vm-web-01: from the command to a completed first backup', async () => {
  const chat = s.operator;
  const vault = await s.step('type "enable backup vm-web-01"', () =>
    chat.ask('enable backup vm-web-01', 'enableBackup.vault'),
  );
  const policy = await s.step("choose the vault in the VM's region and click Next", async () => {
    await vault.getByText(/rsv-prod-sea/).waitFor({ state: 'detached' });
    await chat.choose(vault, /rsv-prod-eastasia/);
    return chat.clickFor(vault, 'Next', 'enableBackup.policy');
  });
  const precheck = await s.step('choose DefaultPolicy and click Next', async () => {
    await chat.choose(policy, /DefaultPolicy/);
    return chat.clickFor(policy, 'Next', 'enableBackup.precheck');
  });
  const confirm = await s.step('the pre-check finds vm-web-01 ready; click Next', async () => {
    await precheck.getByText('Ready.', { exact: true }).waitFor();
    return chat.clickFor(precheck, 'Next', 'enableBackup.confirm');
  });
  await s.step('the confirmation states the change; click "Enable backup for 1 VM"', async () => {
    await confirm.getByText(/Protect vm-web-01/).waitFor();
    return chat.clickFor(confirm, /^Enable backup for 1 VM/, 'enableBackup.result');
  });
  await s.step('the result card says backup is enabled and the VM agent is ready', async () => {
    await chat.cardShowing('enableBackup.result', 'Backup enabled', JOB_MS);
    await chat.cardShowing('enableBackup.result', /VM agent: ready/);
  });

  const retention = await s.step('click "Back up now" on the result card', async () => {
    const done = await chat.cardShowing('enableBackup.result', 'Backup enabled');
    return chat.clickFor(done, 'Back up now', 'backupNow.retention');
  });
  const backupConfirm = await s.step('keep the proposed retention and click Next', () =>
    chat.clickFor(retention, 'Next', 'backupNow.confirm'),
  );
  await s.step('click "Back up now" on the confirmation', () =>
    chat.clickFor(backupConfirm, 'Back up now', 'backupNow.progress'),
  );
  await s.step('the progress card follows the job to "Backup completed"', () =>
    chat.cardShowing('backupNow.progress', 'Backup completed', JOB_MS),
  );
  const check = await s.step('"check vm-web-01" passes: protected, its last backup completed', async () => {
    const card = await chat.ask('check vm-web-01', 'check.result');
    await card.getByText('Every check passed.', { exact: true }).waitFor();
    await card.getByText(/Yes, by rsv-prod-eastasia/).waitFor();
    await card.getByText(/^Completed /).waitFor();
    return card;
  });
  await s.finish(check);
});
