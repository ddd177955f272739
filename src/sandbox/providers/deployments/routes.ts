import { sameId } from '../../authorization/rbac';
import { absoluteUrl, rgId } from '../../http/arm';
import { AzureError, badRequest, notFound } from '../../http/errors';
import type { Caller, ProviderContext, Route, SandboxRequest } from '../../http/types';
import type { Deployment, ResourceGroup } from '../../world/types';
import { applyVm } from '../compute/vmApply';
import { nicId } from '../network/bodies';
import { applyNic } from '../network/nicApply';
import { DEPLOYMENTS_API_VERSIONS } from '../resources/apiVersions';
import { requireAccess, requireResourceGroup, stableGuid } from '../resources/common';
import { planDeployment, preflight, requireRestoredDisks, type DeploymentPlan } from './plan';
import { GeneralDeployment, type GeneralTemplate } from './general';
import { loadTemplate, requireSandboxTemplate, resolveParameters } from './template';

// @azure/arm-resourcesdeployments writes 'resourcegroups' in lower case; routes match literals case-insensitively.
const DEPLOYMENT_PATH =
  '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.Resources/deployments/{deploymentName}';
const TYPE = 'Microsoft.Resources/deployments';
const scope = (req: SandboxRequest) =>
  `${rgId(req.params.subscriptionId, req.params.resourceGroupName)}/providers/${TYPE}/${req.params.deploymentName}`;
const deploymentId = (ctx: ProviderContext, d: Deployment) =>
  `${rgId(ctx.world.subscriptionId, d.resourceGroup)}/providers/${TYPE}/${d.name}`;

function requireDeployment(req: SandboxRequest, ctx: ProviderContext): Deployment {
  const rg = requireResourceGroup(req, ctx);
  const d = ctx.world.deployments.find(
    (x) => sameId(x.resourceGroup, rg.name) && sameId(x.name, req.params.deploymentName),
  );
  if (!d)
    throw new AzureError(404, 'DeploymentNotFound', `Deployment '${req.params.deploymentName}' could not be found.`);
  return d;
}

export function deploymentBody(ctx: ProviderContext, d: Deployment): Record<string, unknown> {
  const id = deploymentId(ctx, d);
  return {
    id,
    name: d.name,
    type: TYPE,
    properties: {
      templateHash: stableGuid(`template:${id}`).replace(/-/g, '').slice(0, 20),
      ...(d.templateLinkUri ? { templateLink: { uri: d.templateLinkUri, contentVersion: '1.0.0.0' } } : {}),
      parameters: d.parameters ?? {},
      mode: 'Incremental',
      provisioningState: d.provisioningState,
      timestamp: d.timestamp,
      correlationId: stableGuid(`correlation:${id}:${d.operationId ?? ''}`),
      providers: [],
      dependencies: [],
      outputs: d.outputs ?? {},
      outputResources: (d.outputResources ?? []).map((r) => ({ id: r })),
      ...(d.error ? { error: d.error } : {}),
    },
  };
}

/**
 * Creates the planned resources as the caller (ARM deploys with the caller's rights), with the same consequences as
 * the compute and network PUTs. A failing resource fails the deployment with DeploymentFailed naming its error.
 */
function deploy(ctx: ProviderContext, caller: Caller | undefined, d: Deployment, plan: DeploymentPlan): void {
  const created: string[] = [];
  try {
    for (const nic of plan.nics) {
      const id = nicId(ctx, nic);
      requireAccess(ctx, caller, { action: 'Microsoft.Network/networkInterfaces/write', scope: id });
      applyNic(ctx, caller, nic).nic.tags = plan.tags[id.toLowerCase()] ?? {};
      created.push(id);
    }
    for (const vm of plan.vms) {
      const id = `${rgId(ctx.world.subscriptionId, vm.resourceGroup)}/providers/Microsoft.Compute/virtualMachines/${vm.name}`;
      requireAccess(ctx, caller, { action: 'Microsoft.Compute/virtualMachines/write', scope: id });
      applyVm(ctx, caller, vm, 'Succeeded').vm.tags = plan.tags[id.toLowerCase()] ?? {};
      created.push(id);
    }
    d.provisioningState = 'Succeeded';
  } catch (err) {
    if (!(err instanceof AzureError)) throw err;
    d.provisioningState = 'Failed';
    d.error = {
      code: 'DeploymentFailed',
      message:
        'At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.',
      details: [{ code: err.code, message: err.message }],
    };
  }
  d.outputResources = created;
  d.timestamp = ctx.engine.nowIso();
}

