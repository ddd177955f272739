import type { CatalogueEntry } from '../types';

/** Enabling backup and backup jobs: unsupported VMs, the VM agent, the VM's state, discovery. */
export const backupEntries: CatalogueEntry[] = [
  {
    code: 'ClassicVmNotSupported',
    match: { codes: ['ClassicVmNotSupported'] },
    text: {
      en: {
        title: 'Classic VMs are not supported',
        cause: '{vm} is a classic virtual machine. Backup of encrypted VMs is supported only for Resource Manager VMs.',
        resolution: 'Migrate the VM to Resource Manager, then enable backup.',
      },
      'zh-TW': {
        title: '不支援傳統虛擬機器',
        cause: '{vm} 是傳統虛擬機器。已加密的 VM 只有 Resource Manager VM 支援備份。',
        resolution: '請將 VM 移轉至 Resource Manager，然後啟用備份。',
      },
    },
  },
  {
    code: 'VmAgentNotReady',
    azureName: 'UserErrorGuestAgentStatusUnavailable',
    match: {
      codes: ['UserErrorGuestAgentStatusUnavailable', 'GuestAgentSnapshotTaskStatusError', 'VmAgentNotReady'],
      // backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout.md: "VM Agent unable to communicate with Azure
      // Backup" / "Could not communicate with the VM agent for snapshot status".
      text: [
        /(VM|guest) agent (is )?(not ready|unavailable|unable to communicate)/i,
        /communicate with the VM agent for snapshot status/i,
      ],
    },
    text: {
      en: {
        title: 'The VM agent is not ready',
        cause:
          "The VM Agent on {vm} is not reporting Ready, so Azure Backup cannot install its extension or take the VM's snapshot.",
        resolution:
          'Make sure the VM is running and the VM Agent service is started and up to date (restart it or reinstall it), then back up again.',
      },
      'zh-TW': {
        title: 'VM 代理程式尚未就緒',
        cause: '{vm} 上的 VM 代理程式未回報就緒，因此 Azure 備份無法安裝其延伸模組或建立 VM 的快照。',
        resolution: '請確認 VM 正在執行，且 VM 代理程式服務已啟動並為最新版本 (重新啟動或重新安裝)，然後再次觸發備份。',
      },
    },
    fix: () => ({ kind: 'retry' }),
  },
  {
    code: 'BackupOperationInProgress',
    azureName: 'UserErrorBackupOperationInProgress',
    match: {
      codes: ['UserErrorBackupOperationInProgress', 'BMSUserErrorBackupOperationInProgress'],
      // Same page: "Unable to initiate backup as another backup operation is currently in progress".
      text: [/another backup (job|operation) is (already |currently )?in progress/i],
    },
    text: {
      en: {
        title: 'Another backup is in progress',
        cause: 'A backup of {vm} is already running; Azure Backup runs one at a time per VM.',
        resolution: 'Wait for the running backup job to finish, then try again.',
      },
      'zh-TW': {
        title: '另一個備份正在進行中',
        cause: '{vm} 已有備份正在執行；Azure 備份每個 VM 一次只執行一個備份。',
        resolution: '請等候執行中的備份作業完成後再試一次。',
      },
    },
    fix: () => ({ kind: 'retry' }),
  },
  {
    code: 'VmNotInDesirableState',
    azureName: 'UserErrorVmNotInDesirableState',
    match: {
      codes: ['UserErrorVmNotInDesirableState', 'VmNotInDesirableState', 'UserErrorVmProvisioningStateFailed'],
      // backup-azure-vms-troubleshoot.md: "VM is not in a state that allows backups." / "The VM isn't in a state…".
      text: [/VM (is not|isn'?t) in a state that allows backups/i],
    },
    text: {
      en: {
        title: 'The VM is not in a state that allows backup',
        cause: '{vm} is stopped, deallocating or in a failed provisioning state.',
        resolution: 'Start the VM (or fix its failed provisioning state), then back up again.',
      },
      'zh-TW': {
        title: 'VM 目前的狀態無法備份',
        cause: '{vm} 已停止、正在解除配置，或佈建狀態為失敗。',
        resolution: '請啟動 VM (或修正其失敗的佈建狀態)，然後再次觸發備份。',
      },
    },
    fix: () => ({ kind: 'backupNow' }),
  },
  {
    code: 'ExtensionSnapshotFailedNoNetwork',
    azureName: 'ExtensionSnapshotFailedNoNetwork',
    match: {
      codes: ['ExtensionSnapshotFailedNoNetwork', 'ExtensionFailedTimeoutVMNetworkUnresponsive'],
      // snapshot-timeout page: "Snapshot operation failed due to no network connectivity on the virtual machine".
      text: [/snapshot operation failed due to no network connectivity/i],
    },
    text: {
      en: {
        title: 'The VM has no network connection for the snapshot',
        cause: 'The backup extension on {vm} could not reach Azure (no outbound connectivity), so the snapshot failed.',
        resolution:
          'Allow outbound traffic from the VM to Azure (network security groups, proxy, firewall), then back up again.',
      },
      'zh-TW': {
        title: 'VM 沒有可供快照使用的網路連線',
        cause: '{vm} 上的備份延伸模組無法連線至 Azure (沒有輸出連線)，因此快照失敗。',
        resolution: '請允許 VM 對 Azure 的輸出流量 (網路安全性群組、Proxy、防火牆)，然後再次觸發備份。',
      },
    },
    fix: () => ({ kind: 'backupNow' }),
  },
  {
    code: 'AlreadyProtectedByAnotherVault',
    match: {
      codes: ['AlreadyProtectedByAnotherVault'],
      text: [/already (been )?protected (by|in|with) (another|a different)/i],
    },
    text: {
      en: {
        title: 'The VM is already protected by another vault',
        cause: '{vm} is already backed up by {vault}; a VM can be protected by one Recovery Services vault only.',
        resolution: 'Keep using {vault}, or stop protection there first and then enable backup in the new vault.',
      },
      'zh-TW': {
        title: 'VM 已受另一個保存庫保護',
        cause: '{vm} 已由 {vault} 備份；一個 VM 只能受一個復原服務保存庫保護。',
        resolution: '請繼續使用 {vault}，或先在該處停止保護，再於新的保存庫啟用備份。',
      },
    },
  },
  {
    code: 'VaultRegionMismatch',
    match: { codes: ['VaultRegionMismatch'] },
    text: {
      en: {
        title: "The vault is not in the VM's region",
        cause:
          '{vm} is in {vmLocation} but {vault} is in {vaultLocation}; a VM is backed up to a vault in its own region.',
        resolution: 'Choose a Recovery Services vault in {vmLocation}.',
      },
      'zh-TW': {
        title: '保存庫與 VM 不在同一區域',
        cause: '{vm} 位於 {vmLocation}，但 {vault} 位於 {vaultLocation}；VM 必須備份至同一區域的保存庫。',
        resolution: '請選擇位於 {vmLocation} 的復原服務保存庫。',
      },
    },
    fix: (f) => ({ kind: 'chooseVault', location: f.vmLocation }),
  },
  {
    code: 'ProtectableItemNotFound',
    match: { codes: ['ProtectableItemNotFound'] },
    text: {
      en: {
        title: 'The vault cannot see the VM',
        cause:
          '{vm} is not among the VMs {vault} can protect, even after refreshing: it may be in another region, already protected elsewhere, or just created.',
        resolution: "Check the VM's region and protection state, wait a few minutes if it is new, then try again.",
      },
      'zh-TW': {
        title: '保存庫找不到該 VM',
        cause:
          '即使重新整理後，{vm} 仍不在 {vault} 可保護的 VM 之中：它可能位於其他區域、已受其他保存庫保護，或剛建立。',
        resolution: '請檢查 VM 的區域和保護狀態；若為新建立的 VM，請稍候幾分鐘再試一次。',
      },
    },
    fix: () => ({ kind: 'retry' }),
  },
  {
    code: 'VmNotProtected',
    match: { codes: ['VmNotProtected'] },
    text: {
      en: {
        title: 'The VM is not protected',
        cause: '{vm} has no backup configured, so there is nothing to back up now.',
        resolution: 'Enable backup for the VM first.',
      },
      'zh-TW': {
        title: 'VM 未受保護',
        cause: '{vm} 尚未設定備份，因此無法立即備份。',
        resolution: '請先為 VM 啟用備份。',
      },
    },
  },
  {
    code: 'BackupItemVmNotFound',
    azureName: 'BCMV2VMNotFound',
    // backup-azure-vms-troubleshoot.md documents both numbers: "320001, ResourceNotFound - Could not perform the
    // operation as VM no longer exists" and "400094, BCMV2VMNotFound - The virtual machine doesn't exist".
    match: {
      codes: ['BCMV2VMNotFound'],
      numbers: [320001, 400094],
      text: [/operation as VM no longer exists/i, /The virtual machine doesn'?t exist/i],
    },
    text: {
      en: {
        title: 'The protected VM no longer exists',
        cause: 'The virtual machine behind this backup item was deleted or moved.',
        resolution: 'Recreate the VM from a recovery point, or stop protection for the item to stop the failing jobs.',
      },
      'zh-TW': {
        title: '受保護的 VM 已不存在',
        cause: '此備份項目所對應的虛擬機器已被刪除或移動。',
        resolution: '請從復原點重新建立 VM，或停止該項目的保護以停止失敗的作業。',
      },
    },
  },
  {
    code: 'AzureVmOffline',
    azureName: 'AzureVmOffline',
    // backup-azure-vms-troubleshoot.md: "380008, AzureVmOffline - Failed to install Microsoft Recovery Services
    // extension as virtual machine is not running".
    match: {
      codes: ['AzureVmOffline'],
      numbers: [380008],
      text: [/Failed to install Microsoft Recovery Services extension as virtual machine\s+is not running/i],
    },
    text: {
      en: {
        title: 'The backup extension could not be installed',
        cause: 'The VM Agent on {vm} did not respond, so the backup extension could not be installed.',
        resolution: 'Check that the VM is running and its VM Agent is healthy, then back up again.',
      },
      'zh-TW': {
        title: '無法安裝備份延伸模組',
        cause: '{vm} 上的 VM 代理程式沒有回應，因此無法安裝備份延伸模組。',
        resolution: '請確認 VM 正在執行且 VM 代理程式狀況良好，然後再次觸發備份。',
      },
    },
    fix: () => ({ kind: 'backupNow' }),
  },
];
