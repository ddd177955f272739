import { AzureError } from './errors';
import type { SandboxRequest } from './types';

/**
 * `If-None-Match: *` on a PUT: create only, never overwrite. The SDK documents the header on create calls
 * ("Set to '*' to allow a new record set to be created, but to prevent updating an existing record set":
 * @azure/arm-compute VirtualMachinesCreateOrUpdateOptionalParams.ifNoneMatch, spec
 * specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-07-01/virtualMachine.json), and the
 * Azure REST API guidelines (github.com/microsoft/api-guidelines, azure/Guidelines.md, "Conditional requests") answer
 * a failed precondition with 412 Precondition Failed in the ARM error body. No Microsoft source shows the exact
 * error code string; the sandbox uses 'PreconditionFailed', the status's own name.
 */
export function requireAbsentIfNoneMatch(req: SandboxRequest, exists: boolean, type: string, name: string): void {
  const header = req.headers['if-none-match'];
  const value = Array.isArray(header) ? header[0] : header;
  if (exists && value?.trim() === '*') {
    throw new AzureError(
      412,
      'PreconditionFailed',
      `The resource '${type}/${name}' already exists and the request's If-None-Match: * condition does not allow it to be overwritten.`,
    );
  }
}

/** Resource tags from a PUT body (ARM replaces the whole set on PUT). */
export function tagsOf(body: unknown): Record<string, string> {
  const tags = (body as { tags?: unknown } | undefined)?.tags;
  if (!tags || typeof tags !== 'object' || Array.isArray(tags)) return {};
  return Object.fromEntries(Object.entries(tags).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}
