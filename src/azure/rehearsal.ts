import { azureCall, isNotFound } from './call';
import type { AzureClients } from './clients';
import { AzureRequestError } from './errors';
import { parseResourceId, sameId } from './names';
import { StagingBlobs } from './restore/staging';
import { subscriptionOf } from './subscriptions';
import { parseVmConfig, resolveRestoredDisks } from './restore/vmConfig';
import type { OperationOptions, RestoreJobOutputs } from './types';

/** The tag on everything a rehearsal creates: its run id. Clean-up deletes only what carries it (and its id). */
export const REHEARSAL_TAG = 'ade-backup-bot:rehearsal';
/** The tag that marks a virtual network as made for rehearsals (`rehearsal`): no other network is ever used. */
export const REHEARSAL_PURPOSE_TAG = 'ade-backup-bot:purpose';

/** Where a rehearsal's VM lives: a subnet of a virtual network with no peering, tagged for rehearsals. */
export interface IsolatedSubnet {
  id: string;
  resourceGroup: string;
  vnet: string;
  subnet: string;
  location: string;
}

/** What a restored VM's instance view says about it (src/runs/rehearsalRun.ts's checks). */
export interface RestoredVmHealth {
  /** The VM's `ProvisioningState/…` status, e.g. 'succeeded'. */
  provisioning: string;
  /** `vmAgent.statuses` reports ProvisioningState/succeeded with displayStatus "Ready". */
  agentReady: boolean;
  /** What the agent said (e.g. "Not Ready"), for the result card. */
  agentStatus?: string;
  /** The ADE extension's report: 'encrypted' (OS volume encrypted), 'notEncrypted', or 'unknown' (no report yet). */
  encryption: 'encrypted' | 'notEncrypted' | 'unknown';
}

/** What a clean-up did to one resource. */
export type CleanupOutcome = 'deleted' | 'gone' | 'notOurs';

/** A configured rehearsal network (REHEARSAL_SUBNET, one entry; docs/rehearsal.md): one isolated subnet. */
export interface RehearsalNetworkSetting {
  /** Absent: the primary subscription (the short `<rg>/<vnet>/<subnet>` form). */
  subscriptionId?: string;
  resourceGroup: string;
  vnet: string;
  subnet: string;
  /** REHEARSAL_NETWORK_PREFIX: the address space a missing network is made with. */
  addressPrefix?: string;
}

/** A rehearsal's refusal of a network that is not isolated; nothing was created. */
export const NETWORK_NOT_ISOLATED = 'RehearsalNetworkNotIsolated';

/**
 * The Azure side of a restore rehearsal beyond the restore itself: check the isolated network, tag the restored disks,
 * read the restored VM's health, delete what the rehearsal made (only resources carrying its tag).
 */
export class RehearsalOperations {
  private readonly staging: StagingBlobs;

  constructor(readonly clients: AzureClients) {
    this.staging = new StagingBlobs(clients);
  }

  /**
   * The primary subscription: the configured one (AZURE_SUBSCRIPTION_IDS' first, or AZURE_SUBSCRIPTION_ID), else the
   * only managed one; '' when several were discovered. The short REHEARSAL_SUBNET form (`<rg>/<vnet>/<subnet>`) means
   * a network there.
   */
  async primarySubscriptionId(options: OperationOptions = {}): Promise<string> {
    const dir = this.clients.subscriptions;
    if (dir.settings.subscriptionId) return dir.settings.subscriptionId;
    // Discovered subscriptions have no order that means anything: the short form names a subscription only when the
    // identity can read just one (with several, REHEARSAL_SUBNET's entries must be full subnet ids).
    const managed = await dir.managed(options);
    return managed.length === 1 ? managed[0].id : '';
  }

  /**
   * The configured rehearsal network in the subscription of `resourceId` (the VM's, which is its vault's: Azure
   * restores only within the vault's subscription, https://learn.microsoft.com/azure/backup/backup-azure-encrypted-vm-troubleshoot),
   * with its subscription filled in; undefined when that subscription has none. No Azure call for a full id.
   */
  async networkFor<T extends RehearsalNetworkSetting>(
    networks: T[],
    resourceId: string,
    options: OperationOptions = {},
  ): Promise<(T & { subscriptionId: string }) | undefined> {
    const sub = subscriptionOf(resourceId);
    if (!sub) return undefined;
    const explicit = networks.find((n) => n.subscriptionId && sameId(n.subscriptionId, sub));
    if (explicit) return { ...explicit, subscriptionId: explicit.subscriptionId! };
    const short = networks.find((n) => !n.subscriptionId);
    if (!short) return undefined;
    const primary = await this.primarySubscriptionId(options);
    // With several discovered subscriptions the short form names none of them: the refusal asks for a full subnet id.
    return primary !== '' && sameId(primary, sub) ? { ...short, subscriptionId: sub } : undefined;
  }

