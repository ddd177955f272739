import { isAllowed, sameId } from '../../authorization/rbac';
import { AzureError } from '../../http/errors';
import type { Caller, ProviderContext } from '../../http/types';
import type { ResourceGroup } from '../../world/types';
import { authorizationFailed } from '../resources/common';
import { applyResource, isDeployableType, type DeployedResource } from './apply';
import { evaluateValue, invalidTemplate, type LanguageScope } from './language';
import { resolveParameters, TYPE_NAMES, type ParameterDeclaration } from './parameters';

/**
 * General ARM templates (infra/): parameters with types, defaults and allowed values; variables; the functions of
 * language.ts; `condition`; `copy` loops on resources; `dependsOn` order; nested inline deployments with
 * expressionEvaluationOptions.scope 'inner' into another resource group or the subscription; extension resources
 * with `scope`; outputs. Syntax: https://learn.microsoft.com/azure/azure-resource-manager/templates/syntax
 */
export interface GeneralTemplate {
  $schema?: string;
  parameters?: Record<string, ParameterDeclaration>;
  variables?: Record<string, unknown>;
  resources?: any[];
  outputs?: Record<string, { type?: string; value?: unknown; condition?: unknown }>;
}

export interface DeploymentTarget {
  subscriptionId: string;
  /** Undefined for a subscription-scope (nested) deployment. */
  resourceGroup?: ResourceGroup;
}

export interface DeploymentResult {
  outputs: Record<string, { type: string; value: unknown }>;
  outputResources: string[];
  /** Parameters as ARM echoes them: secure ones without their value. */
  parameters: Record<string, { type: string; value?: unknown }>;
}

interface Instance {
  raw: any;
  loop?: { name: string; index: number };
  type: string;
  name: string;
  id: string;
  dependsOn: string[];
  subscriptionId: string;
  resourceGroup?: string;
}

/** A template ready to deploy: validated and expanded (everything but the bodies, evaluated in dependency order). */
export class GeneralDeployment {
  private readonly parameterValues = new Map<string, unknown>();
  private readonly variableValues = new Map<string, unknown>();
  private readonly state = new Map<string, unknown>();
  private readonly instances: Instance[];
  readonly parameters: DeploymentResult['parameters'] = {};

  constructor(
    private readonly ctx: ProviderContext,
    private readonly target: DeploymentTarget,
    private readonly template: GeneralTemplate,
    given: Record<string, { value?: unknown; reference?: unknown }>,
  ) {
    const resolved = resolveParameters(this.template.parameters ?? {}, given, (v) => evaluateValue(v, this.scope()));
    for (const [name, value] of resolved.values) this.parameterValues.set(name, value);
    Object.assign(this.parameters, resolved.echo);
    this.instances = this.order(this.expand());
  }

  private scope(loop?: Instance['loop']): LanguageScope {
    const t = this.target;
    return {
      subscriptionId: t.subscriptionId,
      tenantId: this.ctx.world.tenantId,
      resourceGroup: t.resourceGroup ? { name: t.resourceGroup.name, location: t.resourceGroup.location } : undefined,
      parameters: (name) => this.parameter(name),
      variables: (name) => this.variable(name),
      copyIndex: loop
        ? (name) => {
            if (name && !sameId(name, loop.name)) throw invalidTemplate(`The copy loop '${name}' is not found`);
            return loop.index;
          }
        : undefined,
      reference: (id) => this.reference(id),
    };
  }

  private parameter(name: string): unknown {
    const key = [...this.parameterValues.keys()].find((k) => sameId(k, name));
    if (key === undefined) throw invalidTemplate(`The template parameter '${name}' is not found`);
    return this.parameterValues.get(key);
  }

  /** Variables are evaluated on first use (they may use one another), never with reference(). */
  private variable(name: string): unknown {
    const declared = this.template.variables ?? {};
    const key = Object.keys(declared).find((k) => sameId(k, name));
    if (key === undefined) throw invalidTemplate(`The template variable '${name}' is not found`);
    if (!this.variableValues.has(key)) {
      const scope = {
        ...this.scope(),
        reference: () => {
          throw invalidTemplate(
            `The template variable '${key}' is not valid: the reference function cannot be used in variables`,
          );
        },
      };
      this.variableValues.set(key, evaluateValue(declared[key], scope));
    }
    return this.variableValues.get(key);
  }