function createOrUpdate(req: SandboxRequest, ctx: ProviderContext) {
  const rg: ResourceGroup = requireResourceGroup(req, ctx);
  const existing = ctx.world.deployments.find(
    (x) => sameId(x.resourceGroup, rg.name) && sameId(x.name, req.params.deploymentName),
  );
  if (existing?.provisioningState === 'Running') {
    throw new AzureError(
      409,
      'DeploymentActive',
      `Unable to edit or replace deployment '${existing.name}': previous deployment from '${existing.timestamp}' is still active (state: Running). Please see https://aka.ms/arm-deploy-resources for usage details.`,
    );
  }
  const properties = req.body?.properties;
  if (!properties || typeof properties !== 'object')
    throw badRequest('InvalidRequestContent', "The request content was invalid: 'properties' is required.");
  if (properties.mode !== undefined && properties.mode !== 'Incremental') {
    throw badRequest(
      'InvalidDeployment',
      `The sandbox deploys in 'Incremental' mode only (got '${String(properties.mode)}').`,
    );
  }
  // Validation ARM does before it accepts the deployment: template, marker, parameters, expressions.
  const { template, linkUri } = loadTemplate(ctx, properties);
  // A template that no restore job wrote is a general one (infra/): evaluated by general.ts.
  if (!template.metadata?.sandboxRestore) return createGeneral(req, ctx, rg, existing, template, linkUri);
  requireSandboxTemplate(ctx, template);
  const parameters = resolveParameters(template, properties.parameters);
  const plan = planDeployment(
    ctx,
    rg,
    template,
    Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, v.value])),
  );
  requireRestoredDisks(ctx, template, plan);
  preflight(ctx, req.caller, plan);

  const d = running(req, ctx, rg, existing, parameters, linkUri);
  const caller = req.caller;
  const op = ctx.engine.startOperation(ctx.timing.lroMs, () => {
    deploy(ctx, caller, d, plan);
    return d.provisioningState === 'Succeeded' ? { status: 'Succeeded' } : { status: 'Failed', error: d.error };
  });
  d.operationId = op.id;
  return accepted(req, ctx, d, !!existing, op.id);
}

/**
 * A general template (infra/): parameters and expansion are validated now (400 InvalidTemplate); the resources are
 * deployed in dependency order when the operation completes, as the caller. A resource the caller may not write fails
 * the deployment with DeploymentFailed naming it (ARM deploys with the caller's rights).
 */
function createGeneral(
  req: SandboxRequest,
  ctx: ProviderContext,
  rg: ResourceGroup,
  existing: Deployment | undefined,
  template: GeneralTemplate,
  linkUri: string | undefined,
) {
  const given = (req.body.properties.parameters ?? {}) as Record<string, { value?: unknown }>;
  const general = new GeneralDeployment(
    ctx,
    { subscriptionId: ctx.world.subscriptionId, resourceGroup: rg },
    template,
    given,
  );
  const d = running(req, ctx, rg, existing, general.parameters, linkUri);
  const caller = req.caller;
  const op = ctx.engine.startOperation(ctx.timing.lroMs, () => {
    try {
      const result = general.run(caller);
      Object.assign(d, {
        provisioningState: 'Succeeded',
        outputs: result.outputs,
        outputResources: result.outputResources,
      });
    } catch (err) {
      if (!(err instanceof AzureError)) throw err;
      d.provisioningState = 'Failed';
      d.error = {
        code: 'DeploymentFailed',
        message:
          'At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.',
        details: [{ code: err.code, message: err.message }],
      };
    }
    d.timestamp = ctx.engine.nowIso();
    return d.provisioningState === 'Succeeded' ? { status: 'Succeeded' } : { status: 'Failed', error: d.error };
  });
  d.operationId = op.id;
  return accepted(req, ctx, d, !!existing, op.id);
}

