import { VERBS } from '../../src/bot/verbs';
import { SANDBOX_USERS } from '../../src/sandboxUsers';
import { BOT_ID, TENANT_ID } from '../support/bot';
import type { Rng } from './prng';
import { anyString, oddString } from './strings';
import { anyObject, anyValue, FIELD_NAMES, mutate, withOwnKeys } from './values';

/** A request body for POST /api/messages, and what the generator meant (for the failure report). */
export interface FuzzRequest {
  path: '/api/messages' | '/api/alerts';
  query?: string;
  contentType?: string;
  body: string;
  kind: string;
}

const USERS = Object.values(SANDBOX_USERS);

function from(rng: Rng): unknown {
  return rng.weighted<() => unknown>([
    [
      10,
      () => {
        const u = rng.pick(USERS);
        return { id: u.id, name: u.name, aadObjectId: u.aadObjectId };
      },
    ],
    [
      2,
      () => ({
        id: `user-${rng.int(0, 99)}`,
        name: oddString(rng),
        aadObjectId: rng.pick([undefined, '00000000-0000-0000-0000-000000000099', oddString(rng), 42]),
      }),
    ],
    [1, () => anyValue(rng, 2)],
  ])();
}

function tenant(rng: Rng): unknown {
  return rng.weighted<unknown>([
    [14, TENANT_ID],
    [1, TENANT_ID.toUpperCase()],
    [2, '99999999-9999-4999-8999-999999999999'],
    [1, undefined],
    [1, anyValue(rng, 1)],
  ]);
}

function verb(rng: Rng): unknown {
  return rng.weighted<unknown>([
    [12, rng.pick(VERBS)],
    [1, `${rng.pick(VERBS)}${rng.pick(['', ' ', '\u200b', '.x'])}`.toUpperCase()],
    [1, oddString(rng)],
    [1, anyValue(rng, 1)],
  ]);
}

function cardData(rng: Rng, v: unknown): unknown {
  return rng.weighted<() => unknown>([
    [
      6,
      () =>
        withOwnKeys([
          ['verb', v],
          ...Array.from({ length: rng.int(0, 6) }, (): [string, unknown] => [rng.pick(FIELD_NAMES), anyValue(rng, 2)]),
        ]),
    ],
    [2, () => anyObject(rng, 2)],
    [1, () => anyValue(rng, 2)],
  ])();
}

