import type { CatalogueEntry } from '../types';

/**
 * Restore rehearsals (src/runs/rehearsalRun.ts): the checks of the restored VM, the isolated network, the clean-up.
 * The codes are the bot's own (a rehearsal's checks are not an Azure operation); the causes and resolutions follow
 * Microsoft's guest agent troubleshooting:
 * https://learn.microsoft.com/troubleshoot/azure/virtual-machines/windows/windows-azure-guest-agent (Windows) and
 * https://learn.microsoft.com/troubleshoot/azure/virtual-machines/linux/linux-azure-guest-agent (Linux), and the
 * restore docs' post-restore steps (https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms#post-restore-steps).
 */
export const rehearsalEntries: CatalogueEntry[] = [
  {
    code: 'RehearsalAgentNotReady',
    match: { codes: ['RehearsalAgentNotReady'], text: [/VM agent not ready after restore/i] },
    text: {
      en: {
        title: 'VM agent not ready after restore',
        cause:
          "A VM created from {vm}'s restored disks never reported its VM agent ready, so no extension (Azure Disk Encryption included) can run on it: a real restore of this recovery point would give a VM that cannot unlock its data disks.",
        resolution:
          "Check the VM agent on {vm} itself: the Windows Azure Guest Agent (or waagent on Linux) service must be installed, set to start automatically and able to reach 168.63.129.16; update it to the latest version. Then take a new backup and rehearse again. Microsoft's guide: https://learn.microsoft.com/troubleshoot/azure/virtual-machines/windows/windows-azure-guest-agent",
      },
      'zh-TW': {
        title: '還原後 VM 代理程式未就緒',
        cause:
          '從 {vm} 還原的磁碟所建立的 VM 一直未回報 VM 代理程式就緒，因此其上無法執行任何延伸模組 (包括 Azure 磁碟加密)：實際還原此復原點會得到一部無法解除鎖定資料磁碟的 VM。',
        resolution:
          '請檢查 {vm} 本身的 VM 代理程式：其服務必須已安裝、設為自動啟動，且能連線到 168.63.129.16；請更新到最新版本。然後觸發新的備份並再次演練。Microsoft 指南：https://learn.microsoft.com/troubleshoot/azure/virtual-machines/windows/windows-azure-guest-agent',
      },
    },
    fix: () => ({ kind: 'backupNow' }),
  },
  {
    code: 'RehearsalDisksNotEncrypted',
    match: { codes: ['RehearsalDisksNotEncrypted'] },
    text: {
      en: {
        title: 'The restored disks are not reported encrypted',
        cause:
          'The Azure Disk Encryption extension on the VM restored from {vm} did not report its volumes encrypted in time.',
        resolution:
          "Check that {keyVault} still holds the VM's key and secret and lets the bot deploy from it, then rehearse again.",
      },
      'zh-TW': {
        title: '還原的磁碟未回報為已加密',
        cause: '從 {vm} 還原的 VM 上的 Azure 磁碟加密延伸模組未在時限內回報其磁碟區已加密。',
        resolution: '請確認 {keyVault} 仍保有該 VM 的金鑰和祕密，且允許 Bot 從中部署，然後再次演練。',
      },
    },
  },
  {
    code: 'RehearsalVmNotProvisioned',
    match: { codes: ['RehearsalVmNotProvisioned'] },
    text: {
      en: {
        title: 'The restored VM did not finish provisioning',
        cause: 'The VM created from the restored disks of {vm} did not reach the Succeeded provisioning state in time.',
        resolution: "Look at the VM's activity log in the rehearsal resource group, then rehearse again.",
      },
      'zh-TW': {
        title: '還原的 VM 未完成佈建',
        cause: '從 {vm} 的還原磁碟所建立的 VM 未在時限內達到「成功」的佈建狀態。',
        resolution: '請查看演練資源群組中該 VM 的活動記錄，然後再次演練。',
      },
    },
  },
  {
    code: 'RehearsalNetworkNotIsolated',
    match: { codes: ['RehearsalNetworkNotIsolated', 'RehearsalNetworkMismatch'] },
    text: {
      en: {
        title: 'The rehearsal network is not isolated',
        cause:
          'Rehearsals run only in a virtual network with no peering that is tagged ade-backup-bot:purpose=rehearsal; the configured one is not.',
        resolution:
          'Point REHEARSAL_SUBNET at an unpeered virtual network made for rehearsals (tag it ade-backup-bot:purpose=rehearsal). Nothing was created.',
      },
      'zh-TW': {
        title: '演練網路未隔離',
        cause:
          '演練只會在沒有對等互連且標記為 ade-backup-bot:purpose=rehearsal 的虛擬網路中執行；目前設定的網路不符合。',
        resolution:
          '請將 REHEARSAL_SUBNET 指向專為演練建立、沒有對等互連的虛擬網路 (標記 ade-backup-bot:purpose=rehearsal)。未建立任何資源。',
      },
    },
  },
  {
    code: 'RehearsalCleanupIncomplete',
    match: { codes: ['RehearsalCleanupIncomplete'] },
    text: {
      en: {
        title: 'The rehearsal could not delete everything it made',
        cause: 'Clean-up was retried and still failed for some resources; they carry the rehearsal tag.',
        resolution:
          'Delete the listed resources in the rehearsal resource group (only those tagged ade-backup-bot:rehearsal with this run id).',
      },
      'zh-TW': {
        title: '演練無法刪除其建立的所有資源',
        cause: '清除已重試，但部分資源仍刪除失敗；這些資源帶有演練標籤。',
        resolution: '請刪除演練資源群組中列出的資源 (僅限標記 ade-backup-bot:rehearsal 且為此執行識別碼者)。',
      },
    },
  },
];
