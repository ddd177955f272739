import type { ConversationReference } from 'botbuilder';
import type { CardSender, NotificationCard } from '../../notifications';
import type { Messenger } from '../messenger';
import { notificationCard } from './cards';

/**
 * Notification cards go out through the Messenger: proactive posts and edits into the stored conversation, Teams'
 * 429 Retry-After waited out, bounded concurrency. What still fails is thrown, and the delivery queue keeps the card.
 */
export function messengerCardSender(messenger: Pick<Messenger, 'sendCard' | 'updateCard'>): CardSender {
  const reference = (card: NotificationCard) => card.reference as Partial<ConversationReference>;
  return {
    post: (card) => messenger.sendCard(reference(card), notificationCard(card)),
    update: (card, activityId) =>
      messenger.updateCard({ reference: reference(card), activityId }, notificationCard(card)),
  };
}
