import { flattenDiscriminators } from '../../src/azure/discriminators';
import { VmOperations } from '../../src/azure/vms';
import { startTestAzure, type TestAzure } from '../support/azure';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** The discriminator index completed once (turn cost, issue 17) finds exactly what the SDK's own search finds. */
describe('discriminator index', () => {
  const mapper = (className: string, uberParent: string) => ({ type: { className, uberParent } });
  const grandchild = mapper('ComputeVmItem', 'Item');
  const otherGrandchild = mapper('OtherComputeVmItem', 'Item');

  it('adds the grandchildren a breadth-first search from the root reaches, the first one found winning', () => {
    const index: Record<string, any> = {
      Item: mapper('Item', 'Item'),
      'Item.VmItem': mapper('VmItem', 'Item'),
      'Item.FileItem': mapper('FileItem', 'Item'),
      'VmItem.Microsoft.Compute/virtualMachines': grandchild,
      'FileItem.Microsoft.Compute/virtualMachines': otherGrandchild,
      'FileItem.Share': mapper('ShareItem', 'Item'),
    };
    flattenDiscriminators(index);
    expect(index['Item.Microsoft.Compute/virtualMachines']).toBe(grandchild);
    expect(index['Item.Share'].type.className).toBe('ShareItem');
    expect(index['Item.Nothing']).toBeUndefined();
    // Entries that were there stay as they were.
    expect(index['FileItem.Microsoft.Compute/virtualMachines']).toBe(otherGrandchild);
  });

  describe('on the real Azure Backup client', () => {
    let azure: TestAzure;
    beforeAll(async () => {
      azure = await startTestAzure();
    });
    afterAll(() => azure.close());

    it('still reads polymorphic protected items as their own type (a Resource Manager VM and its vault)', async () => {
      const list = await new VmOperations(azure.clients).list();
      expect(list.find((v) => v.name === 'vm-db-01')).toMatchObject({ protected: true, vault: 'rsv-prod-eastasia' });
      const [item] = await collect(
        azure.clients.backup.backupProtectedItems.list('rsv-prod-eastasia', 'rg-backup', {
          filter: "backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'",
        }),
      );
      // A grandchild type's own field: only there when the body resolved to AzureIaaSComputeVMProtectedItem's mapper.
      expect(item.properties).toMatchObject({ protectedItemType: 'Microsoft.Compute/virtualMachines' });
      expect((item.properties as { virtualMachineId?: string }).virtualMachineId).toMatch(/virtualMachines\//);
    });
  });
});