  /** Every resource instance (copy loops unrolled, false conditions dropped), with its id. */
  private expand(): Instance[] {
    const out: Instance[] = [];
    for (const raw of this.template.resources ?? []) {
      const copy = raw.copy;
      const loops: (Instance['loop'] | undefined)[] = [];
      if (copy) {
        const count = evaluateValue(copy.count, this.scope());
        if (!Number.isInteger(count) || (count as number) < 0)
          throw invalidTemplate(`The copy count of '${copy.name}' must be a non-negative integer`);
        for (let i = 0; i < (count as number); i++) loops.push({ name: String(copy.name), index: i });
      } else loops.push(undefined);
      for (const loop of loops) {
        const scope = this.scope(loop);
        if (raw.condition !== undefined && evaluateValue(raw.condition, scope) !== true) continue;
        const type = String(evaluateValue(raw.type, scope));
        const name = String(evaluateValue(raw.name, scope));
        if (!isDeployableType(type)) {
          throw invalidTemplate(`The resource type '${type}' of '${name}' is not supported by the sandbox`);
        }
        const sub =
          raw.subscriptionId !== undefined
            ? String(evaluateValue(raw.subscriptionId, scope))
            : this.target.subscriptionId;
        const rg = raw.resourceGroup !== undefined ? String(evaluateValue(raw.resourceGroup, scope)) : undefined;
        const dependsOn = ((raw.dependsOn ?? []) as unknown[]).map((d) => String(evaluateValue(d, scope)));
        const resourceScope = raw.scope !== undefined ? String(evaluateValue(raw.scope, scope)) : undefined;
        out.push({
          raw,
          loop,
          type,
          name,
          id: this.idOf(type, name, resourceScope),
          dependsOn,
          subscriptionId: sub,
          resourceGroup: this.targetGroup(type, rg, raw.subscriptionId !== undefined),
        });
      }
    }
    return out;
  }

  /**
   * Where a resource goes: this deployment's resource group, except a nested deployment's own target: its
   * resourceGroup, or the subscription when it names a subscriptionId and no resource group.
   */
  private targetGroup(type: string, rg: string | undefined, namesSubscription: boolean): string | undefined {
    if (!sameId(type, 'Microsoft.Resources/deployments')) return this.target.resourceGroup?.name;
    if (rg !== undefined) return rg;
    return namesSubscription ? undefined : this.target.resourceGroup?.name;
  }

  private scopeId(): string {
    const t = this.target;
    return t.resourceGroup
      ? `/subscriptions/${t.subscriptionId}/resourceGroups/${t.resourceGroup.name}`
      : `/subscriptions/${t.subscriptionId}`;
  }

  /** The id ARM gives a template resource: extension resources hang off their `scope`, role definitions off the subscription. */
  private idOf(type: string, name: string, scope?: string): string {
    const [ns, ...types] = type.split('/');
    const names = name.split('/');
    if (types.length !== names.length)
      throw invalidTemplate(`The resource name '${name}' does not match the segments of type '${type}'`);
    const path = `providers/${ns}/${types.map((t, i) => `${t}/${names[i]}`).join('/')}`;
    if (sameId(type, 'Microsoft.Authorization/roleDefinitions'))
      return `/subscriptions/${this.target.subscriptionId}/${path}`;
    if (sameId(type, 'Microsoft.Resources/deployments')) return `${this.scopeId()}/${path}`;
    if (scope !== undefined) {
      const base = scope.startsWith('/') ? scope.replace(/\/+$/, '') : `${this.scopeId()}/providers/${scope}`;
      return `${base}/${path}`;
    }
    return `${this.scopeId()}/${path}`;
  }

  /** dependsOn order (resource ids, names or copy loop names); a dependency on a dropped resource is ignored. */
  private order(all: Instance[]): Instance[] {
    const deps = new Map<Instance, Instance[]>();
    for (const i of all) {
      deps.set(
        i,
        i.dependsOn.flatMap((d) => {
          const found = all.filter(
            (o) =>
              o !== i &&
              (sameId(o.id, d) ||
                sameId(o.name, d) ||
                sameId(`${o.type}/${o.name}`, d) ||
                (o.loop && sameId(o.loop.name, d))),
          );
          return found;
        }),
      );
    }
    const done = new Set<Instance>();
    const ordered: Instance[] = [];
    while (ordered.length < all.length) {
      const next = all.find((i) => !done.has(i) && deps.get(i)!.every((d) => done.has(d)));
      if (!next)
        throw invalidTemplate('Deployment template validation failed: circular dependency detected on resource');
      done.add(next);
      ordered.push(next);
    }
    return ordered;
  }

