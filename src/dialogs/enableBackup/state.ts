import type { VmAgentState } from '../../azure';
import type { GrantPlan } from '../grantAccess/plan';
import type { PolicyPick } from './policy';
import type { VaultPick, VmCheck, VmRef } from './precheck';

/** enable backup's position: what was chosen so far (names and ids only). */
export interface EnableState {
  /** VMs named in the command: they skip the VM question. */
  requested: VmRef[];
  /** Names in the command that matched no VM (said once, on the vault card). */
  unknown: string[];
  region?: string;
  vault?: VaultPick;
  /** The vault's policy names (a new policy may not reuse one). */
  policyNames: string[];
  policy?: PolicyPick;
  checks: VmCheck[];
  /** The key vault grant offered inline from the pre-check, for the VM `grant.vm`. */
  grant?: GrantPlan;
}

/** One VM's line on the result card, as the enable work goes. */
export interface EnableResult {
  name: string;
  resourceGroup: string;
  status: 'working' | 'enabled' | 'failed';
  agent: VmAgentState;
  jobId?: string;
  /** Catalogue code and facts of a failure (explained in the card's language). */
  failure?: { title: string; resolution: string; keyVault?: string };
}
