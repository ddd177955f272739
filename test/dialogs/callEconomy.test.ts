import { approverCard, press, walkToPlan } from '../bot/approvals/flow';
import { approver, operator, startRestoreBot, until, type RestoreBot } from '../bot/approvals/restoreBot';
import { choose, play, shown } from './support/conversation';
import { startProtectBot, type ProtectBot } from './support/protectBot';

/**
 * Issue 9: Azure throttles the subscription, so each flow makes the fewest Resource Manager requests the API allows.
 * Each case drives one complete flow through the real bot against the sandbox and counts what the sandbox served, by
 * route id, besides status polls (their number follows the operation's duration and the Retry-After Azure sends).
 * The budgets are the counts the flows make now; a route that is not in its budget, or more calls of one, is a
 * regression. A typed name is found with one Resource Graph query (issue 17), never by listing the VMs: the count does
 * not grow with the estate (test/azure/lookup.test.ts checks it at 100 and 10,000 VMs).
 */

type Counts = Record<string, number>;

/** Operation status and result reads, and job reads: polls (bench/scenarios/minimal.ts counts them apart too). */
const isPoll = (route: string) =>
  /(operationResults|operationStatuses|OperationResults|OperationStatuses|operations)\.get$|^jobDetails\.get$/.test(
    route,
  );

/** ARM requests since `mark` by route id, polls and Graph left out. */
function armCalls(bot: { azure: ProtectBot['azure'] }, mark: number): Counts {
  const counts: Counts = {};
  for (const r of bot.azure.sandbox.log.since(mark)) {
    const route = r.routeId ?? `${r.method} ${r.path}`;
    if (r.surface !== 'arm' || route.startsWith('directory.') || isPoll(route)) continue;
    counts[route] = (counts[route] ?? 0) + 1;
  }
  return counts;
}

const total = (c: Counts) => Object.values(c).reduce((a, n) => a + n, 0);

/** Every route within its budget, and no route the budget does not name. */
function expectWithin(calls: Counts, budget: Counts): void {
  const over = Object.entries(calls)
    .filter(([route, n]) => n > (budget[route] ?? 0))
    .map(([route, n]) => `${route} ${n} (budget ${budget[route] ?? 0})`);
  if (over.length) throw new Error(`Over budget: ${over.join(', ')}. All calls: ${JSON.stringify(calls)}`);
  expect(total(calls)).toBeLessThanOrEqual(total(budget));
}

const ENABLE: Counts = {
  // `enable backup vm-web-01`: the name (one Resource Graph query), the VM (model, OS disk, backup status), the
  // region's vaults
  'resourceGraph.resources': 1,
  'virtualMachines.get': 2,
  'disks.get': 2,
  'backupStatus.get': 2,
  'recoveryServices.vaults.listBySubscription': 1,
  // the vault chosen: its policies; the policy chosen: the pre-check reads the key vault's access
  'backupPolicies.list': 1,
  'keyVault.vaults.get': 1,
  // Confirm: the VM read again right before acting (counted above), discovery (the vault has not seen the VM), PUT
  'backupProtectableItems.list': 2,
  'protectionContainers.refresh': 1,
  'protectedItems.createOrUpdate': 1,
};

const BACKUP_NOW: Counts = {
  // `backup now vm-web-01`: the name (one Resource Graph query), Backup's status for it; Confirm: the status again,
  // the trigger
  'resourceGraph.resources': 1,
  'backupStatus.get': 2,
  'backups.trigger': 1,
};

const RESTORE: Counts = {
  // `restore vm-db-01`: the VM (one Resource Graph query for the name, model, OS disk, backup status), its recovery
  // points
  'resourceGraph.resources': 1,
  'virtualMachines.get': 5,
  'disks.get': 1,
  'backupStatus.get': 1,
  'recoveryPoints.list': 1,
  // the point chosen: key vault pre-check, the target choices; the target chosen: the bot's permissions on the
  // target group, the subnet's group and the key vault, and whether the new VM's name is taken (the 2nd VM read)
  'keyVault.vaults.get': 1,
  'storageAccounts.list': 1,
  'resourceGroups.list': 1,
  'virtualNetworks.listAll': 1,
  'authorization.permissions.list': 3,
  // ... and whether a NIC already has the new VM's NIC name (issue 15: a create never takes over a NIC)
  'networkInterfaces.get': 3,
  // approved: the run looks for a Restore job of the VM already there, restores the disks, builds the VM from the
  // plan through the compute API: re-checks the VM and NIC names right before creating (one read each), creates the
  // NIC and the VM with If-None-Match: * (each poller's final GET: the 3rd NIC read, the 4th VM read), pushes the
  // ADE extension (and the poller's final GET)
  'backupJobs.list': 1,
  'restores.trigger': 1,
  'networkInterfaces.createOrUpdate': 1,
  'virtualMachines.createOrUpdate': 1,
  'virtualMachineExtensions.createOrUpdate': 1,
  'virtualMachineExtensions.get': 1,
  // the trail (issue 18): the new VM read once for its NIC and disks (the 3rd VM read), then tags on the VM, the NIC, both disks
  'virtualMachines.update': 1,
  'networkInterfaces.updateTags': 1,
  'disks.update': 2,
};

