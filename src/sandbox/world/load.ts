import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resourceId, rgId } from '../http/arm';
import { job, keyVaultPermissionError, snapshotKeys } from './records';
import { ROLE_DEFINITIONS, roleByName } from './roles';
import type {
  KeyVault,
  KeyVaultObject,
  ProtectedItem,
  RecoveryPoint,
  RoleAssignment,
  VirtualMachine,
  World,
} from './types';

export const DEFAULT_SEED = path.join(__dirname, 'seed.json');
const DAY = 24 * 3600 * 1000;

/** Where each key vault's data plane listens; the loader writes key and secret URLs with it. */
export type VaultUriOf = (vaultName: string) => string;

export function readSeed(file: string = DEFAULT_SEED): Seed {
  return JSON.parse(readFileSync(file, 'utf8')) as Seed;
}

/** Expands the seed (names) into the world (full resources), relative to `now`. */
export function loadWorld(seed: Seed, opts: { now: number; vaultUri: VaultUriOf }): World {
  const sub = seed.subscriptionId;
  const w: World = {
    tenantId: seed.tenantId,
    subscriptionId: sub,
    subscriptionName: seed.subscriptionName,
    identities: seed.identities.map((i) => ({ ...i })),
    servicePrincipals: seed.servicePrincipals.map((s) => ({ ...s })),
    groups: structuredClone(seed.groups),
    roleDefinitions: structuredClone(ROLE_DEFINITIONS),
    roleAssignments: [],
    resourceGroups: seed.resourceGroups.map((r) => ({ ...r })),
    recoveryVaults: seed.recoveryVaults.map((v) => ({ ...v })),
    policies: seed.policies.map((p) => ({
      vault: p.vault,
      name: p.name,
      scheduleRunFrequency: p.frequency,
      scheduleRunTimes: [`2020-01-01T${p.time}:00Z`],
      retentionDays: p.retentionDays,
      timeZone: 'UTC',
    })),
    vms: [],
    disks: [],
    keyVaults: seed.keyVaults.map((k) => ({
      name: k.name,
      resourceGroup: k.resourceGroup,
      location: k.location,
      exists: k.exists !== false,
      rbac: k.rbac,
      accessPolicies: [],
      keys: [],
      secrets: [],
      vaultUri: opts.vaultUri(k.name),
    })),
    protectedItems: [],
    jobs: [],
    recoveryPoints: [],
    storageAccounts: seed.storageAccounts.map((s) => ({ ...s })),
    blobs: Object.fromEntries(seed.storageAccounts.map((s) => [s.name, {}])),
    virtualNetworks: seed.virtualNetworks.map((v) => structuredClone(v)),
    networkInterfaces: [],
    deployments: [],
    armResources: [],
  };

  const identity = (name: string) => {
    const i = w.identities.find((x) => x.name === name);
    if (!i) throw new Error(`Unknown identity in seed: ${name}`);
    return i;
  };
  const kvId = (name: string) => {
    const kv = w.keyVaults.find((k) => k.name === name)!;
    return resourceId(sub, kv.resourceGroup, 'Microsoft.KeyVault/vaults', name);
  };
  const scopeOf = (s: string): string => {
    if (s === 'subscription') return `/subscriptions/${sub}`;
    if (s.startsWith('rg:')) return rgId(sub, s.slice(3));
    if (s.startsWith('keyVault:')) return kvId(s.slice(9));
    throw new Error(`Unknown scope in seed: ${s}`);
  };
  w.roleAssignments = seed.roleAssignments.map((a): RoleAssignment => ({
    name: randomUUID(),
    scope: scopeOf(a.scope),
    roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${roleByName(a.role).name}`,
    principalId: identity(a.principal).objectId,
    principalType: 'ServicePrincipal',
    condition: a.condition,
    createdOn: new Date(opts.now).toISOString(),
  }));

  // Access policies: the bot may put keys and secrets back; Backup Management Service where the seed grants it.
  const bot = w.identities.find((i) => i.approved)!;
  const bms = w.servicePrincipals[0];
  for (const kv of w.keyVaults) {
    if (kv.rbac) continue;
    kv.accessPolicies.push({
      tenantId: w.tenantId,
      objectId: bot.objectId,
      permissions: {
        keys: ['get', 'list', 'restore', 'recover'],
        secrets: ['get', 'list', 'set', 'restore', 'recover'],
      },
    });
    const seedKv = seed.keyVaults.find((k) => k.name === kv.name)!;
    if (seedKv.backupGranted) {
      kv.accessPolicies.push({
        tenantId: w.tenantId,
        objectId: bms.objectId,
        permissions: { keys: ['get', 'list', 'backup'], secrets: ['get', 'list', 'backup'] },
      });
    }
  }

  for (const s of seed.vms) addVm(w, s, opts.now, kvId);
  return w;
}

function addVm(w: World, s: SeedVm, now: number, kvId: (name: string) => string): void {
  const sub = w.subscriptionId;
  const rg = s.resourceGroup ?? 'rg-app';
  const location = s.location ?? 'eastasia';
  const vmId = resourceId(
    sub,
    rg,
    s.classic ? 'Microsoft.ClassicCompute/virtualMachines' : 'Microsoft.Compute/virtualMachines',
    s.name,
  );
  const vnet = w.virtualNetworks.find((v) => v.location === location)!;
  const nicName = `nic-${s.name}`;
  if (!s.classic) {
    w.networkInterfaces.push({
      name: nicName,
      resourceGroup: rg,
      location,
      subnetId: `${resourceId(sub, vnet.resourceGroup, 'Microsoft.Network/virtualNetworks', vnet.name)}/subnets/snet-app`,
    });
  }

  let encryption: VirtualMachine['encryption'];
  const kv = s.keyVault ? w.keyVaults.find((k) => k.name === s.keyVault) : undefined;
  const kekKv = s.kekVault ? w.keyVaults.find((k) => k.name === s.kekVault) : kv;
  if (s.encryption && kv && kekKv) {
    const { secret, key } = makeKeyAndSecret(kv, kekKv, s, now);
    encryption = {
      pass: s.pass ?? 'single',
      vaultId: kvId(kv.name),
      secretUrl: `${kv.vaultUri}secrets/${secret.name}/${secret.version}`,
      keyUrl: key ? `${kekKv.vaultUri}keys/${key.name}/${key.version}` : undefined,
      ...(kekKv !== kv ? { kekVaultId: kvId(kekKv.name) } : {}),
    };
  }

  const osDiskName = `${s.name}_OsDisk_1`;
  const dataDiskNames = Array.from({ length: s.dataDisks ?? 0 }, (_, i) => `${s.name}_DataDisk_${i}`);
  if (!s.classic) {
    for (const d of [osDiskName, ...dataDiskNames]) {
      w.disks.push({
        name: d,
        resourceGroup: rg,
        location,
        osType: d === osDiskName ? s.os : undefined,
        sizeGb: d === osDiskName ? 128 : 256,
        encryption: encryption
          ? {
              vaultId: encryption.vaultId,
              secretUrl: encryption.secretUrl,
              keyUrl: encryption.keyUrl,
              ...(encryption.kekVaultId ? { kekVaultId: encryption.kekVaultId } : {}),
              version: encryption.pass === 'dual' ? '1.0' : '1.1',
            }
          : undefined,
        managedBy: vmId,
      });
    }
  }

  const vm: VirtualMachine = {
    name: s.name,
    resourceGroup: rg,
    location,
    kind: s.classic ? 'classic' : 'arm',
    osType: s.os,
    vmSize: s.vmSize ?? 'Standard_D2s_v5',
    agentReady: s.agentReady !== false,
    ...(s.restoredAgentReady === false ? { restoredAgentReady: false } : {}),
    encryption,
    osDiskName,
    dataDiskNames,
    networkInterfaceIds: s.classic ? [] : [resourceId(sub, rg, 'Microsoft.Network/networkInterfaces', nicName)],
    extensions: encryption ? [adeExtension(s.os, encryption, kv!)] : [],
    provisioningState: 'Succeeded',
  };
  w.vms.push(vm);

  if (s.protectedBy) addProtection(w, vm, s.protectedBy, now);
}

function makeKeyAndSecret(
  kv: KeyVault,
  kekKv: KeyVault,
  s: SeedVm,
  now: number,
): { secret: KeyVaultObject; key?: KeyVaultObject } {
  const state = s.keyState === 'purged' ? 'purged' : s.keyState === 'deleted' ? 'deleted' : 'active';
  const created = new Date(now - 120 * DAY).toISOString();
  const deletedDate = state === 'active' ? undefined : new Date(now - 2 * DAY).toISOString();
  let key: KeyVaultObject | undefined;
  if (s.encryption === 'bek+kek') {
    key = {
      name: `kek-${s.name}`,
      version: hex(16),
      state,
      value: randomBytes(32).toString('base64'),
      created,
      deletedDate,
    };
    kekKv.keys.push(key);
  }
  const secret: KeyVaultObject = {
    name: randomUUID().toUpperCase(),
    version: hex(16),
    state,
    value: randomBytes(48).toString('base64'),
    contentType: key ? 'Wrapped BEK' : 'BEK',
    tags: {
      DiskEncryptionKeyFileName: s.os === 'Linux' ? 'LinuxPassPhraseFileName' : 'BEK.BEK',
      MachineName: s.name,
      ...(key
        ? {
            DiskEncryptionKeyEncryptionAlgorithm: 'RSA-OAEP',
            DiskEncryptionKeyEncryptionKeyURL: `${kekKv.vaultUri}keys/${key.name}/${key.version}`,
          }
        : {}),
    },
    created,
    deletedDate,
  };
  kv.secrets.push(secret);
  return { secret, key };
}

function adeExtension(os: 'Windows' | 'Linux', enc: NonNullable<VirtualMachine['encryption']>, kv: KeyVault) {
  const dual = enc.pass === 'dual';
  return {
    name: os === 'Windows' ? 'AzureDiskEncryption' : 'AzureDiskEncryptionForLinux',
    publisher: 'Microsoft.Azure.Security',
    type: os === 'Windows' ? 'AzureDiskEncryption' : 'AzureDiskEncryptionForLinux',
    typeHandlerVersion: os === 'Windows' ? (dual ? '1.1' : '2.2') : dual ? '0.1' : '1.1',
    settings: {
      EncryptionOperation: 'EnableEncryption',
      KeyVaultURL: kv.vaultUri,
      KeyVaultResourceId: enc.vaultId,
      ...(enc.keyUrl ? { KeyEncryptionKeyURL: enc.keyUrl, KekVaultResourceId: enc.kekVaultId ?? enc.vaultId } : {}),
      KeyEncryptionAlgorithm: 'RSA-OAEP',
      VolumeType: 'All',
      // Dual pass: the Microsoft Entra app's client id is a public setting; its secret is a protected one (never
      // returned by a GET). The sandbox's app id is its own.
      ...(dual ? { AADClientID: DUAL_PASS_APP_ID } : {}),
    },
    provisioningState: 'Succeeded',
  };
}

function addProtection(w: World, vm: VirtualMachine, p: NonNullable<SeedVm['protectedBy']>, now: number): void {
  // Encrypted after protection (the source document's case): the points were taken before ADE, so they are plain.
  const plain = p.encryptedAfterProtection === true;
  const keys = plain ? {} : snapshotKeys(w, vm);
  const unmanaged = new Set((p.unmanagedPointsAt ?? []).map((t) => Date.parse(t)));
  const times = [
    ...(p.recoveryPointsAt ?? []).map((t) => Date.parse(t)),
    ...unmanaged,
    ...(p.recoveryPointsDaysAgo ?? []).map((d) => atHalfPast(now - d * DAY)),
  ].sort((a, b) => b - a);
  times.forEach((t) => {
    const rp: RecoveryPoint = {
      vault: p.vault,
      vmId: resourceId(w.subscriptionId, vm.resourceGroup, 'Microsoft.Compute/virtualMachines', vm.name),
      name: String(t).slice(0, 13),
      time: new Date(t).toISOString(),
      type: 'AppConsistent',
      encryption: vm.encryption && !plain ? { ...vm.encryption, osType: vm.osType } : undefined,
      ...keys,
      vmSize: vm.vmSize,
      osType: vm.osType,
      ...(unmanaged.has(t) ? { unmanaged: true } : {}),
    };
    w.recoveryPoints.push(rp);
  });
  const vmId = resourceId(w.subscriptionId, vm.resourceGroup, 'Microsoft.Compute/virtualMachines', vm.name);
  const lastOk = times[0];
  const item: ProtectedItem = {
    vault: p.vault,
    vmId,
    vmName: vm.name,
    vmResourceGroup: vm.resourceGroup,
    policyName: p.policy,
    protectionState: p.lastBackupFailed ? 'ProtectionError' : 'Protected',
    lastBackupStatus: p.lastBackupFailed ? 'Failed' : times.length ? 'Completed' : undefined,
    lastBackupTime: p.lastBackupFailed
      ? new Date(atHalfPast(now - DAY)).toISOString()
      : lastOk
        ? new Date(lastOk).toISOString()
        : undefined,
    lastRecoveryPointTime: lastOk ? new Date(lastOk).toISOString() : undefined,
  };
  w.protectedItems.push(item);
  for (const t of times.filter((t) => t > now - 30 * DAY)) {
    w.jobs.push(
      job(p.vault, { ...vm, subscriptionId: w.subscriptionId }, 'Backup', 'Completed', t - 20 * 60 * 1000, t),
    );
  }
  if (p.lastBackupFailed) {
    const t = atHalfPast(now - DAY);
    const failed = job(p.vault, { ...vm, subscriptionId: w.subscriptionId }, 'Backup', 'Failed', t, t + 5 * 60 * 1000);
    failed.errorDetails = [keyVaultPermissionError()];
    w.jobs.push(failed);
  }
}

const atHalfPast = (t: number): number => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 22, 30, 0);
};
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The sandbox's Microsoft Entra app that dual-pass VMs were encrypted with (its own id, not a real one). */
export const DUAL_PASS_APP_ID = '77777777-7777-4777-8777-777777777701';

export interface Seed {
  tenantId: string;
  subscriptionId: string;
  subscriptionName: string;
  identities: World['identities'];
  servicePrincipals: World['servicePrincipals'];
  groups: Record<string, string[]>;
  resourceGroups: World['resourceGroups'];
  roleAssignments: { principal: string; role: string; scope: string; condition?: string }[];
  recoveryVaults: World['recoveryVaults'];
  policies: { vault: string; name: string; frequency: 'Daily' | 'Weekly'; time: string; retentionDays: number }[];
  keyVaults: {
    name: string;
    resourceGroup: string;
    location: string;
    rbac: boolean;
    backupGranted: boolean;
    exists?: boolean;
  }[];
  storageAccounts: World['storageAccounts'];
  virtualNetworks: World['virtualNetworks'];
  vms: SeedVm[];
}

export interface SeedVm {
  name: string;
  os: 'Windows' | 'Linux';
  resourceGroup?: string;
  location?: string;
  classic?: boolean;
  vmSize?: string;
  encryption?: 'bek' | 'bek+kek';
  pass?: 'single' | 'dual';
  keyVault?: string;
  /** The KEK's key vault when it is not `keyVault`. */
  kekVault?: string;
  keyState?: 'purged' | 'deleted';
  agentReady?: boolean;
  /** False: a VM created from this VM's restored disks never reports its agent ready. */
  restoredAgentReady?: boolean;
  dataDisks?: number;
  protectedBy?: {
    vault: string;
    policy: string;
    recoveryPointsDaysAgo?: number[];
    recoveryPointsAt?: string[];
    /** Points taken while the VM had unmanaged disks (before its move to managed disks). */
    unmanagedPointsAt?: string[];
    lastBackupFailed?: boolean;
    /** The VM was encrypted after its recovery points were taken: they are not encrypted (posture finds it). */
    encryptedAfterProtection?: boolean;
  };
}
