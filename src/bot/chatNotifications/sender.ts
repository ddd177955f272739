import type { ConversationReference } from 'botbuilder';
import type { CardSender, NotificationCard } from '../../notifications';
import type { Messenger } from '../messenger';
import { countMetric, inSpan } from '../../telemetry';
import { notificationCard } from './cards';

/**
 * Notification cards go out through the Messenger: proactive posts and edits into the stored conversation, Teams'
 * 429 Retry-After waited out, bounded concurrency. What still fails is thrown, and the delivery queue keeps the card.
 */
export function messengerCardSender(messenger: Pick<Messenger, 'sendCard' | 'updateCard'>): CardSender {
  const reference = (card: NotificationCard) => card.reference as Partial<ConversationReference>;
  const attrs = (card: NotificationCard, action: string) => ({
    'notification.kind': card.kind,
    'notification.action': action,
  });
  return {
    post: (card) =>
      inSpan('notification.post', attrs(card, 'post'), async () => {
        const id = await messenger.sendCard(reference(card), notificationCard(card));
        countMetric('notifications.sent', attrs(card, 'post'));
        return id;
      }),
    update: (card, activityId) =>
      inSpan('notification.update', attrs(card, 'update'), async () => {
        await messenger.updateCard({ reference: reference(card), activityId }, notificationCard(card));
        countMetric('notifications.sent', attrs(card, 'update'));
      }),
  };
}
