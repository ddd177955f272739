import { JOB_MS } from './support/playground';
import { sandboxAdmin } from './support/sandboxAdmin';
import { scenario } from './support/scenario';

const s = scenario('5-failure-notification');

// vm-nogrant-01 is protected by rsv-prod-eastasia, but its key vault (kv-ade-nogrant) does not let Backup
// Management Service in: a scheduled backup fails with the key vault permission error, for the real reason.
test('5. a failed scheduled backup is posted to the subscribed channel, and its fix button works', async () => {
  const chat = s.operator;
  await s.step('open the "Backup alerts" channel', () => chat.openConversation('Backup Ops - Backup alerts'));
  await s.step('post "@ADE Backup subscribe rsv-prod-eastasia"', async () => {
    await chat.post('subscribe rsv-prod-eastasia');
    await chat.page
      .getByText(/failed backups of vault rsv-prod-eastasia will be posted here/)
      .last()
      .waitFor();
  });

  // Named, so that the failure has the key vault cause even if an earlier test granted the access (issue 20, point 9).
  await s.step('a scheduled backup of vm-nogrant-01 fails in the sandbox with the key vault error', () =>
    sandboxAdmin(s.stack.armUrl, '/_sandbox/backups/fail', {
      vm: 'vm-nogrant-01',
      error: 'UserErrorKeyVaultPermissionsNotConfigured',
    }),
  );
  const failure = await s.step('the failure card appears in the channel with the key vault fix', async () => {
    const card = await chat.cardShowing('notify.failure', 'Backup failed: vm-nogrant-01', JOB_MS);
    // A real job error names no key vault (AzureIaaSVMErrorInfo); the grant flow finds it from the VM.
    await card
      .getByText(/Azure Backup cannot read the key vault/)
      .first()
      .waitFor();
    return card;
  });
  await s.snapshot('failure-card', failure);

  const grant = await s.step('click "Grant key vault access" on the failure card', () =>
    chat.clickFor(failure, 'Grant key vault access', 'grantAccess.confirm'),
  );
  const granted = await s.step('click "Grant access" on the confirmation', () =>
    chat.clickFor(grant, 'Grant access', 'grantAccess.result', JOB_MS),
  );
  await s.step('the result says access is granted and verified', async () => {
    await chat.cardShowing('grantAccess.result', 'Access granted on kv-ade-nogrant');
    await granted.getByText(/Verified: Backup Management Service can now read/).waitFor();
  });
  await s.finish(granted);
});
