import type { Operation } from '../../engine';
import { accepted, operationStatusBody } from '../../http/arm';
import { AzureError, backupNotFound } from '../../http/errors';
import type { ProviderContext, Route, SandboxRequest, SandboxResponse } from '../../http/types';
import type { RecoveryVault } from '../../world/types';
import { ITEM_PATH, operationOf, VAULT_PATH, vaultRoute } from './context';
import { itemRefOf } from './itemRef';

const ITEMS = 'Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems';
const SUB = ITEM_PATH.slice(VAULT_PATH.length);

function itemOperation(req: SandboxRequest, ctx: ProviderContext, v: RecoveryVault): Operation {
  const found = operationOf(ctx, req.params.operationId, v, 'item');
  if (!found) throw backupNotFound(`Operation '${req.params.operationId}'`);
  return found.op;
}

/**
 * The result of a protected-item operation: 202 (with the poll headers again) while it runs, then the resource
 * (configure protection) or 204; a failed operation answers with its error.
 */
function resultOf(req: SandboxRequest, ctx: ProviderContext, op: Operation, asyncPath?: string): SandboxResponse {
  if (op.status === 'InProgress') return accepted(req, ctx, { location: req.path, asyncOperation: asyncPath });
  if (op.status === 'Failed')
    throw new AzureError(
      400,
      op.error?.code ?? 'BMSUserErrorOperationFailed',
      op.error?.message ?? 'The operation failed.',
    );
  return op.result !== undefined ? { status: 200, body: op.result } : { status: 204 };
}

/**
 * Operation status and results, on the protected item (what Azure-AsyncOperation and Location name) and on the
 * vault (backupOperations / backupOperationResults, which the Azure CLI polls with the same ids).
 */
export const operationRoutes: Route[] = [
  vaultRoute(
    'protectedItemOperationStatuses.get',
    'GET',
    `${SUB}/operationsStatus/{operationId}`,
    `${ITEMS}/operationsStatus/read`,
    (req, ctx, v) => {
      itemRefOf(req);
      return { status: 200, body: operationStatusBody(itemOperation(req, ctx, v)) };
    },
  ),
  vaultRoute(
    'protectedItemOperationResults.get',
    'GET',
    `${SUB}/operationResults/{operationId}`,
    `${ITEMS}/operationResults/read`,
    (req, ctx, v) => {
      itemRefOf(req);
      const op = itemOperation(req, ctx, v);
      return resultOf(req, ctx, op, req.path.replace(/\/operationResults\/([^/]+)$/i, '/operationsStatus/$1'));
    },
  ),
  vaultRoute(
    'backupOperationStatuses.get',
    'GET',
    '/backupOperations/{operationId}',
    'Microsoft.RecoveryServices/Vaults/backupOperations/read',
    (req, ctx, v) => ({
      status: 200,
      body: operationStatusBody(itemOperation(req, ctx, v)),
    }),
  ),
  vaultRoute(
    'backupOperationResults.get',
    'GET',
    '/backupOperationResults/{operationId}',
    'Microsoft.RecoveryServices/Vaults/backupOperationResults/read',
    (req, ctx, v) => {
      const op = itemOperation(req, ctx, v);
      if (op.status === 'InProgress') return accepted(req, ctx, { location: req.path });
      if (op.status === 'Failed')
        throw new AzureError(
          400,
          op.error?.code ?? 'BMSUserErrorOperationFailed',
          op.error?.message ?? 'The operation failed.',
        );
      return { status: 204 };
    },
  ),
];