describe('Azure call economy: ARM requests per completed flow', () => {
  let bot: ProtectBot;
  let restoreBot: RestoreBot;
  beforeAll(async () => {
    bot = await startProtectBot();
    // The same sandbox: one managed identity token for the whole file.
    restoreBot = await startRestoreBot({ azure: bot.azure });
    await restoreBot.say(approver, 'help'); // the approvers' conversation becomes known
  });
  afterAll(async () => {
    await restoreBot.close();
    await bot.close();
  });

  it('enable backup of a VM the vault has not discovered: at most 14 ARM requests besides polls', async () => {
    const turns = markTurns(bot);
    await play(
      bot,
      {
        name: 'enable',
        steps: [
          { say: 'enable backup vm-web-01', expect: { card: 'enableBackup.vault' } },
          {
            click: 'enableBackup.vault',
            inputs: { choice: choose('rsv-prod-eastasia') },
            expect: { card: 'enableBackup.policy' },
          },
          {
            click: 'enableBackup.policy',
            inputs: { choice: choose('DefaultPolicy') },
            expect: { card: 'enableBackup.precheck', text: /^Ready\.$/ },
          },
          { click: 'enableBackup.precheck', expect: { card: 'enableBackup.confirm' } },
          { click: 'enableBackup.confirm', expect: { card: 'enableBackup.result' } },
          { updated: { card: 'enableBackup.result' }, until: /^Backup enabled$/ },
        ],
      },
      'economy-enable',
    );
    expectWithin(armCalls(bot, turns[0]), ENABLE);
    // Confirm re-reads the VM (protection, encryption, region) once, right before acting, then enables it.
    const atConfirm = armCalls(bot, turns[4]);
    expect(atConfirm).toMatchObject({
      'virtualMachines.get': 1,
      'backupStatus.get': 1,
      'protectedItems.createOrUpdate': 1,
    });
    expect(bot.world.protectedItems.some((p) => p.vmName === 'vm-web-01')).toBe(true);
  });

  it('backup now of a protected VM: at most 4 ARM requests besides polls, its protection re-read at Confirm', async () => {
    const turns = markTurns(bot);
    await play(
      bot,
      {
        name: 'backup now',
        steps: [
          { say: 'backup now vm-web-01', expect: { card: 'backupNow.retention' } },
          {
            click: 'backupNow.retention',
            inputs: { retainUntil: shown('retainUntil') },
            expect: { card: 'backupNow.confirm' },
          },
          { click: 'backupNow.confirm', expect: { card: 'backupNow.progress' } },
          { updated: { card: 'backupNow.progress' }, until: /^Backup completed/ },
        ],
      },
      'economy-backup',
    );
    expectWithin(armCalls(bot, turns[0]), BACKUP_NOW);
    expect(armCalls(bot, turns[2])).toEqual({ 'backupStatus.get': 1, 'backups.trigger': 1 });
  });

  it('backup now: the re-read at Confirm is real: protection stopped since the question, nothing is triggered', async () => {
    const world = bot.world;
    const turns = markTurns(bot, (turn) => {
      // Between the retention date and Confirm, someone stops protection and deletes the backup data.
      if (turn === 2)
        world.protectedItems.splice(
          world.protectedItems.findIndex((p) => p.vmName === 'vm-softkey-01'),
          1,
        );
    });
    await play(
      bot,
      {
        name: 'backup now, protection gone',
        steps: [
          { say: 'backup now vm-softkey-01', expect: { card: 'backupNow.retention' } },
          {
            click: 'backupNow.retention',
            inputs: { retainUntil: shown('retainUntil') },
            expect: { card: 'backupNow.confirm' },
          },
          { click: 'backupNow.confirm', expect: { card: 'backupNow.progress' } },
          { updated: { card: 'backupNow.progress', text: /The VM is not protected/ } },
        ],
      },
      'economy-stopped',
    );
    expect(armCalls(bot, turns[2])).toEqual({ 'backupStatus.get': 1 });
    expect(
      world.jobs.filter(
        (j) => j.operation === 'Backup' && j.entityFriendlyName === 'vm-softkey-01' && j.isUserTriggered,
      ),
    ).toEqual([]);
  });

  it('restore with approval: at most 24 ARM requests besides polls (nothing listed per vault, no second storage list)', async () => {
    const mark = bot.azure.sandbox.log.mark();
    const { card: plan, messageId } = await walkToPlan(restoreBot, operator, 'vm-db-01', {
      vmName: 'vm-db-01-restored',
    });
    const requested = await press(restoreBot, operator, plan, 'restore.requestApproval', messageId);
    const requestId = requested.card?.actions.find((a: any) => a.verb === 'approval.cancel')?.data.requestId;
    const posted = approverCard(restoreBot)!;
    await press(restoreBot, approver, posted.card(), 'approval.approve', posted.messageId, {}, 'personal-user-id-1');
    const done = await until('the restore to end', async () => {
      const record = (await restoreBot.approvals()).find((a) => a.id === requestId);
      return record && ['succeeded', 'failed'].includes(record.status) ? record : undefined;
    });
    expect(done.status).toBe('succeeded');
    expectWithin(armCalls(bot, mark), RESTORE);
  });
});

/**
 * The request log's mark before each turn the bot is sent (a message or a card action), in order; `before(n)` runs
 * before the n-th turn (from 0), to change the world between two turns as someone in the portal would.
 */
function markTurns(bot: ProtectBot, before?: (turn: number) => void): number[] {
  const marks: number[] = [];
  const post = bot.post;
  bot.post = (activity) => {
    before?.(marks.length);
    marks.push(bot.azure.sandbox.log.mark());
    return post(activity);
  };
  return marks;
}
