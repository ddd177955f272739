import { SANDBOX_USERS } from '../../src/sandboxUsers';

/**
 * English allowed on a zh-TW card, as Taiwan's Azure portal and Microsoft's zh-TW docs keep it: product and feature
 * names, Azure built-in role names, the commands users type (they are typed in English), Key Vault permission names,
 * region names, and the people and subscriptions of the sandbox. Phrases are taken out before words are read.
 */
const PHRASES = [
  'Key Vault Administrator',
  'Key Vault Secrets User',
  'Key Vault Crypto Service Encryption User',
  'Backup Contributor',
  'Backup Operator',
  'Virtual Machine Contributor',
  'Network Contributor',
  'Storage Account Contributor',
  'Storage Blob Data Contributor',
  'Role Based Access Control Administrator',
  'Resource Manager',
  'Agents Playground',
  // The welcome card's pointer for English readers who got Chinese from their locale.
  'For English, type',
  ...Object.values(SANDBOX_USERS).map((u) => u.name),
  // The sandbox's subscriptions by display name (issue 17): names the customer gave, shown as they are.
  'Sandbox Production',
  'Contoso Finance',
  'Contoso Research',
  'Contoso Restricted',
];

const WORDS = new Set([
  // Products and technologies.
  'Azure',
  'Microsoft',
  'Teams',
  'Entra',
  'Bot',
  'Windows',
  'Linux',
  'BitLocker',
  // A language's own name, on the language card.
  'English',
  // Commands as typed (help card, hints), with their arguments' words.
  'help',
  'enable',
  'backup',
  'grant',
  'access',
  'now',
  'restore',
  'jobs',
  'check',
  'subscribe',
  'unsubscribe',
  'subscriptions',
  'audit',
  'export',
  'posture',
  'rehearse',
  'rehearsals',
  'monthly',
  'revoke',
  'language',
  'lang',
  'cancel',
  'stop',
  'en',
  // Key Vault permission names (access policies are written with them).
  'get',
  'list',
  // Regions.
  'eastasia',
  'southeastasia',
  // Placeholders in commands (<kek-name>).
  'kek',
  'name',
]);

/** Every text a user reads on a card: TextBlocks, facts, choices, input labels and hints, buttons. */
export function cardTexts(card: unknown): string[] {
  const out: string[] = [];
  const walk = (n: any) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    if (n.type === 'TextBlock' && typeof n.text === 'string') out.push(n.text);
    if (n.type === 'FactSet') for (const f of n.facts ?? []) out.push(String(f.title), String(f.value));
    if (n.type === 'Input.ChoiceSet') for (const c of n.choices ?? []) out.push(String(c.title));
    if (typeof n.type === 'string' && n.type.startsWith('Input.')) {
      for (const k of ['label', 'placeholder', 'errorMessage']) if (typeof n[k] === 'string') out.push(n[k]);
    }
    if (typeof n.type === 'string' && n.type.startsWith('Action.') && typeof n.title === 'string') out.push(n.title);
    Object.entries(n).forEach(([k, v]) => k !== 'data' && walk(v));
  };
  walk(card);
  return out.filter(Boolean);
}

/**
 * The English words of a zh-TW card that are not allowed, with the text each is in. `quoted`: Azure's own messages
 * the card quotes as Azure's (a job's error string: Azure Backup writes them in English), taken out first.
 */
export function englishWords(card: unknown, quoted: string[] = []): { word: string; text: string }[] {
  const hits: { word: string; text: string }[] = [];
  for (const text of cardTexts(card)) {
    let rest = quoted.reduce((s, q) => s.split(q).join(' '), text);
    rest = rest
      .replace(/https?:\/\/\S+/g, ' ')
      // Azure resource ids, shown as the scope of a role assignment.
      .replace(/\/subscriptions\/\S+/g, ' ')
      // A command's usage as the help card shows it: `enable backup [vm]`, `audit [vm | vault]`.
      .replace(/\[[a-z |…-]+\]/g, ' ')
      // An Azure CLI command line is quoted as typed.
      .replace(/\baz (vm|keyvault|role|backup)\b[^。，；\n]*/g, ' ');
    for (const p of PHRASES) rest = rest.split(p).join(' ');
    for (const m of rest.matchAll(/[A-Za-z][A-Za-z0-9'’._=-]*/g)) {
      const word = m[0].replace(/[.'’]+$/, '');
      if (allowed(word)) continue;
      hits.push({ word, text });
    }
  }
  return hits;
}

/** Azure's enum values that a user reads as words (statuses, operations, states): always translated. */
const AZURE_WORDS = new Set([
  'InProgress',
  'CompletedWithWarnings',
  'ConfigureBackup',
  'DisableBackup',
  'DeleteBackupData',
  'IRPending',
  'ProtectionError',
  'ProtectionStopped',
  'AppConsistent',
  'CrashConsistent',
  'FileSystemConsistent',
]);

function allowed(word: string): boolean {
  if (AZURE_WORDS.has(word)) return false;
  if (WORDS.has(word)) return true;
  // Resource names, ids, versions, setting names: vm-db-01, rsv-prod-eastasia, Standard_LRS, ALLOW_BEK_ONLY.
  if (/[0-9_=-]/.test(word)) return true;
  // Identifiers and codes: DefaultPolicy, AppConsistent, UserErrorKeyVaultPermissionsNotConfigured.
  if (/^[A-Z][a-z0-9]+[A-Z]/.test(word)) return true;
  // Acronyms: VM, BEK, KEK, UTC, RBAC, ADE, ID, ARM.
  if (/^[A-Z]{2,6}s?$/.test(word)) return true;
  return false;
}