  /** A managed subscription's display name (its id when unknown), for a refusal that names it. */
  async subscriptionName(subscriptionId: string, options: OperationOptions = {}): Promise<string> {
    const dir = this.clients.subscriptions;
    const known = (await dir.describe(options).catch(() => dir.lastKnown ?? [])).find((s) =>
      sameId(s.id, subscriptionId),
    );
    return known?.name ?? subscriptionId;
  }

  /**
   * The rehearsal subnet, refused unless its virtual network has no peering at all and is tagged for rehearsals
   * (`ade-backup-bot:purpose: rehearsal`): a production subnet is never used, whatever the setting says.
   * Permission: Microsoft.Network/virtualNetworks/read.
   */
  async checkIsolatedSubnet(
    where: { subscriptionId?: string; resourceGroup: string; vnet: string; subnet: string },
    options: OperationOptions = {},
  ): Promise<IsolatedSubnet> {
    return azureCall('checkIsolatedSubnet', async () => {
      const { network } = await this.clients.of(where.subscriptionId ?? '', options);
      const vnet = await network.virtualNetworks.get(where.resourceGroup, where.vnet, {
        abortSignal: options.abortSignal,
      });
      const refuse = (why: string) =>
        new AzureRequestError(`${where.vnet}/${where.subnet} is not an isolated rehearsal network: ${why}`, {
          code: NETWORK_NOT_ISOLATED,
          operation: 'checkIsolatedSubnet',
        });
      const subnet = (vnet.subnets ?? []).find((s) => sameId(s.name, where.subnet));
      if (!subnet?.id) throw refuse('the subnet does not exist.');
      if ((vnet.virtualNetworkPeerings ?? []).length > 0) throw refuse('its virtual network is peered.');
      if (vnet.tags?.[REHEARSAL_PURPOSE_TAG] !== 'rehearsal')
        throw refuse(`its virtual network is not tagged ${REHEARSAL_PURPOSE_TAG}=rehearsal.`);
      return {
        id: subnet.id,
        resourceGroup: where.resourceGroup,
        vnet: where.vnet,
        subnet: where.subnet,
        location: vnet.location ?? '',
      };
    });
  }

