import { isNotFound } from '../call';
import { AzureRequestError } from '../errors';

/** The tag a restore puts on what it creates: the restore request's id. */
export const RESTORE_TAG = 'ade-backup-bot-restore';

/**
 * How a create of a restore's NIC or VM is sent: when nothing of that name exists, with `If-None-Match: *` (ARM then
 * refuses with 412 if something appeared meanwhile) and this restore's tag; when it exists and carries this restore's
 * tag, as an update (a resumed run); otherwise it is refused: an existing resource (a NIC in use elsewhere, a VM) is
 * never taken over. Permission: read on the resource.
 */
export async function createMode(
  read: () => Promise<{ tags?: Record<string, string> }>,
  what: { type: 'VM' | 'NIC'; name: string; resourceGroup: string; requestId: string },
): Promise<{ ifNoneMatch?: '*'; tags: Record<string, string> }> {
  const tags = { [RESTORE_TAG]: what.requestId };
  let existing: { tags?: Record<string, string> };
  try {
    existing = await read();
  } catch (err) {
    if (isNotFound(err)) return { ifNoneMatch: '*', tags };
    throw err;
  }
  if (existing.tags?.[RESTORE_TAG] === what.requestId) return { tags };
  throw targetExists(what);
}

/** The refusal when the name is taken (also what ARM's 412 for `If-None-Match: *` becomes). */
export function targetExists(what: { type: 'VM' | 'NIC'; name: string; resourceGroup: string }): AzureRequestError {
  return new AzureRequestError(
    `A ${what.type} named '${what.name}' already exists in '${what.resourceGroup}' and was not created by this restore; it was left untouched.`,
    { code: 'RestoreTargetExists', statusCode: 412, operation: 'createVm' },
  );
}

/** ARM's answer to `If-None-Match: *` on an existing resource. */
export const isPreconditionFailed = (err: unknown): boolean =>
  (err as { statusCode?: number } | undefined)?.statusCode === 412;
