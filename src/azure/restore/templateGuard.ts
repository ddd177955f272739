import { AzureRequestError } from '../errors';

/** What the approved plan says the template may create: a VM and its NIC, these names, this group and region. */
export interface TemplateExpectation {
  resourceGroup: string;
  region: string;
  vmName: string;
  nicName: string;
}

const ALLOWED_TYPES = ['microsoft.network/networkinterfaces', 'microsoft.compute/virtualmachines'];

/**
 * Refuses a restore template that holds anything but the plan's resources. The template sits in the staging account,
 * which others can write to after the restore job ends; deploying it as is would run, under the bot's identity,
 * whatever it says. Accepted: exactly one NIC and one VM, their names (literal, or `[parameters('x')]` resolved from
 * the values the bot sends or the parameter's default) equal to the plan's, no other resource group or subscription,
 * the plan's region, no child resources (extensions), no copy loops, no nested or linked deployments, no other types.
 * Returns nothing; throws `RestoreTemplateRefused` with the reason.
 */
export function checkRestoreTemplate(
  template: unknown,
  parameters: Record<string, { value: string }>,
  expected: TemplateExpectation,
): void {
  const refuse = (why: string): never => {
    throw new AzureRequestError(`The restore job's template was not deployed: ${why}`, {
      code: 'RestoreTemplateRefused',
      operation: 'createVm',
    });
  };
  const t = template as { resources?: unknown; parameters?: Record<string, { defaultValue?: unknown }> } | null;
  if (!t || typeof t !== 'object' || !Array.isArray(t.resources)) refuse('it is not a deployment template.');
  const resources = (t!.resources as unknown[]).map((r) => (r ?? {}) as Record<string, unknown>);
  const resolve = (value: unknown): string | undefined => {
    if (typeof value !== 'string') return undefined;
    const m = /^\[\s*parameters\(\s*'([^']+)'\s*\)\s*\]$/i.exec(value);
    if (!m) return value.startsWith('[') ? undefined : value;
    const key = Object.keys(parameters).find((k) => k.toLowerCase() === m[1].toLowerCase());
    if (key) return parameters[key].value;
    const declared = Object.entries(t!.parameters ?? {}).find(([k]) => k.toLowerCase() === m[1].toLowerCase());
    return typeof declared?.[1]?.defaultValue === 'string' ? declared[1].defaultValue : undefined;
  };
  const types = resources.map((r) => String(r.type ?? '').toLowerCase());
  const other = types.find((type) => !ALLOWED_TYPES.includes(type));
  if (other !== undefined) refuse(`it creates a resource of type '${other || 'unknown'}' the plan does not include.`);
  for (const type of ALLOWED_TYPES) {
    const count = types.filter((x) => x === type).length;
    if (count !== 1) refuse(`it must create exactly one ${type.split('/')[1]}, not ${count}.`);
  }
  for (const r of resources) {
    const type = String(r.type).toLowerCase();
    const name = resolve(r.name);
    const want = type === ALLOWED_TYPES[0] ? expected.nicName : expected.vmName;
    if (name === undefined) refuse(`the name of its ${type.split('/')[1]} is an expression the bot cannot check.`);
    if (name!.toLowerCase() !== want.toLowerCase())
      refuse(`it names a ${type.split('/')[1]} '${name}', not the plan's '${want}'.`);
    if (Array.isArray(r.resources) && r.resources.length > 0)
      refuse(`its ${type.split('/')[1]} carries child resources (such as extensions).`);
    if (r.copy !== undefined) refuse('it uses a copy loop.');
    for (const scope of ['resourceGroup', 'subscriptionId', 'scope'] as const) {
      if (r[scope] === undefined) continue;
      if (scope === 'resourceGroup' && resolve(r[scope])?.toLowerCase() === expected.resourceGroup.toLowerCase())
        continue;
      refuse(`it deploys outside the plan's resource group '${expected.resourceGroup}'.`);
    }
    const location = resolve(r.location);
    if (location !== undefined && location.replace(/\s+/g, '').toLowerCase() !== expected.region.toLowerCase())
      refuse(`it places a resource in '${location}', not the plan's region '${expected.region}'.`);
  }
}
