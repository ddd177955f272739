import { innermostError } from '../../src/azure/restore/armErrors';
import { parseEncryptionInfo } from '../../src/azure/restore/encryptionInfo';
import { restoreNames } from '../../src/azure/restore/naming';
import { decodeText, splitBlobUri } from '../../src/azure/restore/staging';
import { retargetEncryption, templateParameters } from '../../src/azure/restore/template';
import { parseVmConfig } from '../../src/azure/restore/vmConfig';

/** The files a restore job stages, read the way Azure Backup and PowerShell write them. */
describe('staged restore files', () => {
  it('reads a VM config written as UTF-16 with trailing NULs, with PowerShell-style flattened keys', () => {
    const json = JSON.stringify({
      'properties.hardwareProfile': { vmSize: 'Standard_D4s_v5' },
      'properties.StorageProfile': {
        osDisk: { osType: 'Linux', name: 'vm-db-01-osdisk-restored' },
        dataDisks: [{ lun: 0, name: 'vm-db-01-datadisk-0-restored' }],
      },
    });
    const buf = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le'), Buffer.from([0, 0, 0, 0])]);
    const config = parseVmConfig(decodeText(buf));
    expect(config).toEqual({
      vmSize: 'Standard_D4s_v5',
      osType: 'Linux',
      osDisk: { name: 'vm-db-01-osdisk-restored', id: undefined, lun: undefined },
      dataDisks: [{ name: 'vm-db-01-datadisk-0-restored', id: undefined, lun: 0 }],
    });
  });

  it('finds container and blob in virtual-host and path-style template URIs', () => {
    expect(
      splitBlobUri(
        'acct',
        'https://acct.blob.core.windows.net/vm-c1/azuredeploy-x.json',
        'https://acct.blob.core.windows.net/',
      ),
    ).toEqual({ container: 'vm-c1', blob: 'azuredeploy-x.json' });
    expect(
      splitBlobUri('acct', 'https://127.0.0.1:9999/acct/vm-c1/a/b.json?sv=1', 'https://127.0.0.1:9999/acct'),
    ).toEqual({
      container: 'vm-c1',
      blob: 'a/b.json',
    });
  });

  it('fills only the template parameters the template declares, in its own casing', () => {
    const template = { parameters: { virtualMachineName: { type: 'string' }, Subnet: { type: 'string' } } };
    const params = templateParameters(template, {
      VirtualMachineName: 'vm-new',
      VirtualNetwork: 'vnet',
      VirtualNetworkResourceGroup: 'rg',
      Subnet: 'snet',
      NetworkInterfaceName: 'nic',
    });
    expect(params).toEqual({ virtualMachineName: { value: 'vm-new' }, Subnet: { value: 'snet' } });
  });

  it('points the template at put-back key and secret, leaving expressions alone', () => {
    const template = {
      resources: [
        {
          properties: {
            storageProfile: {
              osDisk: {
                encryptionSettings: {
                  diskEncryptionKey: { secretUrl: 'https://kv/secrets/s/old', sourceVault: { id: 'old' } },
                  keyEncryptionKey: { keyUrl: "[parameters('kek')]", sourceVault: { id: 'old' } },
                },
              },
            },
          },
        },
      ],
    };
    retargetEncryption(template, {
      keyVaultId: 'kv-id',
      secretUrl: 'https://kv/secrets/s/new',
      keyUrl: 'https://kv/keys/k/new',
    });
    const enc = template.resources[0].properties.storageProfile.osDisk.encryptionSettings;
    expect(enc.diskEncryptionKey).toEqual({ secretUrl: 'https://kv/secrets/s/new', sourceVault: { id: 'kv-id' } });
    expect(enc.keyEncryptionKey.keyUrl).toBe("[parameters('kek')]");
  });

  it('surfaces the failing resource code under DeploymentFailed', () => {
    expect(
      innermostError({
        code: 'DeploymentFailed',
        message: 'At least one resource deployment operation failed.',
        details: [{ code: 'Conflict', message: '{"error":{"code":"KeyVaultSecretDoesNotExist","message":"gone"}}' }],
      }),
    ).toEqual({ code: 'KeyVaultSecretDoesNotExist', message: 'gone' });
  });

  it('never prints the key and secret backups of an encryption info blob', () => {
    const info = parseEncryptionInfo(
      JSON.stringify({
        OsDiskKeyAndSecretDetails: {
          SecretUrl: 'https://kv/secrets/s/1',
          KeyUrl: 'https://kv/keys/k/1',
          KeyBackupData: 'S0VZLUJBQ0tVUA==',
          SecretData: 'V1JBUFBFRA==',
        },
      }),
      'enc.json',
    );
    expect(info.keyBackup).toBe('S0VZLUJBQ0tVUA==');
    expect(JSON.stringify(info)).not.toMatch(/S0VZLUJBQ0tVUA|V1JBUFBFRA/);
    expect(`${String(info)} ${JSON.stringify([info])}`).not.toMatch(/S0VZLUJBQ0tVUA|V1JBUFBFRA/);
  });

  it('names a retried restore step the same, and different requests differently', () => {
    expect(restoreNames('req-1', 'vm-db-01')).toEqual(restoreNames('req-1', 'vm-db-01'));
    expect(restoreNames('req-1', 'vm-db-01').vm).not.toBe(restoreNames('req-2', 'vm-db-01').vm);
    expect(restoreNames('req-1', 'vm-db-01').deployment.length).toBeLessThanOrEqual(64);
  });
});
