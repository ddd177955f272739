import { randomUUID } from 'node:crypto';
import { sameId } from '../../authorization/rbac';
import { AzureError, badRequest } from '../../http/errors';
import type { ProviderContext } from '../../http/types';
import type { ResourceGroup } from '../../world/types';

/**
 * The template contract between the sandbox's restore jobs and its deployments: a restore job writes a template whose
 * metadata.sandboxRestore names the job; only such templates are evaluated (the sandbox is no general ARM engine).
 */
export interface SandboxRestoreTemplate {
  $schema?: string;
  outputs?: Record<string, { type?: string; value?: unknown; condition?: unknown }>;
  contentVersion?: string;
  metadata?: { sandboxRestore?: { restoreJobId?: string; vault?: string } };
  parameters?: Record<string, { type?: string; defaultValue?: unknown }>;
  variables?: Record<string, unknown>;
  resources?: {
    type?: string;
    name?: string;
    location?: string;
    properties?: any;
    apiVersion?: string;
    dependsOn?: unknown;
  }[];
}

/** The template a deployment names: inline `template`, or `templateLink.uri` read from the sandbox's blob store. */
export function loadTemplate(
  ctx: ProviderContext,
  properties: any,
): { template: SandboxRestoreTemplate; linkUri?: string } {
  if (properties.template !== undefined && properties.templateLink !== undefined) {
    throw badRequest('InvalidDeployment', "The deployment must specify either 'template' or 'templateLink', not both.");
  }
  if (properties.parametersLink !== undefined) {
    throw badRequest(
      'InvalidDeployment',
      "The sandbox takes deployment parameters inline ('parameters'), not through 'parametersLink'.",
    );
  }
  if (properties.template !== undefined) {
    if (!properties.template || typeof properties.template !== 'object')
      throw badRequest('InvalidTemplate', 'The template must be a JSON object.');
    return { template: properties.template };
  }
  const uri = properties.templateLink?.uri;
  if (typeof uri !== 'string')
    throw badRequest('InvalidDeployment', "The deployment must specify 'template' or 'templateLink.uri'.");
  return { template: readLinkedTemplate(ctx, uri), linkUri: uri };
}

/**
 * Reads a template blob by its URL, path-style (https://127.0.0.1:port/{account}/{container}/{blob}) or host-style
 * ({account}.blob.core.windows.net/{container}/{blob}). A SAS query is ignored; it never appears in messages.
 */
function readLinkedTemplate(ctx: ProviderContext, uri: string): SandboxRestoreTemplate {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw badRequest('InvalidContentLink', `The content link '${uri.split('?')[0]}' is not a valid URI.`);
  }
  const shown = `${url.origin}${url.pathname}`;
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const hostAccount = /^([a-z0-9]+)\.blob\./i.exec(url.hostname)?.[1];
  const [account, container, ...name] = hostAccount ? [hostAccount, ...parts] : parts;
  const blob = ctx.world.blobs[account ?? '']?.[container ?? '']?.[name.join('/')];
  if (!blob) {
    throw badRequest(
      'InvalidContentLink',
      `Unable to download deployment content from '${shown}'. The tracking Id is '${randomUUID()}'. Please see https://aka.ms/arm-deploy for usage details.`,
    );
  }
  try {
    return JSON.parse(Buffer.from(blob.content, 'base64').toString('utf8')) as SandboxRestoreTemplate;
  } catch {
    throw badRequest('InvalidTemplate', `Unable to parse the template content downloaded from '${shown}'.`);
  }
}

/** Refuses templates the sandbox did not write: the marker must name a completed Restore job (and its restored disks). */
export function requireSandboxTemplate(ctx: ProviderContext, t: SandboxRestoreTemplate): void {
  const marker = t.metadata?.sandboxRestore;
  if (!marker?.restoreJobId) {
    throw badRequest(
      'InvalidTemplate',
      'Deployment template validation failed: the sandbox deploys only templates written by its own restore jobs (metadata.sandboxRestore.restoreJobId is missing).',
    );
  }
  const job = ctx.world.jobs.find((j) => sameId(j.id, marker.restoreJobId) && j.operation === 'Restore');
  if (!job || (marker.vault && !sameId(job.vault, marker.vault))) {
    throw badRequest(
      'InvalidTemplate',
      `Deployment template validation failed: restore job '${marker.restoreJobId}' named by the template was not found.`,
    );
  }
  if (job.status !== 'Completed' && job.status !== 'CompletedWithWarnings') {
    throw badRequest(
      'InvalidTemplate',
      `Deployment template validation failed: restore job '${job.id}' has not completed (status '${job.status}').`,
    );
  }
}

/** Template parameters from the deployment's `parameters` ({name: {value}}) and the template's defaults. */
export function resolveParameters(
  t: SandboxRestoreTemplate,
  given: unknown,
): Record<string, { type: string; value: unknown }> {
  const declared = t.parameters ?? {};
  const provided = (given && typeof given === 'object' ? given : {}) as Record<
    string,
    { value?: unknown; reference?: unknown }
  >;
  const names = Object.keys(declared);
  const unknown = Object.keys(provided).filter((p) => !names.some((n) => sameId(n, p)));
  if (unknown.length > 0) {
    throw badRequest(
      'InvalidTemplate',
      `Deployment template validation failed: 'The template parameters '${unknown.join(', ')}' in the parameters file are not valid; they are not present in the original template and can therefore not be provided at deployment time. The only supported parameters for this template are '${names.join(', ')}'.'`,
    );
  }
  const out: Record<string, { type: string; value: unknown }> = {};
  for (const name of names) {
    const key = Object.keys(provided).find((p) => sameId(p, name));
    const entry = key !== undefined ? provided[key] : undefined;
    if (entry?.reference !== undefined)
      throw badRequest(
        'InvalidTemplate',
        `Parameter '${name}': Key Vault references are not supported by the sandbox.`,
      );
    const value = entry && 'value' in entry ? entry.value : declared[name].defaultValue;
    if (value === undefined) {
      throw badRequest(
        'InvalidTemplate',
        `Deployment template validation failed: 'The value for the template parameter '${name}' at line '1' and column '1' is not provided. Please see https://aka.ms/arm-create-parameter-file for usage details.'.`,
      );
    }
    const type = declared[name].type ?? 'string';
    if (type.toLowerCase() === 'string' && typeof value !== 'string') {
      throw badRequest(
        'InvalidTemplate',
        `Deployment template validation failed: 'The provided value for the template parameter '${name}' is not valid. Expected a value of type 'String'.'`,
      );
    }
    out[name] = { type: type.charAt(0).toUpperCase() + type.slice(1), value };
  }
  return out;
}

export const resourceGroupScope = (rg: ResourceGroup) => ({ name: rg.name, location: rg.location });

/** Turns an error found while reading a template resource into the template-level error ARM reports. */
export function asTemplateError(err: unknown, resource: string): never {
  if (err instanceof AzureError && err.code !== 'InvalidTemplate') {
    throw badRequest(
      'InvalidTemplate',
      `Deployment template validation failed: resource '${resource}': ${err.message}`,
    );
  }
  throw err;
}
