/** Failed-backup notifications: watcher, RPO watch, alert intake, one de-duplicated stream, living cards, digests. */
export { azureJobSource, azureProtectedItems } from './azureSources';
export { ArmReadBudget } from './budget';
export { ACTION_GROUPS_APP_ID, EntraWebhookVerifier, SECURE_WEBHOOK_ROLE, tokenMatches } from './intake/auth';
export { MAX_ALERT_BYTES } from './intake/route';
export { channelConversationId } from './keys';
export type { ProtectedItemBackup, ProtectedItemSource } from './rpo';
export {
  DEFAULT_SETTINGS,
  notificationSettings,
  settingsFromConfig,
  type NotificationSettings,
  type SettingsOverrides,
} from './settings';
export { createNotifications, managedSubscriptionCheck, NotificationService, type NotificationDeps } from './service';
export { errorLabel } from './storm';
export { SubscriptionStore } from './subscriptions';
export { ItemOwnership, SNOOZE_HOURS, snoozeActive, type OwnershipOutcome, type SnoozeHours } from './ownership';
export type * from './types';
export type { JobSource } from './watcher';