  /**
   * Makes the rehearsal network when it does not exist yet (REHEARSAL_NETWORK_PREFIX): one virtual network with one
   * subnet over the whole prefix, tagged for rehearsals, with no peering (peerings are a child resource this never
   * makes), in the existing resource group. An existing network is left as it is (and then checked). Returns whether
   * it made it. Permission: Microsoft.Network/virtualNetworks/read and /write on the resource group.
   */
  async ensureIsolatedNetwork(
    where: { subscriptionId?: string; resourceGroup: string; vnet: string; subnet: string },
    create: { location: string; addressPrefix: string },
    options: OperationOptions = {},
  ): Promise<boolean> {
    return azureCall('ensureIsolatedNetwork', async () => {
      const { network } = await this.clients.of(where.subscriptionId ?? '', options);
      try {
        await network.virtualNetworks.get(where.resourceGroup, where.vnet, {
          abortSignal: options.abortSignal,
        });
        return false;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      await network.virtualNetworks.beginCreateOrUpdateAndWait(
        where.resourceGroup,
        where.vnet,
        {
          location: create.location,
          tags: { [REHEARSAL_PURPOSE_TAG]: 'rehearsal' },
          addressSpace: { addressPrefixes: [create.addressPrefix] },
          subnets: [{ name: where.subnet, addressPrefix: create.addressPrefix }],
        },
        { abortSignal: options.abortSignal, updateIntervalInMs: 10 },
      );
      return true;
    });
  }

  /**
   * Adds the tags to managed disks (a rehearsal's restored disks, the moment its restore job names them, so that a
   * clean-up after any later failure knows them as its own). Permission: Microsoft.Compute/disks/write.
   */
  async tagDisks(diskIds: string[], tags: Record<string, string>, options: OperationOptions = {}): Promise<void> {
    return azureCall('tagDisks', async () => {
      for (const id of diskIds) {
        const d = parseResourceId(id);
        if (!d || !sameId(d.type, 'Microsoft.Compute/disks')) continue;
        // The disk's own subscription (a rehearsal in another managed subscription restores there).
        const { compute } = await this.clients.of(d.id, options);
        const disk = await compute.disks.get(d.resourceGroup, d.name, {
          abortSignal: options.abortSignal,
        });
        await compute.disks.beginUpdateAndWait(
          d.resourceGroup,
          d.name,
          { tags: { ...(disk.tags ?? {}), ...tags } },
          { abortSignal: options.abortSignal, updateIntervalInMs: 10 },
        );
      }
    });
  }

  /**
   * The managed disks a restore job made, as its VM config names them (or found in the target group).
   * Data action: blobs/read on the staging account; Microsoft.Compute/disks/read.
   */
  async restoredDiskIds(
    outputs: RestoreJobOutputs,
    targetResourceGroup: string,
    sourceVmName: string,
    options: OperationOptions & { targetResourceGroupId?: string } = {},
  ): Promise<string[]> {
    return azureCall('restoredDiskIds', async () => {
      const text = await this.staging.readText(
        outputs.stagingAccountName,
        outputs.configContainer,
        outputs.configBlobName,
        options,
      );
      const disks = await resolveRestoredDisks(
        // The target group's subscription (the vault's); the primary one when only its name is known.
        await this.clients.of(options.targetResourceGroupId ?? '', options),
        parseVmConfig(text),
        targetResourceGroup,
        sourceVmName,
        options,
      );
      return [disks.osDiskId, ...disks.dataDisks.map((d) => d.id)];
    });
  }

  /**
   * The restored VM's health from its instance view: provisioning, the guest agent, the ADE extension's report of
   * the volumes' encryption. Permission: Microsoft.Compute/virtualMachines/instanceView/read.
   */
  async getVmHealth(vmId: string, options: OperationOptions = {}): Promise<RestoredVmHealth> {
    return azureCall('getVmHealth', async () => {
      const ref = parseResourceId(vmId);
      if (!ref) throw new AzureRequestError(`'${vmId}' is not a VM id.`, { code: 'InvalidVmId' });
      const { compute } = await this.clients.of(vmId, options);
      const view = await compute.virtualMachines.instanceView(ref.resourceGroup, ref.name, {
        abortSignal: options.abortSignal,
      });
      const provisioning =
        (view.statuses ?? [])
          .map((s) => s.code ?? '')
          .find((c) => c.startsWith('ProvisioningState/'))
          ?.slice('ProvisioningState/'.length)
          .toLowerCase() ?? 'unknown';
      const agent = view.vmAgent?.statuses?.[0];
      const agentReady = agent?.code === 'ProvisioningState/succeeded' && /^ready$/i.test(agent.displayStatus ?? '');
      const ade = (view.extensions ?? []).find((e) => /AzureDiskEncryption(ForLinux)?$/i.test(e.type ?? e.name ?? ''));
      let encryption: RestoredVmHealth['encryption'] = 'unknown';
      for (const s of ade?.substatuses ?? []) {
        const os = osVolumeState(s.message);
        if (os) encryption = /^encrypted$/i.test(os) ? 'encrypted' : 'notEncrypted';
      }
      return { provisioning, agentReady, agentStatus: agent?.displayStatus, encryption };
    });
  }

  /**
   * Deletes one resource a rehearsal made (VM, NIC or managed disk) only if it carries one of `own` (tag name and
   * value: the rehearsal's run id, or its request's create tag): 'notOurs' (left untouched) otherwise, 'gone' when it
   * no longer exists. A VM is deleted first (its disks and NIC
   * are then free). Permission: read and delete on the resource.
   */
  async deleteIfOurs(id: string, own: Record<string, string>, options: OperationOptions = {}): Promise<CleanupOutcome> {
    return azureCall('deleteRehearsalResource', async () => {
      const ref = parseResourceId(id);
      if (!ref) return 'notOurs';
      const { abortSignal } = options;
      const poll = { abortSignal, updateIntervalInMs: 10 };
      const { compute, network } = await this.clients.of(id, options);
      const kind = ref.type.toLowerCase();
      const read = async (): Promise<Record<string, string> | undefined> => {
        try {
          if (kind === 'microsoft.compute/virtualmachines')
            return (await compute.virtualMachines.get(ref.resourceGroup, ref.name, { abortSignal })).tags ?? {};
          if (kind === 'microsoft.compute/disks')
            return (await compute.disks.get(ref.resourceGroup, ref.name, { abortSignal })).tags ?? {};
          if (kind === 'microsoft.network/networkinterfaces')
            return (await network.networkInterfaces.get(ref.resourceGroup, ref.name, { abortSignal })).tags ?? {};
          return {};
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
      };
      const tags = await read();
      if (!tags) return 'gone';
      if (!Object.entries(own).some(([k, v]) => v && tags[k] === v)) return 'notOurs';
      if (kind === 'microsoft.compute/virtualmachines')
        await compute.virtualMachines.beginDeleteAndWait(ref.resourceGroup, ref.name, poll);
      else if (kind === 'microsoft.compute/disks')
        await compute.disks.beginDeleteAndWait(ref.resourceGroup, ref.name, poll);
      else await network.networkInterfaces.beginDeleteAndWait(ref.resourceGroup, ref.name, poll);
      return 'deleted';
    });
  }
}

/** The OS volume's state in an ADE substatus message (`{"os": "Encrypted", …}`), if it names one. */
function osVolumeState(message: string | undefined): string | undefined {
  if (!message) return undefined;
  try {
    const parsed = JSON.parse(message) as { os?: unknown };
    return typeof parsed.os === 'string' ? parsed.os : undefined;
  } catch {
    return undefined;
  }
}
