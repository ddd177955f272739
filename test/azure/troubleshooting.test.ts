import {
  AzureRequestError,
  IdentityNotApprovedError,
  InvalidInputError,
  NotFoundError,
  UnsupportedVmError,
} from '../../src/azure/errors';
import { catalogue, explain, LOCALES } from '../../src/azure/troubleshooting';
import type { JobError } from '../../src/azure/types';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('troubleshooting catalogue', () => {
  it.each(catalogue.map((e) => [e.code, e] as const))('%s reads in English and Traditional Chinese', (_code, entry) => {
    for (const locale of LOCALES) {
      const t = entry.text[locale];
      expect(t.title.trim()).not.toBe('');
      expect(t.resolution.trim()).not.toBe('');
      expect(t.cause.trim()).not.toBe('');
    }
    // zh-TW text is Chinese, and both languages use the same facts.
    expect(entry.text['zh-TW'].title).toMatch(/[\u4e00-\u9fff]/);
    expect(entry.text['zh-TW'].resolution).toMatch(/[\u4e00-\u9fff]/);
    for (const field of ['title', 'resolution'] as const) {
      expect(placeholders(entry.text['zh-TW'][field])).toEqual(placeholders(entry.text.en[field]));
    }
  });

  it('has one entry per code', () => {
    const codes = catalogue.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  type Case = [string, unknown, string, Record<string, unknown> | null];
  const jobError = (e: Partial<JobError>): JobError => ({ message: '', recommendations: [], ...e });
  const cases: Case[] = [
    [
      'job error title',
      jobError({ title: 'UserErrorKeyVaultPermissionsNotConfigured', message: 'x' }),
      'KeyVaultPermissionsNotConfigured',
      null,
    ],
    [
      'older spelling',
      jobError({ title: 'UserErrorKeyvaultPermissionNotConfigured', message: 'x' }),
      'KeyVaultPermissionsNotConfigured',
      null,
    ],
    // Only numbers a Microsoft source documents (backup-azure-vms-troubleshoot.md: 400094, BCMV2VMNotFound).
    ['numeric code only', jobError({ code: 400094, message: 'x' }), 'BackupItemVmNotFound', null],
    [
      'text only',
      jobError({ message: "Backup doesn't have sufficient permissions to the key vault for backup of encrypted VMs." }),
      'KeyVaultPermissionsNotConfigured',
      null,
    ],
    ['BEK only', new UnsupportedVmError('BekOnlyNotSupported', 'vm-bek-01', 'x'), 'BekOnlyNotSupported', null],
    ['classic', new UnsupportedVmError('ClassicVmNotSupported', 'vm-classic-01', 'x'), 'ClassicVmNotSupported', null],
    [
      'key vault gone',
      jobError({
        message: "You can't restore this encrypted VM because the key vault associated with this VM doesn't exist.",
      }),
      'KeyVaultNotFound',
      null,
    ],
    [
      'key and secret gone',
      jobError({
        message:
          "You can't restore this encrypted VM because the key and the secret associated with this VM don't exist.",
      }),
      'KeyAndSecretNotFound',
      null,
    ],
    [
      'no authorization',
      jobError({ message: "Backup doesn't have the authorization to access resources in your subscription." }),
      'BackupNotAuthorizedInSubscription',
      { kind: 'restoreDisks' },
    ],
    [
      'disk encryption internal',
      jobError({ title: 'DiskEncryptionInternalError', message: 'x' }),
      'DiskEncryptionInternalError',
      null,
    ],
    [
      'secret missing',
      new AzureRequestError('x', { code: 'KeyVaultSecretDoesNotExist' }),
      'KeyVaultSecretDoesNotExist',
      null,
    ],
    ['key missing', new AzureRequestError('x', { code: 'KeyVaultKeyDoesNotExist' }), 'KeyVaultKeyDoesNotExist', null],
    [
      'disk exclusion',
      jobError({ title: 'UserErrorEncryptedVmNotSupportedWithDiskEx', message: 'x' }),
      'EncryptedVmNotSupportedWithDiskExclusion',
      null,
    ],
    ['SAS URI', jobError({ title: 'BCMProtGetSaSUriAsyncError', message: 'x' }), 'BCMProtGetSaSUriAsyncError', null],
    [
      'BitLocker',
      jobError({ title: 'ExtensionSnapshotBitlockerError', message: 'x' }),
      'ExtensionSnapshotBitlockerError',
      null,
    ],
    [
      'agent',
      jobError({ title: 'UserErrorGuestAgentStatusUnavailable', message: 'x' }),
      'VmAgentNotReady',
      { kind: 'retry' },
    ],
    [
      'in progress',
      new AzureRequestError('x', { code: 'UserErrorBackupOperationInProgress' }),
      'BackupOperationInProgress',
      null,
    ],
    ['VM state', jobError({ title: 'UserErrorVmNotInDesirableState', message: 'x' }), 'VmNotInDesirableState', null],
    [
      'no network',
      jobError({ title: 'ExtensionSnapshotFailedNoNetwork', message: 'x' }),
      'ExtensionSnapshotFailedNoNetwork',
      null,
    ],
    ['throttled', new AzureRequestError('x', { code: 'TooManyRequests', statusCode: 429 }), 'TooManyRequests', null],
    [
      'other vault',
      new UnsupportedVmError('AlreadyProtectedByAnotherVault', 'vm-db-01', 'x', { vault: 'rsv-other' }),
      'AlreadyProtectedByAnotherVault',
      null,
    ],
    [
      'storage region',
      new AzureRequestError('x', { code: 'StorageAccountRegionMismatch' }),
      'StorageAccountRegionMismatch',
      null,
    ],
    [
      'api version',
      new AzureRequestError("The api-version '2099-01-01' is invalid.", {
        code: 'InvalidApiVersionParameter',
        statusCode: 400,
      }),
      'InvalidApiVersionParameter',
      null,
    ],
    ['not found', new NotFoundError('Virtual machine', 'vm-x'), 'NotFound', null],
    ['plain 404', new AzureRequestError('gone', { code: 'SomethingElse', statusCode: 404 }), 'NotFound', null],
    ['bad input', new InvalidInputError('time', 'Backup time must be on the half hour.'), 'InvalidInput', null],
    [
      'unknown',
      new AzureRequestError('boom', { code: 'Weird', statusCode: 400, requestId: 'req-123' }),
      'Unknown',
      null,
    ],
  ];
  it.each(cases)('maps %s', (_name, error, code, fix) => {
    const got = explain(error, 'en');
    expect(got.code).toBe(code);
    if (fix) expect(got.fix).toMatchObject(fix);
  });

  it('offers the key vault grant, naming the key vault from the message or the caller', () => {
    const fromMessage = explain(
      jobError({
        code: 400105,
        title: 'UserErrorKeyVaultPermissionsNotConfigured',
        message:
          "Backup doesn't have sufficient permissions to the key vault 'kv-ade-nogrant' for backup of encrypted VMs.",
      }),
      'zh-TW',
    );
    expect(fromMessage.fix).toEqual({ kind: 'grantKeyVaultAccess', keyVault: 'kv-ade-nogrant' });
    expect(fromMessage.cause).toContain('kv-ade-nogrant');
    expect(fromMessage.cause).toContain('備份管理服務');
    const fromContext = explain(jobError({ title: 'UserErrorKeyVaultPermissionsNotConfigured', message: 'x' }), 'en', {
      keyVault: 'kv-x',
      vm: 'vm-1',
    });
    expect(fromContext.fix).toEqual({ kind: 'grantKeyVaultAccess', keyVault: 'kv-x' });
    expect(fromContext.cause).toContain('vm-1');
  });

  it('names the missing action and scope of a 403', () => {
    const err = new AzureRequestError(
      "The client 'a' with object id 'b' does not have authorization to perform action 'Microsoft.KeyVault/vaults/accessPolicies/write' over scope '/subscriptions/s/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv' or the scope is invalid.",
      { code: 'AuthorizationFailed', statusCode: 403 },
    );
    const got = explain(err, 'en');
    expect(got.code).toBe('AuthorizationFailed');
    expect(got.cause).toContain("'Microsoft.KeyVault/vaults/accessPolicies/write'");
    expect(got.cause).toContain('/vaults/kv');
    const linked = explain(
      new AzureRequestError(
        "The client 'a' has permission to perform action 'Microsoft.Compute/virtualMachines/write' on scope '/x'; however, it does not have permission to perform action(s) 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) '/subscriptions/s/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/v/subnets/snet' or the linked scope(s) are invalid.",
        { code: 'LinkedAuthorizationFailed', statusCode: 403 },
      ),
      'zh-TW',
    );
    expect(linked.code).toBe('AuthorizationFailed');
    expect(linked.cause).toContain('Microsoft.Network/virtualNetworks/subnets/join/action');
  });

  it('says which identity runs and which is approved', () => {
    const got = explain(
      new IdentityNotApprovedError({ objectId: 'run-1', tenantId: 't' }, { objectId: 'ok-2', tenantId: 't' }),
      'en',
    );
    expect(got.code).toBe('IdentityNotApproved');
    expect(got.cause).toContain('run-1');
    expect(got.cause).toContain('ok-2');
  });

  it('keeps the request id of an unexpected failure and never a stack trace', () => {
    const err = new AzureRequestError('Something odd at https://x.blob.core.windows.net/c/b?sv=1&sig=SECRETSIG', {
      code: 'Weird',
      requestId: 'req-123',
    });
    for (const locale of LOCALES) {
      const got = explain(err, locale);
      expect(got.requestId).toBe('req-123');
      expect(got.resolution).toContain('req-123');
      const all = JSON.stringify(got);
      expect(all).not.toContain('SECRETSIG');
      expect(all).not.toMatch(/\n\s+at /);
    }
    expect(explain(new Error('plain'), 'en').code).toBe('Unknown');
  });
});
