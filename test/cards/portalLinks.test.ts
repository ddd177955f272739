import { renderCard } from '../../src/cards/render';
import { backupJobsUrl, portalLinks, portalUrl, setPortalScope } from '../../src/cards/portal';
import { cardNames, hasSample, readSample } from '../support/cardTemplates';
import {
  namedResources,
  openUrls,
  restoredVmNames,
  showsJobId,
  visibleText,
  worldResources,
} from '../support/portalLinks';

const TENANT = '11111111-1111-4111-8111-111111111111';
const SUB = '22222222-2222-4222-8222-222222222222';

/**
 * Cards that name many resources as choices or rows (pickers, lists, the audit trail): a link per row would bury the
 * card under buttons (Teams folds an ActionSet past a handful), so they link only what the card is about, if anything.
 * Each entry says why; every other card must link every resource it names.
 */
const LIST_CARDS: Record<string, string> = {
  audit: 'one row per entry; the entries name many VMs and vaults',
  'enableBackup.vms': 'a picker of VMs',
  'enableBackup.confirm': 'one row per chosen VM (up to 50); links the vault and the first VMs only',
  'enableBackup.precheck': 'one row per chosen VM; links the vault and the first VMs only',
  'enableBackup.result': 'one row per VM; links the vault and the first VMs only',
  'notify.digest': 'a storm summary: the worst VMs across vaults; links each vault only',
  'notify.subscriptions': 'a list of subscribed vaults',
  'notify.vaults': 'a picker of vaults',
  'jobs.vault': 'a picker of vaults',
  'jobs.list': 'a picker of jobs (each job names its VM); links the vault and its jobs blade',
  'backupNow.vm': 'a picker of VMs',
  'check.vm': 'a picker of VMs',
  'restore.vm': 'a picker of VMs',
  'restore.target': 'pickers of resource group, subnet and staging account',
  'grantAccess.target': 'a picker of key vaults',
  'enableBackup.vault': 'a picker of vaults',
  'posture.report': 'one line per finding across many VMs, each with its fix button',
  'rehearsal.list': 'one line per protected VM with its last rehearsal, and the standing rehearsals',
};

describe('portal links', () => {
  afterEach(() => setPortalScope({}));

  it('open a resource in its tenant, and a vault on its Backup jobs blade', () => {
    setPortalScope({ tenantId: TENANT, subscriptionId: SUB });
    const vault = `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod-eastasia`;
    expect(portalUrl(vault)).toBe(`https://portal.azure.com/#@${TENANT}/resource${vault}`);
    expect(backupJobsUrl(vault)).toBe(`https://portal.azure.com/#@${TENANT}/resource${vault}/backupJobs`);
  });

  it('are titled in the reader’s language, skip unknown ids and never repeat', () => {
    setPortalScope({ tenantId: TENANT });
    const id = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-web-01`;
    const en = portalLinks('en', [{ kind: 'vm', id, name: 'vm-web-01' }, { kind: 'vm', id }, { kind: 'vault' }]);
    expect(en).toEqual([{ title: 'VM vm-web-01 in the portal', url: portalUrl(id) }]);
    expect(portalLinks('zh-TW', [{ kind: 'vm', id, name: 'vm-web-01' }])[0].title).toBe(
      '在 Azure 入口網站開啟 VM vm-web-01',
    );
  });
});

describe('every card that names a resource offers its portal link', () => {
  const world = worldResources();
  for (const name of cardNames().filter(hasSample)) {
    const card = () => renderCard(name, readSample(name));
    if (LIST_CARDS[name]) {
      it(`cards/${name}.json (a list: ${LIST_CARDS[name]}) links only to portal pages of resources`, () => {
        for (const link of openUrls(card()))
          expect(link.url).toMatch(/^https:\/\/portal\.azure\.com\/#@[^/]+\/resource\//);
      });
      continue;
    }
    it(`cards/${name}.json`, () => {
      const expanded = card();
      const texts = visibleText(expanded.body);
      const urls = openUrls(expanded).map((l) => l.url.toLowerCase());
      const missing: string[] = [];
      for (const r of namedResources(texts, world)) {
        const want = `https://portal.azure.com/#@${TENANT}/resource${r.id}`.toLowerCase();
        if (!urls.includes(want)) missing.push(`${r.kind} ${r.name} (${want})`);
      }
      for (const vm of restoredVmNames(texts)) {
        if (!urls.some((u) => u.endsWith(`/providers/microsoft.compute/virtualmachines/${vm.toLowerCase()}`)))
          missing.push(`restored VM ${vm}`);
      }
      if (showsJobId(expanded) && !urls.some((u) => u.endsWith('/backupjobs'))) missing.push('the Backup jobs blade');
      expect(missing).toEqual([]);
    });
  }
});
