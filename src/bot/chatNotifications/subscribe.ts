import { TurnContext } from 'botbuilder';
import { explain, NotFoundError, parseResourceId, subscriptionOf, type Azure } from '../../azure';
import { t, type Locale } from '../../i18n';
import { channelConversationId, SubscriptionStore, type Subscription } from '../../notifications';
import type { AuditTrail } from '../../store';
import { armId } from '../../cards/portal';
import { sender } from '../turnInfo';

export interface SubscribeDeps {
  subscriptions: SubscriptionStore;
  audit: AuditTrail;
  azure: { vaults: Pick<Azure['vaults'], 'get' | 'list'> };
  /** Told about a new subscription (the watcher polls soon rather than at its next interval). */
  onSubscribed?: (vault: string) => void;
  now?: () => Date;
}

export type Said = { ok: boolean; text: string };

/** Where this conversation's cards go: its reference, without the message it came from (cards are new messages). */
function referenceOf(ctx: TurnContext): { conversationId: string; reference: Record<string, unknown> } {
  const ref = TurnContext.getConversationReference(ctx.activity);
  const conversationId = channelConversationId(ctx.activity.conversation.id);
  const { activityId: _drop, ...rest } = ref;
  return { conversationId, reference: { ...rest, conversation: { ...ref.conversation, id: conversationId } } };
}

/** `subscribe <vault>` decided: the vault must exist; the subscription is stored with the reference and audited. */
export async function subscribe(
  deps: SubscribeDeps,
  ctx: TurnContext,
  locale: Locale,
  vaultName: string,
): Promise<Said> {
  let vault;
  try {
    vault = await deps.azure.vaults.get(vaultName);
  } catch (err) {
    if (!(err instanceof NotFoundError)) return { ok: false, text: explain(err, locale).title };
    const names = (await deps.azure.vaults.list()).map((v) => v.name).join(', ');
    return { ok: false, text: t(locale, 'notify.unknownVault', { vault: vaultName, vaults: names || '-' }) };
  }
  const user = sender(ctx);
  const { conversationId, reference } = referenceOf(ctx);
  const sub: Subscription = {
    vault: vault.name,
    vaultResourceGroup: vault.resourceGroup,
    // The vault's Azure subscription (issue 17): the watcher reads it there, alerts from it route here.
    ...(subscriptionOf(vault.id) ? { vaultSubscriptionId: subscriptionOf(vault.id)!.toLowerCase() } : {}),
    conversationId,
    conversationType: ctx.activity.conversation.conversationType,
    reference,
    locale,
    by: { aadObjectId: user.aadObjectId, name: user.name },
    at: (deps.now?.() ?? new Date()).toISOString(),
  };
  const result = await deps.subscriptions.add(sub);
  await deps.audit.append({
    who: sub.by,
    action: 'notify.subscribe',
    target: { kind: 'vault', name: vault.name, id: vault.id },
    details: { conversationType: sub.conversationType ?? 'personal', already: result === 'already' },
    result: 'succeeded',
  });
  if (result === 'added') deps.onSubscribed?.(vault.name);
  return {
    ok: true,
    text: t(locale, result === 'added' ? 'notify.subscribed' : 'notify.alreadySubscribed', { vault: vault.name }),
  };
}

/** `unsubscribe [vault]` decided: with no vault, the only subscription here (or which one?). */
export async function unsubscribe(
  deps: SubscribeDeps,
  ctx: TurnContext,
  locale: Locale,
  vaultName: string,
): Promise<Said> {
  const here = await deps.subscriptions.forConversation(ctx.activity.conversation.id);
  let name = vaultName;
  if (!name) {
    if (here.length !== 1) {
      const key = here.length ? 'notify.unsubscribeWhich' : 'notify.subscriptions.none';
      return { ok: false, text: t(locale, key, { vaults: here.map((s) => s.vault).join(', ') }) };
    }
    name = here[0].vault;
  }
  // A vault's name, or its ARM id where two subscriptions each have a vault of that name (issue 17).
  const parsed = parseResourceId(name);
  const matches = here.filter(
    (s) =>
      s.vault.toLowerCase() === (parsed?.name ?? name).toLowerCase() &&
      (!parsed ||
        !s.vaultSubscriptionId ||
        s.vaultSubscriptionId.toLowerCase() === parsed.subscriptionId.toLowerCase()),
  );
  if (matches.length > 1) {
    const ids = matches
      .map((s) => armId.vault(s.vaultResourceGroup, s.vault, s.vaultSubscriptionId) ?? s.vault)
      .join(', ');
    return { ok: false, text: t(locale, 'notify.unsubscribeWhich', { vaults: ids }) };
  }
  const sub = matches[0];
  if (!sub || !(await deps.subscriptions.remove(sub))) {
    return { ok: false, text: t(locale, 'notify.notSubscribed', { vault: name }) };
  }
  const user = sender(ctx);
  await deps.audit.append({
    who: { aadObjectId: user.aadObjectId, name: user.name },
    action: 'notify.unsubscribe',
    target: { kind: 'vault', name: sub.vault },
    details: { conversationType: ctx.activity.conversation.conversationType ?? 'personal' },
    result: 'succeeded',
  });
  return { ok: true, text: t(locale, 'notify.unsubscribed', { vault: sub.vault }) };
}

/** A refused attempt, for the audit trail (who tried to change where failures are posted). */
export async function auditRefused(
  deps: SubscribeDeps,
  ctx: TurnContext,
  action: string,
  vault: string,
): Promise<void> {
  const user = sender(ctx);
  await deps.audit.append({
    who: { aadObjectId: user.aadObjectId, name: user.name },
    action,
    ...(vault ? { target: { kind: 'vault' as const, name: vault } } : {}),
    result: 'refused',
  });
}
