import type { TurnState } from '@microsoft/teams-ai';
import type { Locale } from '../i18n';

/** Per user, across conversations (teams-ai user scope, keyed by channel, bot and from.id). Ids and choices only. */
export interface UserData {
  /** The language the user chose with `language`; overrides activity.locale. */
  language?: Locale;
}

/** Per conversation. Flows keep their position here; approvals and runs live in their own records (store/records). */
export type ConversationData = Record<string, never>;

export type AppTurnState = TurnState<ConversationData, UserData>;
