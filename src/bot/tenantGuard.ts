import { ActivityTypes, type TurnContext } from 'botbuilder';
import { t } from '../i18n';
import type { Logger } from '../log';
import { localeOf, markTurn, sender } from './turnInfo';

/** Runs before the Application: true = the gate answered the turn itself and nothing else may happen. */
export type TurnGate = (ctx: TurnContext) => Promise<boolean>;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Whether a tenant may talk to the bot: listed, compared case-insensitively. An empty list lets every tenant in. */
export function tenantAllowed(allowedTenantIds: string[], tenantId: string | undefined): boolean {
  if (allowedTenantIds.length === 0) return true;
  return typeof tenantId === 'string' && allowedTenantIds.some((id) => same(id, tenantId));
}

/**
 * Refuses activities from tenants not in ALLOWED_TENANT_IDS (or carrying none) before any state is read or written:
 * a message gets the polite refusal, a card click an invoke answer saying so, any other invoke a 403, and every other
 * activity (conversation updates, installs) is ignored. Each refusal is logged with the tenant.
 */
export function tenantGuard(allowedTenantIds: string[], logger: Logger): TurnGate {
  return async (ctx: TurnContext) => {
    const { tenantId, aadObjectId } = sender(ctx);
    const tenant = typeof tenantId === 'string' ? tenantId : undefined;
    if (tenantAllowed(allowedTenantIds, tenant)) return false;
    markTurn(ctx, 'tenant', 'refused');
    logger.warn({ tenantId: tenant?.slice(0, 64), user: aadObjectId, type: ctx.activity.type }, 'tenant refused');
    const text = t(localeOf(ctx), 'access.refused.tenant');
    if (ctx.activity.type === ActivityTypes.Message) await ctx.sendActivity(text);
    else if (ctx.activity.type === ActivityTypes.Invoke) {
      if (ctx.activity.name === 'adaptiveCard/action') await answerInvokeText(ctx, text);
      else await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 403 } });
    }
    return true;
  };
}

/** Answers an Action.Execute with a plain message (Teams shows it on the card) rather than a new card. */
export async function answerInvokeText(ctx: TurnContext, text: string): Promise<void> {
  await ctx.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } },
  });
}
