import { REHEARSAL_TAG, RESTORE_TAG, trailTags } from '../azure';
import type { RehearsalCheckpoint } from './rehearsalTypes';

/** The tags on everything the rehearsal makes: the restore trail, and the rehearsal's run id. */
export function ownTags(runId: string, cp: RehearsalCheckpoint): Record<string, string> {
  return {
    ...trailTags({ requestId: cp.requestId, requestedBy: cp.requestedBy, approvedBy: cp.approvedBy }),
    [REHEARSAL_TAG]: runId,
  };
}

/** What marks a resource as this rehearsal's for clean-up: its run id tag, or the create tag of its request id. */
export const cleanupTags = (runId: string, cp: RehearsalCheckpoint): Record<string, string> => ({
  [REHEARSAL_TAG]: runId,
  [RESTORE_TAG]: cp.requestId,
});

export const merge = (a: string[] | undefined, b: string[]) => [...new Set([...(a ?? []), ...b])];
