import type { BotTokenCredential } from './adapter';
import type { Mode } from '../config';
import type { Logger } from '../log';
import type { Store } from '../store';
import type { AccessPolicy } from './accessPolicy';
import type { AuditExportOptions } from './auditExport/handler';
import type { PostureOptions } from './posture/handler';
import type { NotificationOptions } from './chatNotifications/register';
import type { ProtectOptions } from './protect/register';
import type { RehearsalOptions } from './rehearsal/register';
import type { RestoreOptions } from './restore/register';

/** What handlers are given (through src/bot/app.ts), never reach for globally. Later flows add the Azure layer here. */
export interface BotDeps {
  mode: Mode;
  logger: Logger;
  store: Store;
  access: AccessPolicy;
  /** A turn's longest wait on Azure before it answers with a progress card (REPLY_WITHIN_MS; default 1,500 ms). */
  replyWithinMs?: number;
  /** The protect flows' Azure layer, run engine and setting (src/bot/protect/register.ts); absent = listed as planned. */
  protect?: ProtectOptions;
  /** The restore request, approvals and runs (src/bot/restore/register.ts); absent = listed as planned. */
  restore?: RestoreOptions;
  /** Restore rehearsals (src/bot/rehearsal/register.ts), on top of the restore's approvals; absent = planned. */
  rehearsal?: RehearsalOptions;
  /** `audit export [days]`: the links it serves and whether Teams may send files (src/bot/auditExport). */
  auditExport?: AuditExportOptions;
  /** `posture [vault | subscription]` (src/bot/posture): absent = not offered. */
  posture?: PostureOptions;
  /** Failed-backup notification commands and card verbs (src/bot/chatNotifications/register.ts); absent = planned. */
  notifications?: NotificationOptions;
  /** BOT_APP_TYPE=UserAssignedMSI: the approved managed identity, for the Bot Connector token (src/bot/adapter.ts). */
  botCredential?: BotTokenCredential;
}