/** A Teams-shaped activity of any kind, with the mistakes and forgeries a hostile caller would try. */
export function activity(rng: Rng, serviceUrl: string, n: number): Record<string, unknown> {
  const conversationId = rng.weighted<unknown>([
    [8, `fuzz-conv-${rng.int(0, 20)}`],
    [1, oddString(rng)],
    [1, anyValue(rng, 1)],
  ]);
  const t = tenant(rng);
  const base: Record<string, unknown> = {
    id: rng.chance(0.95) ? `fuzz-${n}` : anyValue(rng, 1),
    timestamp: rng.chance(0.9) ? new Date().toISOString() : anyValue(rng, 1),
    channelId: rng.weighted<unknown>([
      [10, 'msteams'],
      [1, 'emulator'],
      [1, anyValue(rng, 1)],
    ]),
    serviceUrl: rng.weighted<unknown>([
      [40, serviceUrl],
      [1, 'http://127.0.0.1:1/'],
      [1, 'not a url'],
      [1, anyValue(rng, 1)],
    ]),
    locale: rng.weighted<unknown>([
      [6, 'en-US'],
      [3, 'zh-TW'],
      [1, oddString(rng)],
      [1, anyValue(rng, 1)],
    ]),
    from: from(rng),
    recipient: rng.chance(0.95) ? { id: BOT_ID, name: 'ADE Backup' } : anyValue(rng, 1),
    conversation: rng.chance(0.95)
      ? {
          id: conversationId,
          conversationType: rng.pick(['personal', 'groupChat', 'channel', oddString(rng)]),
          tenantId: t,
        }
      : anyValue(rng, 1),
    channelData: rng.chance(0.9) ? { tenant: { id: t } } : anyValue(rng, 2),
  };
  const kind = rng.weighted<string>([
    [12, 'message'],
    [8, 'cardAction'],
    [1, 'conversationUpdate'],
    [1, 'installationUpdate'],
    [1, 'invoke'],
    [1, 'other'],
  ]);
  if (kind === 'message') {
    base.type = 'message';
    base.text = rng.chance(0.95) ? anyString(rng) : anyValue(rng, 1);
    if (rng.chance(0.1)) base.value = anyObject(rng, 2);
    if (rng.chance(0.05)) base.attachments = anyValue(rng, 2);
  } else if (kind === 'cardAction') {
    const v = verb(rng);
    base.type = 'invoke';
    base.name = rng.chance(0.95) ? 'adaptiveCard/action' : oddString(rng);
    base.replyToId = rng.chance(0.9) ? `sent-${rng.int(1, 50)}` : anyValue(rng, 1);
    base.value = rng.chance(0.9)
      ? {
          action: { type: rng.chance(0.9) ? 'Action.Execute' : anyValue(rng, 1), verb: v, data: cardData(rng, v) },
          trigger: 'manual',
        }
      : anyValue(rng, 2);
  } else if (kind === 'conversationUpdate') {
    base.type = 'conversationUpdate';
    base.membersAdded = rng.chance(0.7) ? [{ id: rng.pick([BOT_ID, 'user-id-0', oddString(rng)]) }] : anyValue(rng, 2);
    if (rng.chance(0.3)) base.membersRemoved = anyValue(rng, 2);
  } else if (kind === 'installationUpdate') {
    base.type = 'installationUpdate';
    base.action = rng.pick(['add', 'remove', 'add-upgrade', oddString(rng)]);
  } else if (kind === 'invoke') {
    base.type = 'invoke';
    base.name = rng.pick([
      'composeExtension/query',
      'task/fetch',
      'signin/verifyState',
      'fileConsent/invoke',
      'actionableMessage/executeAction',
      'healthCheck',
      oddString(rng),
    ]);
    base.value = anyValue(rng, 2);
  } else {
    base.type = rng.pick([
      'typing',
      'event',
      'messageReaction',
      'messageUpdate',
      'messageDelete',
      'endOfConversation',
      oddString(rng),
    ]);
    base.value = anyValue(rng, 2);
  }
  return rng.chance(0.08) ? (mutate(rng, base) as Record<string, unknown>) : base;
}

/** A body for /api/messages: mostly activities, sometimes not JSON, not an object, or an activity without a type. */
export function messagesRequest(rng: Rng, serviceUrl: string, n: number): FuzzRequest {
  const shape = rng.weighted<string>([
    [40, 'activity'],
    [1, 'notJson'],
    [1, 'notObject'],
    [1, 'noType'],
    [1, 'wrongContentType'],
  ]);
  const req = (body: string, contentType = 'application/json'): FuzzRequest => ({
    path: '/api/messages',
    body,
    contentType,
    kind: `messages.${shape}`,
  });
  if (shape === 'notJson')
    return req(rng.pick(['{"type":"message",', '', 'null', '{"type":"message"}}', oddString(rng)]));
  if (shape === 'notObject') return req(JSON.stringify(anyValue(rng, 2) ?? null));
  if (shape === 'noType') {
    const a = activity(rng, serviceUrl, n);
    a.type = rng.pick([undefined, 42, null, [], {}, true]);
    return req(JSON.stringify(a));
  }
  if (shape === 'wrongContentType')
    return req(
      JSON.stringify(activity(rng, serviceUrl, n)),
      rng.pick(['text/plain', 'application/x-www-form-urlencoded', '']),
    );
  return req(JSON.stringify(activity(rng, serviceUrl, n)));
}