/** The deployment record of a PUT, new or existing, reset to Running (ARM replaces a deployment of the same name). */
function running(
  req: SandboxRequest,
  ctx: ProviderContext,
  rg: ResourceGroup,
  existing: Deployment | undefined,
  parameters: Deployment['parameters'],
  linkUri: string | undefined,
): Deployment {
  const d: Deployment = existing ?? {
    name: req.params.deploymentName,
    resourceGroup: rg.name,
    provisioningState: 'Running',
    timestamp: ctx.engine.nowIso(),
  };
  Object.assign(d, {
    provisioningState: 'Running',
    timestamp: ctx.engine.nowIso(),
    parameters,
    outputs: {},
    outputResources: [],
    error: undefined,
    templateLinkUri: linkUri?.split('?')[0],
  });
  if (!existing) ctx.world.deployments.push(d);
  return d;
}

/** A PUT of a deployment answered as ARM does: 201 (200 when it existed), Azure-AsyncOperation to poll. */
function accepted(req: SandboxRequest, ctx: ProviderContext, d: Deployment, existed: boolean, operationId: string) {
  return {
    status: existed ? 200 : 201,
    headers: {
      'Azure-AsyncOperation': absoluteUrl(req, `${deploymentId(ctx, d)}/operationStatuses/${operationId}`),
      'Retry-After': String(ctx.timing.retryAfterSeconds),
    },
    body: deploymentBody(ctx, d),
  };
}

export const deploymentRoutes: Route[] = [
  {
    id: 'deployments.createOrUpdate',
    method: 'PUT',
    path: DEPLOYMENT_PATH,
    apiVersions: DEPLOYMENTS_API_VERSIONS,
    permission: (req) => ({ action: `${TYPE}/write`, scope: scope(req) }),
    handler: createOrUpdate,
  },
  {
    id: 'deployments.get',
    method: 'GET',
    path: DEPLOYMENT_PATH,
    apiVersions: DEPLOYMENTS_API_VERSIONS,
    permission: (req) => ({ action: `${TYPE}/read`, scope: scope(req) }),
    handler: (req, ctx) => ({ status: 200, body: deploymentBody(ctx, requireDeployment(req, ctx)) }),
  },
  {
    // The deployment's Azure-AsyncOperation: Running until the engine settles it, then Succeeded or Failed (with the error).
    id: 'deployments.operationStatuses.get',
    method: 'GET',
    path: `${DEPLOYMENT_PATH}/operationStatuses/{operationId}`,
    apiVersions: DEPLOYMENTS_API_VERSIONS,
    permission: (req) => ({ action: `${TYPE}/operationstatuses/read`, scope: scope(req) }),
    handler: (req, ctx) => {
      const d = requireDeployment(req, ctx);
      const op = ctx.engine.getOperation(req.params.operationId);
      if (!op || !sameId(op.id, d.operationId))
        throw notFound(`${TYPE}/operationStatuses`, req.params.operationId, d.resourceGroup);
      const running = d.provisioningState === 'Running';
      return {
        status: 200,
        headers: running ? { 'Retry-After': String(ctx.timing.retryAfterSeconds) } : undefined,
        body: { status: d.provisioningState, ...(d.error ? { error: d.error } : {}) },
      };
    },
  },
];
