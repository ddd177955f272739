import type { TurnContext } from 'botbuilder';
import { t } from '../../i18n';
import { channelConversationId, SNOOZE_HOURS, type ItemOwnership, type SnoozeHours } from '../../notifications';
import type { AuditTrail } from '../../store';
import { localeOf, markTurn, sender } from '../turnInfo';
import { failureCard, formatTime } from './cards';

type Refused = (ctx: TurnContext, action: string, vault?: string) => Promise<string | undefined>;

const str = (v: unknown): string => (typeof v === 'string' ? v.trim().slice(0, 200) : '');

/**
 * "I'm on it" and "Snooze" on a failure card: operators only (others get the refusal), audited, decided by
 * compare-and-set on the card record (ItemOwnership). The clicker gets the card as everyone will see it; the outbox
 * edits the posted card for everyone.
 */
export function ownershipVerbs(deps: {
  ownership: () => ItemOwnership | undefined;
  audit: AuditTrail;
  refused: Refused;
}) {
  const context = (ctx: TurnContext, data: Record<string, unknown>) => {
    const user = sender(ctx);
    return {
      l: localeOf(ctx),
      vault: str(data.vault),
      vm: str(data.vm),
      // The vault's Azure subscription (issue 17); cards posted before several subscriptions carry none.
      subscriptionId: str(data.subscriptionId) || undefined,
      conversationId: channelConversationId(ctx.activity.conversation.id),
      who: { aadObjectId: user.aadObjectId, name: user.name },
    };
  };
  return {
    'notify.take': async (ctx: TurnContext, data: Record<string, unknown>) => {
      const { l, vault, vm, subscriptionId, conversationId, who } = context(ctx, data);
      const refusal = await deps.refused(ctx, 'notify.take', vault);
      if (refusal) return refusal;
      const own = deps.ownership();
      const r =
        own && vault && vm
          ? await own.take(conversationId, vault, vm, who, subscriptionId)
          : { kind: 'unknown' as const };
      switch (r.kind) {
        case 'taken':
          await deps.audit.append({
            who,
            ...(subscriptionId ? { subscriptionId } : {}),
            action: 'notify.take',
            target: { kind: 'vm', name: vm },
            details: { vault, conversation: conversationId },
            result: 'succeeded',
          });
          return failureCard(r.card);
        case 'alreadyYours':
          return failureCard(r.card);
        case 'takenByOther':
          markTurn(ctx, 'notify.take', 'refused');
          return t(l, 'notify.take.other', {
            who: r.owner.name ?? r.owner.aadObjectId ?? '?',
            vm,
            time: formatTime(r.card.owner?.at),
          });
        case 'recovered':
          return t(l, 'notify.take.recovered', { vm });
        default:
          return t(l, 'notify.take.unknown');
      }
    },
    'notify.snooze': async (ctx: TurnContext, data: Record<string, unknown>) => {
      const { l, vault, vm, subscriptionId, conversationId, who } = context(ctx, data);
      const refusal = await deps.refused(ctx, 'notify.snooze', vault);
      if (refusal) return refusal;
      const hours = Number(str(String(data.hours ?? '')));
      if (!(SNOOZE_HOURS as readonly number[]).includes(hours)) return t(l, 'notify.snooze.bad');
      const own = deps.ownership();
      const r =
        own && vault && vm
          ? await own.snooze(conversationId, vault, vm, hours as SnoozeHours, who, subscriptionId)
          : { kind: 'unknown' as const };
      if (r.kind === 'snoozed') {
        await deps.audit.append({
          who,
          ...(subscriptionId ? { subscriptionId } : {}),
          action: 'notify.snooze',
          target: { kind: 'vm', name: vm },
          details: { vault, hours, until: r.card.snooze!.until, conversation: conversationId },
          result: 'succeeded',
        });
        return failureCard(r.card);
      }
      if (r.kind === 'recovered') return t(l, 'notify.take.recovered', { vm });
      return t(l, 'notify.take.unknown');
    },
  };
}
