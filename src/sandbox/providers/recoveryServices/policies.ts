import { sameId } from '../../authorization/rbac';
import { parseEqFilter } from '../../http/arm';
import { backupNotFound } from '../../http/errors';
import type { Route } from '../../http/types';
import { vaultRoute } from './context';
import { parsePolicy } from './policyInput';
import { policyBody } from './shapes';

const READ = 'Microsoft.RecoveryServices/Vaults/backupPolicies/read';
const WRITE = 'Microsoft.RecoveryServices/Vaults/backupPolicies/write';

/** Backup policies: list (no paging, as the SDK's backupPolicies.list has no skipToken), get, create or update. */
export const policyRoutes: Route[] = [
  vaultRoute('backupPolicies.list', 'GET', '/backupPolicies', READ, (req, ctx, v) => {
    const filter = parseEqFilter(req.query.get('$filter'));
    const type = filter.backupmanagementtype;
    const iaas = type === undefined || sameId(type, 'AzureIaasVM');
    const value = iaas
      ? ctx.world.policies.filter((p) => sameId(p.vault, v.name)).map((p) => policyBody(ctx.world, v, p))
      : [];
    return { status: 200, body: { value } };
  }),
  vaultRoute('protectionPolicies.get', 'GET', '/backupPolicies/{policyName}', READ, (req, ctx, v) => {
    const p = ctx.world.policies.find((x) => sameId(x.vault, v.name) && sameId(x.name, req.params.policyName));
    if (!p) throw backupNotFound(`Policy '${req.params.policyName}'`);
    return { status: 200, body: policyBody(ctx.world, v, p) };
  }),
  vaultRoute('protectionPolicies.createOrUpdate', 'PUT', '/backupPolicies/{policyName}', WRITE, (req, ctx, v) => {
    const existing = ctx.world.policies.findIndex(
      (x) => sameId(x.vault, v.name) && sameId(x.name, req.params.policyName),
    );
    const name = existing >= 0 ? ctx.world.policies[existing].name : req.params.policyName;
    const policy = parsePolicy(req.body, v.name, name);
    if (existing >= 0) ctx.world.policies[existing] = policy;
    else ctx.world.policies.push(policy);
    return { status: 200, body: policyBody(ctx.world, v, policy) };
  }),
];
