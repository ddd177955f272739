import type { JobError } from '../azure';
import type { Locale } from '../i18n';

/** A backup job that has ended, as either source saw it. Times are ISO strings (records stay plain JSON). */
export interface JobEvent {
  source: 'watcher' | 'alert';
  /** The vault as the source spells it (alerts lower-case it); keys compare case-insensitively. */
  vault: string;
  jobId: string;
  vm: string;
  /** For the VM's portal link (the watcher knows it from the job; alerts do not). */
  vmResourceGroup?: string;
  /**
   * The Azure subscription of the vault (issue 17): the watcher's from the vault it polled, an alert's from the ids it
   * names. Events route to the conversations subscribed to that subscription's vault of that name.
   */
  subscriptionId?: string;
  operation: string;
  outcome: 'failed' | 'succeeded';
  /** When it ended (job end time, or the alert's fired time). */
  at: string;
  startTime?: string;
  error?: JobError;
}

/** A Bot Framework conversation reference, stored as the bot layer captured it (this layer never reads inside). */
export type StoredReference = Record<string, unknown>;

/** A conversation that asked for a vault's failed backups (`subscribe <vault>`). */
export interface Subscription {
  /** The vault as Azure spells it. */
  vault: string;
  vaultResourceGroup?: string;
  /** The vault's Azure subscription (issue 17); absent in records from before several subscriptions. */
  vaultSubscriptionId?: string;
  /** The conversation id without a channel thread's `;messageid=` suffix. */
  conversationId: string;
  conversationType?: string;
  reference: StoredReference;
  /** Cards for this conversation are written in the subscriber's language. */
  locale: Locale;
  by: { aadObjectId?: string; name?: string };
  /** ISO time of the subscription: failures that ended before it are not posted. */
  at: string;
  /** Set while the conversation is dead (the bot cannot post there, health.ts): nothing is sent for it. */
  inactive?: { since: string; reason: 'removed' | 'unreachable'; detail: string };
}

/** What a card record needs to be delivered: where, in which language, and its delivery ledger entry. */
export interface CardDelivery {
  conversationId: string;
  reference: StoredReference;
  locale: Locale;
  /** Bumped by every change to the card's content; delivered when `delivered.version` catches up. */
  version: number;
  delivered?: { version: number; activityId?: string; at: string };
  /** A replica posting or updating the card now (claimed by compare-and-set, expires if that replica dies). */
  sending?: { by: string; until: string; version: number };
  /** Failed sends since the last success; the card stays queued, retried with backoff. */
  attempts: number;
  nextAttemptAt?: string;
  lastFailure?: string;
  createdAt: string;
}

/** One living card per protected item and conversation: repeat failures update it; a later success recovers it. */
export interface FailureCard extends CardDelivery {
  kind: 'failure';
  vault: string;
  vm: string;
  /** Resource groups of the vault and the VM, for the card's portal links (absent in older records: no link). */
  vaultResourceGroup?: string;
  vmResourceGroup?: string;
  /** The vault's (and so the VM's) Azure subscription, for the portal links (issue 17). */
  vaultSubscriptionId?: string;
  operation: string;
  count: number;
  firstAt: string;
  lastAt: string;
  lastJobId: string;
  error?: JobError;
  recovered?: { at: string; jobId: string };
  /** Job ids already folded in, so a re-fold after a crash does not count twice. */
  recentJobs: string[];
  /**
   * The job that started this failure episode: the same in every conversation that got the failure from its start,
   * so "I'm on it" is decided once per failure across conversations (ownership.ts). Older records: recentJobs[0].
   */
  firstJobId?: string;
  /** "I'm on it": who took the failure and when, shown in every conversation with a card for it (ownership.ts). */
  owner?: { aadObjectId?: string; name?: string; at: string };
  /** Snoozed in this conversation until `until`: new failures update this card instead of posting a new one. */
  snooze?: { until: string; by: { aadObjectId?: string; name?: string } };
}

/** One digest card per conversation per storm: every failure counted, grouped by error and vault. */
export interface DigestCard extends CardDelivery {
  kind: 'digest';
  startedAt: string;
  lastAt: string;
  total: number;
  /** Failures of this storm that got their own card before the threshold was reached. */
  carded: number;
  /** `<error>|<vault>` -> count. */
  groups: Record<string, { error: string; vault: string; count: number }>;
  /** `<vault>|<vm>` -> count (the worst items are shown). */
  items: Record<string, { vault: string; vm: string; count: number; lastAt: string }>;
}

/** A protected item with no successful backup for longer than the RPO window: reported once per breach. */
export interface RpoCard extends CardDelivery {
  kind: 'rpo';
  vault: string;
  vm: string;
  vaultResourceGroup?: string;
  vmResourceGroup?: string;
  /** The vault's (and so the VM's) Azure subscription, for the portal links (issue 17). */
  vaultSubscriptionId?: string;
  lastSuccess?: string;
  /** When protection (or its latest change) started, if within the look-back: the card says "since protection". */
  protectedAt?: string;
  rpoHours: number;
  detectedAt: string;
  /** Set when a later success ended the breach. */
  recoveredAt?: string;
  /** The item's failure cards were snoozed here: an RPO breach is still posted, saying so. */
  snooze?: { until: string; by: { aadObjectId?: string; name?: string } };
}

/** The weekly posture digest of one vault for one conversation (src/notifications/postureDigest.ts). */
export interface PostureCard extends CardDelivery {
  kind: 'posture';
  week: string;
  report: import('./posture').PostureReport;
  rpoHours: number;
}

export type NotificationCard = FailureCard | DigestCard | RpoCard | PostureCard;

/** Posts and edits cards (the bot layer renders the record into an Adaptive Card, in its locale). */
export interface CardSender {
  /** Posts the card; returns its message id. */
  post(card: NotificationCard): Promise<string | undefined>;
  update(card: NotificationCard, activityId: string): Promise<void>;
}
