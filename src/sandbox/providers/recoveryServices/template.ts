/**
 * The ARM template a Restore (disks) job writes to the staging account, for recovery points from 26 April 2017 on.
 * It is the contract with the deployments provider: parameters VirtualMachineName, VirtualNetwork,
 * VirtualNetworkResourceGroup, Subnet, NetworkInterfaceName; one NIC and one VM attaching the restored disks;
 * metadata.sandboxRestore names the restore job and vault.
 */
export interface TemplateInput {
  jobId: string;
  vault: string;
  vmName: string;
  region: string;
  vmSize: string;
  osType: 'Windows' | 'Linux';
  osDiskId: string;
  dataDisks: { lun: number; id: string }[];
}

const NIC_ID = "[resourceId('Microsoft.Network/networkInterfaces', parameters('NetworkInterfaceName'))]";
const SUBNET_ID =
  "[resourceId(parameters('VirtualNetworkResourceGroup'), 'Microsoft.Network/virtualNetworks/subnets', parameters('VirtualNetwork'), parameters('Subnet'))]";

export function restoreTemplate(t: TemplateInput): Record<string, unknown> {
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: { sandboxRestore: { restoreJobId: t.jobId, vault: t.vault } },
    parameters: {
      VirtualMachineName: { type: 'string', defaultValue: t.vmName },
      VirtualNetwork: { type: 'string' },
      VirtualNetworkResourceGroup: { type: 'string' },
      Subnet: { type: 'string' },
      NetworkInterfaceName: { type: 'string', defaultValue: `${t.vmName}-nic-restored` },
    },
    resources: [
      {
        type: 'Microsoft.Network/networkInterfaces',
        apiVersion: '2023-09-01',
        name: "[parameters('NetworkInterfaceName')]",
        location: t.region,
        properties: {
          ipConfigurations: [
            { name: 'ipconfig1', properties: { privateIPAllocationMethod: 'Dynamic', subnet: { id: SUBNET_ID } } },
          ],
        },
      },
      {
        type: 'Microsoft.Compute/virtualMachines',
        apiVersion: '2023-09-01',
        name: "[parameters('VirtualMachineName')]",
        location: t.region,
        dependsOn: [NIC_ID],
        properties: {
          hardwareProfile: { vmSize: t.vmSize },
          storageProfile: {
            osDisk: { osType: t.osType, createOption: 'Attach', managedDisk: { id: t.osDiskId } },
            dataDisks: t.dataDisks.map((d) => ({ lun: d.lun, createOption: 'Attach', managedDisk: { id: d.id } })),
          },
          networkProfile: { networkInterfaces: [{ id: NIC_ID, properties: { primary: true } }] },
        },
      },
    ],
  };
}
