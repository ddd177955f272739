import { badRequest, notFound } from '../http/errors';
import type { Route, SandboxRequest } from '../http/types';
import { rgId } from '../http/arm';
import { COMPUTE_API_VERSIONS } from './resources/apiVersions';
import { NETWORK_API_VERSIONS } from './resources/apiVersions';
import { requireResourceGroup } from './resources/common';
import { requireVm, VM_TYPE } from './compute/lookup';
import { vmBody } from './compute/vmBody';
import { findNic, NIC_TYPE, nicBody } from './network/bodies';

/**
 * Tags on the resources a restore creates (the bot tags the restored VM, its NIC and disks with the request, the
 * requester and the approver). Azure's shapes:
 * - VM: PATCH …/virtualMachines/{vm} with a VirtualMachineUpdate body, answered 200 with the VM
 *   (https://learn.microsoft.com/rest/api/compute/virtual-machines/update; azure-rest-api-specs
 *   specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-07-01/examples/virtualMachineExamples/VirtualMachine_Update_MaximumSet_Gen.json).
 *   The sandbox applies `tags` only; a body changing anything else is refused (the sandbox does not model it).
 * - NIC: PATCH …/networkInterfaces/{nic} with a TagsObject, answered 200 with the NIC
 *   (https://learn.microsoft.com/rest/api/virtualnetwork/network-interfaces/update-tags).
 * PATCH replaces the whole tag set with the one given, as Azure does for `tags` in an update body.
 * Disks take tags on their existing PATCH (diskRoutes.ts).
 */
export function parseTags(body: unknown): Record<string, string> {
  const tags = (body as { tags?: unknown } | undefined)?.tags;
  if (!tags || typeof tags !== 'object' || Array.isArray(tags))
    throw badRequest('InvalidRequestContent', "The request body must have a 'tags' object.");
  const entries = Object.entries(tags as Record<string, unknown>);
  // https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations: 50 tags, names
  // up to 512 characters without < > % & \ ? /, values up to 256 characters.
  if (entries.length > 50) throw badRequest('InvalidTag', 'A resource can have at most 50 tags.');
  for (const [name, value] of entries) {
    if (!name || name.length > 512 || /[<>%&\\?/]/.test(name))
      throw badRequest('InvalidTagNameCharacters', `The tag name '${name}' has characters that are not allowed.`);
    if (typeof value !== 'string' || value.length > 256)
      throw badRequest('InvalidTag', `The value of tag '${name}' must be a string of at most 256 characters.`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

const rgPath = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers';
const scope = (req: SandboxRequest, type: string, name: string) =>
  `${rgId(req.params.subscriptionId, req.params.resourceGroupName)}/providers/${type}/${name}`;

export const tagRoutes: Route[] = [
  {
    id: 'virtualMachines.update',
    method: 'PATCH',
    path: `${rgPath}/Microsoft.Compute/virtualMachines/{vmName}`,
    apiVersions: COMPUTE_API_VERSIONS,
    permission: (req) => ({ action: `${VM_TYPE}/write`, scope: scope(req, VM_TYPE, req.params.vmName) }),
    handler: (req, ctx) => {
      const vm = requireVm(req, ctx);
      const other = Object.keys((req.body ?? {}) as object).filter((k) => k !== 'tags');
      if (other.length)
        throw badRequest('BadRequest', `The sandbox updates only tags on a VM (got ${other.join(', ')}).`);
      vm.tags = parseTags(req.body);
      return { status: 200, body: vmBody(ctx, vm) };
    },
  },
  {
    id: 'networkInterfaces.updateTags',
    method: 'PATCH',
    path: `${rgPath}/Microsoft.Network/networkInterfaces/{networkInterfaceName}`,
    apiVersions: NETWORK_API_VERSIONS,
    permission: (req) => ({
      action: `${NIC_TYPE}/write`,
      scope: scope(req, NIC_TYPE, req.params.networkInterfaceName),
    }),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      const nic = findNic(ctx, rg.name, req.params.networkInterfaceName);
      if (!nic) throw notFound(NIC_TYPE, req.params.networkInterfaceName, rg.name);
      nic.tags = parseTags(req.body);
      return { status: 200, body: nicBody(ctx, nic) };
    },
  },
];
