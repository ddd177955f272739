/** The troubleshooting catalogue's vocabulary: one stable code per case, both languages, an optional fix. */

export type Locale = 'en' | 'zh-TW';
export const LOCALES: readonly Locale[] = ['en', 'zh-TW'];

/** A button the bot can offer next to the explanation. */
export type FixAction =
  /** `keyVault` is '' when the error does not name it (real job errors never do): the grant flow reads it from the VM. */
  | { kind: 'grantKeyVaultAccess'; keyVault: string }
  | { kind: 'backupNow' }
  | { kind: 'retry' }
  | { kind: 'restoreKeyAndSecret'; keyVault?: string }
  | { kind: 'restoreDisks' }
  | { kind: 'chooseVault'; location?: string };

/** Text of one entry in one language. `{name}` placeholders are filled from the facts (see PLACEHOLDERS). */
export interface EntryText {
  title: string;
  cause: string;
  resolution: string;
}

/** What is known about one failure, gathered from the error and the caller's context. */
export interface Facts {
  keyVault?: string;
  vm?: string;
  vault?: string;
  action?: string;
  scope?: string;
  running?: string;
  approved?: string;
  requestId?: string;
  azureCode?: string;
  detail?: string;
  vmLocation?: string;
  vaultLocation?: string;
  field?: string;
  /** The name of what was not found. */
  resource?: string;
}

export const PLACEHOLDERS: Record<keyof Facts, Record<Locale, string>> = {
  keyVault: { en: 'the key vault', 'zh-TW': '金鑰保存庫' },
  vm: { en: 'the VM', 'zh-TW': '該 VM' },
  vault: { en: 'the vault', 'zh-TW': '復原服務保存庫' },
  action: { en: 'the required action', 'zh-TW': '所需的動作' },
  scope: { en: 'the resource', 'zh-TW': '該資源' },
  running: { en: 'an unknown identity', 'zh-TW': '未知的身分識別' },
  approved: { en: 'the approved identity', 'zh-TW': '已核准的身分識別' },
  requestId: { en: 'none', 'zh-TW': '無' },
  azureCode: { en: 'Unknown', 'zh-TW': 'Unknown' },
  detail: { en: '', 'zh-TW': '' },
  vmLocation: { en: "the VM's region", 'zh-TW': 'VM 所在的區域' },
  vaultLocation: { en: "the vault's region", 'zh-TW': '保存庫所在的區域' },
  field: { en: 'a value', 'zh-TW': '某個值' },
  resource: { en: 'The resource', 'zh-TW': '該資源' },
};

export interface CatalogueEntry {
  /** Stable code the bot and its cards use. */
  code: string;
  /**
   * How the entry is recognised: Azure's string error codes (operation status, ARM errors, alerts), the numeric job
   * error codes Microsoft documents (no others), and the messages as Azure words them (job errorString).
   */
  match: { codes?: string[]; numbers?: number[]; text?: RegExp[] };
  /** The name Azure's docs give this error (e.g. UserErrorKeyVaultPermissionsNotConfigured), shown for search. */
  azureName?: string;
  text: Record<Locale, EntryText>;
  fix?: (facts: Facts) => FixAction | undefined;
}

/** What the user reads: never a stack trace, never a secret. */
export interface Explanation {
  code: string;
  title: string;
  cause: string;
  resolution: string;
  fix?: FixAction;
  /** The name Azure's docs give the error, when the entry has one. */
  azureName?: string;
  /** Azure's x-ms-request-id, for support. */
  requestId?: string;
}
