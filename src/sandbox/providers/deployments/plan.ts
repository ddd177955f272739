import { tagsOf } from '../../http/conditional';
import { isAllowed, sameId } from '../../authorization/rbac';
import { resourceId } from '../../http/arm';
import { AzureError, badRequest } from '../../http/errors';
import type { Caller, ProviderContext } from '../../http/types';
import type { ResourceGroup } from '../../world/types';
import { parseVmBody, type VmSpec } from '../compute/vmSpec';
import type { NicSpec } from '../network/nicApply';
import { evaluate, type ExpressionScope } from './expressions';
import { asTemplateError, type SandboxRestoreTemplate } from './template';

/** What a restore template will create, in order: network interfaces first, then the VMs that use them. */
export interface DeploymentPlan {
  nics: NicSpec[];
  vms: VmSpec[];
  /** Each resource's `tags`, by lower-cased resource id (ARM applies a template resource's tags as a PUT does). */
  tags: Record<string, Record<string, string>>;
}

const NIC = 'Microsoft.Network/networkInterfaces';
const VM = 'Microsoft.Compute/virtualMachines';

/**
 * Evaluates a sandbox restore template against its parameters. A NIC's subnet comes from its ipConfigurations or,
 * failing that, from the contract's VirtualNetwork / VirtualNetworkResourceGroup / Subnet parameters; a VM without
 * a networkProfile gets the template's NICs. Disks must be ones the named restore job produced, when it lists them.
 */
export function planDeployment(
  ctx: ProviderContext,
  rg: ResourceGroup,
  t: SandboxRestoreTemplate,
  parameters: Record<string, unknown>,
): DeploymentPlan {
  const sub = ctx.world.subscriptionId;
  const scope: ExpressionScope = {
    subscriptionId: sub,
    resourceGroup: { name: rg.name, location: rg.location },
    parameters,
    variables: {},
  };
  scope.variables = (evaluate(t.variables ?? {}, scope) ?? {}) as Record<string, unknown>;
  const resources = Array.isArray(t.resources) ? t.resources : [];
  if (resources.length === 0)
    throw badRequest('InvalidTemplate', 'Deployment template validation failed: the template has no resources.');
  const plan: DeploymentPlan = { nics: [], vms: [], tags: {} };
  const vmResources: any[] = [];

  for (const raw of resources) {
    const r = evaluate(raw, scope) as any;
    const name = typeof r?.name === 'string' ? r.name : undefined;
    if (!name)
      throw badRequest('InvalidTemplate', 'Deployment template validation failed: every resource needs a name.');
    const location = typeof r.location === 'string' ? r.location : rg.location;
    if (r.tags && typeof r.tags === 'object' && (sameId(r.type, NIC) || sameId(r.type, VM))) {
      plan.tags[resourceId(sub, rg.name, sameId(r.type, NIC) ? NIC : VM, name).toLowerCase()] = tagsOf(r);
    }
    if (sameId(r.type, NIC)) {
      const configured = r.properties?.ipConfigurations?.[0]?.properties?.subnet?.id;
      plan.nics.push({
        name,
        resourceGroup: rg.name,
        location,
        subnetId: typeof configured === 'string' ? configured : subnetFromParameters(sub, rg, parameters, name),
      });
    } else if (sameId(r.type, VM)) {
      vmResources.push({ ...r, name, location });
    } else {
      throw badRequest(
        'InvalidTemplate',
        `Deployment template validation failed: the resource type '${String(r?.type)}' of '${name}' is not supported by the sandbox.`,
      );
    }
  }

  const nicIds = plan.nics.map((n) => resourceId(sub, n.resourceGroup, NIC, n.name));
  for (const r of vmResources) {
    const properties = { ...(r.properties ?? {}) };
    if (!properties.networkProfile?.networkInterfaces?.length) {
      properties.networkProfile = {
        networkInterfaces: nicIds.map((id, i) => ({ id, properties: { primary: i === 0 } })),
      };
    }
    try {
      plan.vms.push(parseVmBody({ location: r.location, properties }, { name: r.name, resourceGroup: rg.name }));
    } catch (err) {
      asTemplateError(err, r.name);
    }
  }
  return plan;
}

function subnetFromParameters(
  sub: string,
  rg: ResourceGroup,
  parameters: Record<string, unknown>,
  nicName: string,
): string {
  const get = (name: string) => {
    const key = Object.keys(parameters).find((k) => sameId(k, name));
    return key !== undefined && typeof parameters[key] === 'string' ? (parameters[key] as string) : undefined;
  };
  const vnet = get('VirtualNetwork');
  const subnet = get('Subnet');
  if (!vnet || !subnet) {
    throw badRequest(
      'InvalidTemplate',
      `Deployment template validation failed: network interface '${nicName}' names no subnet (parameters 'VirtualNetwork' and 'Subnet').`,
    );
  }
  return `${resourceId(sub, get('VirtualNetworkResourceGroup') ?? rg.name, 'Microsoft.Network/virtualNetworks', vnet)}/subnets/${subnet}`;
}

/** The template's disks must be ones its restore job produced, when the job records them. */
export function requireRestoredDisks(ctx: ProviderContext, t: SandboxRestoreTemplate, plan: DeploymentPlan): void {
  const job = ctx.world.jobs.find((j) => sameId(j.id, t.metadata?.sandboxRestore?.restoreJobId));
  const restored = job?.restoredDiskIds;
  if (!restored) return;
  for (const vm of plan.vms) {
    for (const id of [vm.osDiskId, ...vm.dataDisks.map((d) => d.id)]) {
      if (!restored.some((r) => sameId(r, id))) {
        throw badRequest(
          'InvalidTemplate',
          `Deployment template validation failed: disk '${id}' was not restored by job '${job.id}'.`,
        );
      }
    }
  }
}

/**
 * ARM's preflight: before it accepts a deployment it checks that the caller may write every resource in the
 * template, and refuses the whole deployment (403 InvalidTemplateDeployment) naming the first one it may not.
 */
export function preflight(ctx: ProviderContext, caller: Caller | undefined, plan: DeploymentPlan): void {
  if (!caller) return;
  const sub = ctx.world.subscriptionId;
  const targets = [
    ...plan.nics.map((n) => ({ name: n.name, type: NIC, id: resourceId(sub, n.resourceGroup, NIC, n.name) })),
    ...plan.vms.map((v) => ({ name: v.name, type: VM, id: resourceId(sub, v.resourceGroup, VM, v.name) })),
  ];
  for (const t of targets) {
    const action = `${t.type}/write`;
    if (isAllowed(ctx.world, caller.objectId, { action, scope: t.id })) continue;
    throw new AzureError(
      403,
      'InvalidTemplateDeployment',
      `The template deployment failed with error: 'Authorization failed for template resource '${t.name}' of type '${t.type}'. The client '${caller.appId}' with object id '${caller.objectId}' does not have permission to perform action '${action}' at scope '${t.id}'.'.`,
    );
  }
}