  private reference(id: string): unknown {
    const key = id.toLowerCase();
    if (this.state.has(key)) return this.state.get(key);
    if (this.instances?.some((i) => sameId(i.id, id))) {
      throw invalidTemplate(`The resource '${id}' is referenced before it is deployed: add it to dependsOn`);
    }
    const w = this.ctx.world;
    const identity = w.identities.find((i) =>
      sameId(
        `/subscriptions/${w.subscriptionId}/resourceGroups/${i.resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${i.name}`,
        id,
      ),
    );
    if (identity) return { tenantId: w.tenantId, principalId: identity.objectId, clientId: identity.clientId };
    const stored = w.armResources.find((r) => sameId(r.id, id));
    if (stored) return stored.properties;
    throw new AzureError(404, 'ResourceNotFound', `The Resource '${id}' was not found.`);
  }

  /** Deploys every resource in order as the caller; the first failure stops the deployment (ARM: DeploymentFailed). */
  run(caller: Caller | undefined): DeploymentResult {
    const outputResources: string[] = [];
    for (const i of this.instances) {
      const scope = this.scope(i.loop);
      if (sameId(i.type, 'Microsoft.Resources/deployments')) {
        const result = this.nested(caller, i, scope);
        outputResources.push(...result.outputResources);
        this.state.set(i.id.toLowerCase(), { outputs: result.outputs });
        continue;
      }
      const body = evaluateValue(
        { ...i.raw, copy: undefined, dependsOn: undefined, condition: undefined },
        scope,
      ) as Record<string, any>;
      const resource: DeployedResource = {
        id: i.id,
        type: i.type,
        name: i.name,
        subscriptionId: i.subscriptionId,
        resourceGroup: i.resourceGroup,
        body,
      };
      this.state.set(i.id.toLowerCase(), applyResource(this.ctx, caller, resource));
      outputResources.push(i.id);
    }
    const outputs: DeploymentResult['outputs'] = {};
    for (const [name, o] of Object.entries(this.template.outputs ?? {})) {
      if (o.condition !== undefined && evaluateValue(o.condition, this.scope()) !== true) continue;
      const type = (o.type ?? 'string').toLowerCase();
      outputs[name] = { type: TYPE_NAMES[type] ?? type, value: evaluateValue(o.value, this.scope()) };
    }
    return { outputs, outputResources, parameters: this.parameters };
  }

  private nested(caller: Caller | undefined, i: Instance, scope: LanguageScope): DeploymentResult {
    const p = i.raw.properties ?? {};
    if (String(p.expressionEvaluationOptions?.scope ?? 'outer').toLowerCase() !== 'inner') {
      throw invalidTemplate(
        `Nested deployment '${i.name}': the sandbox evaluates nested templates with expressionEvaluationOptions.scope 'inner' only`,
      );
    }
    if (!p.template || typeof p.template !== 'object') {
      throw invalidTemplate(`Nested deployment '${i.name}': the sandbox takes inline templates only (no templateLink)`);
    }
    const w = this.ctx.world;
    if (!sameId(i.subscriptionId, w.subscriptionId))
      throw new AzureError(404, 'SubscriptionNotFound', `The subscription '${i.subscriptionId}' could not be found.`);
    const rg =
      i.resourceGroup === undefined ? undefined : w.resourceGroups.find((g) => sameId(g.name, i.resourceGroup));
    if (i.resourceGroup !== undefined && !rg)
      throw new AzureError(404, 'ResourceGroupNotFound', `Resource group '${i.resourceGroup}' could not be found.`);
    const targetScope = rg
      ? `/subscriptions/${w.subscriptionId}/resourceGroups/${rg.name}`
      : `/subscriptions/${w.subscriptionId}`;
    const action = 'Microsoft.Resources/deployments/write';
    const deploymentId = `${targetScope}/providers/Microsoft.Resources/deployments/${i.name}`;
    if (caller && !isAllowed(w, caller.objectId, { action, scope: deploymentId }))
      throw authorizationFailed(caller, action, deploymentId);
    const given = evaluateValue(p.parameters ?? {}, scope) as Record<string, { value?: unknown }>;
    const inner = new GeneralDeployment(
      this.ctx,
      { subscriptionId: w.subscriptionId, resourceGroup: rg },
      p.template,
      given,
    );
    const result = inner.run(caller);
    if (rg) {
      const existing = w.deployments.find((d) => sameId(d.resourceGroup, rg.name) && sameId(d.name, i.name));
      const record = {
        name: i.name,
        resourceGroup: rg.name,
        provisioningState: 'Succeeded' as const,
        timestamp: this.ctx.engine.nowIso(),
        parameters: result.parameters,
        outputs: result.outputs,
        outputResources: result.outputResources,
      };
      if (existing) Object.assign(existing, record);
      else w.deployments.push(record);
    }
    return result;
  }
}
