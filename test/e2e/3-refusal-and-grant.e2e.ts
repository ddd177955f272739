import { JOB_MS } from './support/playground';
import { scenario } from './support/scenario';

const s = scenario('3-refusal-and-grant');

test('3. vm-bek-01 is refused with the documented resolution; vm-nogrant-01 is fixed from the grant button', async () => {
  const chat = s.operator;

  // BEK without KEK: the source document refuses it, and says how to get out of it.
  const refused = await s.step('type "enable backup vm-bek-01"', () =>
    chat.ask('enable backup vm-bek-01', 'flow.explain'),
  );
  await s.step('the card refuses BEK-only and gives the documented resolution', async () => {
    await refused.getByText('VMs encrypted with a BEK alone are not supported').waitFor();
    await refused
      .getByText(/Decrypt the VM, encrypt it again with both a BEK and a Key Encryption Key \(KEK\)/)
      .waitFor();
  });

  // vm-nogrant-01 is protected, but kv-ade-nogrant does not let Backup Management Service in: its backups fail.
  const check = await s.step('type "check vm-nogrant-01"', () => chat.ask('check vm-nogrant-01', 'check.result'));
  await s.step("the check finds Backup Management Service without access to the VM's key vault", () =>
    check.getByText(/Backup Management Service lacks access/).waitFor(),
  );
  const grant = await s.step('click "Grant key vault access"', () =>
    chat.clickFor(check, 'Grant key vault access', 'grantAccess.confirm'),
  );
  const granted = await s.step('the confirmation names kv-ade-nogrant; click "Grant access"', async () => {
    await grant
      .getByText(/kv-ade-nogrant/)
      .first()
      .waitFor();
    return chat.clickFor(grant, 'Grant access', 'grantAccess.result', JOB_MS);
  });
  await s.step('the result says access is granted and verified', async () => {
    await chat.cardShowing('grantAccess.result', 'Access granted on kv-ade-nogrant');
    await granted.getByText(/Verified: Backup Management Service can now read/).waitFor();
  });

  const retention = await s.step('click "Back up now" on the result card', () =>
    chat.clickFor(granted, 'Back up now', 'backupNow.retention'),
  );
  const confirm = await s.step('keep the proposed retention and click Next', () =>
    chat.clickFor(retention, 'Next', 'backupNow.confirm'),
  );
  await s.step('click "Back up now" on the confirmation', () =>
    chat.clickFor(confirm, 'Back up now', 'backupNow.progress'),
  );
  const completed = await s.step('the backup that used to fail completes', () =>
    chat.cardShowing('backupNow.progress', 'Backup completed', JOB_MS),
  );
  await s.finish(completed);
});
