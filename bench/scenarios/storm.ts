import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { t, type MessageKey } from '../../src/i18n';
import { benchUser, type Where } from '../support/activities';
import { cardIdOf, cardOf, factsOf, type Card } from '../support/cards';
import { BotChild } from '../support/child';
import { overLimits, type Connector, type Send } from '../support/connector';
import { FlowRun } from '../support/driver';
import { countBy, max } from '../support/stats';
import { benchVaultName } from '../support/world';
import { isArm } from './callEconomy';
import type { LoggedRequest } from './suite';
import { benchAccess } from './turnCost';

export interface StormSize {
  jobs: number;
  vaults: number;
  conversations: number;
}

export interface StormResult extends StormSize {
  throttleShare: number;
  /** Every conversation had its digest card posted (ms after the storm). */
  digestAllMs?: number;
  /** Every conversation's digest counted all its failures (ms after the storm). */
  completeAllMs?: number;
  conversationsWithDigest: number;
  posts: number;
  updates: number;
  /** Sends the connector answered 429 (each retried by the bot). */
  throttled: number;
  /** Cards posted twice: digests beyond one per conversation, and posts no card record owns. */
  duplicates: number;
  /** Failures no card shows (expected per conversation minus what its cards count). */
  unaccounted: number;
  /** Failures counted more than once. */
  overcounted: number;
  armCalls: number;
  armByRoute: Record<string, number>;
  /** Sends over Teams' per-conversation limits, and the busiest conversation's sends in 1 s and 30 s. */
  overTeamsLimits: number;
  busiest1s: number;
  busiest30s: number;
  /** Set when the bot could not run the scenario (a missing feature). */
  problem?: string;
}

const WATCH_INTERVAL_SECONDS = '10';
const regexOf = (key: string, params: Record<string, string>) => {
  const marked = t(
    'en',
    key as MessageKey,
    Object.fromEntries(Object.keys(params).map((k, i) => [k, `\u0000${i}\u0000`])),
  );
  let source = marked.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  Object.values(params).forEach((p, i) => (source = source.replace(`\u0000${i}\u0000`, p)));
  return new RegExp(`^${source}$`);
};

/**
 * Scenario 4: `conversations` channels each subscribe (by typing `subscribe <vault>`) to their share of `vaults`
 * benchmark vaults; the bot restarts on its store (a fresh ARM read budget, as after a deploy) and `jobs` Backup jobs
 * fail at once across those vaults; the connector answers 429 to `throttleShare` of the sends. Measured until every
 * conversation's digest counts all its failures.
 */
export async function storm(
  connector: Connector,
  size: StormSize,
  throttleShare: number,
  tag: string,
): Promise<StormResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ade-bench-storm-'));
  const env = {
    ...benchAccess(size.conversations),
    SQLITE_PATH: path.join(dir, 'bot.sqlite'),
    WATCH_INTERVAL_SECONDS,
  };
  const where = (c: number): Where => ({
    user: benchUser(c + 1),
    conversationId: `19:storm-${tag}-${c}@thread.tacv2`,
    serviceUrl: connector.url,
    conversationType: 'channel',
  });
  const vaultsOf = (c: number) =>
    Array.from({ length: size.vaults }, (_, j) => j).filter((j) => j % size.conversations === c);
  const expected = (c: number) =>
    vaultsOf(c).reduce((a, j) => a + Math.floor(size.jobs / size.vaults) + (j < size.jobs % size.vaults ? 1 : 0), 0);
  const empty: Omit<StormResult, 'problem'> = {
    ...size,
    throttleShare,
    conversationsWithDigest: 0,
    posts: 0,
    updates: 0,
    throttled: 0,
    duplicates: 0,
    unaccounted: 0,
    overcounted: 0,
    armCalls: 0,
    armByRoute: {},
    overTeamsLimits: 0,
    busiest1s: 0,
    busiest30s: 0,
  };

  try {
    // Phase 1: the subscriptions, typed in each channel.
    const first = await BotChild.start({ kind: 'bot', env, benchVaults: size.vaults });
    let subscribed = 0;
    let refusal: string | undefined;
    try {
      await Promise.all(
        Array.from({ length: size.conversations }, async (_, c) => {
          const run = new FlowRun(
            { name: 'subscribe', start: '', isFinal: () => true },
            { botUrl: first.url, connector, where: where(c) },
          );
          for (const j of vaultsOf(c)) {
            await run.say(`subscribe ${benchVaultName(j)}`);
            const said = run.said ?? '';
            if (said === t('en', 'notify.subscribed' as MessageKey, { vault: benchVaultName(j) })) subscribed++;
            else refusal ??= said || 'no answer';
          }
        }),
      );
    } finally {
      await first.stop();
    }
    if (subscribed < size.vaults) return { ...empty, problem: `subscribe did not work: the bot said "${refusal}"` };

    // Phase 2: the storm, on a fresh process over the same store.
    connector.throttle(throttleShare);
    const mark = connector.mark();
    const child = await BotChild.start({ kind: 'bot', env, storm: { count: size.jobs, vaults: size.vaults } });
    try {
      const stormAt = child.ready.stormAt!;
      const conversations = Array.from({ length: size.conversations }, (_, c) => where(c).conversationId);
      const firstDigest = new Map<string, number>();
      const complete = new Map<string, number>();
      const deadline = Date.now() + 240_000;
      while (Date.now() < deadline && complete.size < conversations.length) {
        await new Promise((r) => setTimeout(r, 250));
        const view = visible(connector.since(mark));
        conversations.forEach((id, c) => {
          const v = view.get(id);
          if (v?.digestFirstWall && !firstDigest.has(id)) firstDigest.set(id, v.digestFirstWall - stormAt);
          if (v && v.counted >= expected(c) && !complete.has(id)) complete.set(id, v.countedWall - stormAt);
        });
      }
      // Late sends (a duplicate would come now) are waited for a little.
      await new Promise((r) => setTimeout(r, 3_000));
      connector.throttle(0);

      const sends = connector.since(mark, undefined, true).filter((s) => conversations.includes(s.conversationId));
      const accepted = sends.filter((s) => !s.throttled);
      const view = visible(accepted);
      const records =
        await child.call<{ kind: string; conversationId: string; delivered?: { activityId?: string } }[]>(
          'notifyCards',
        );
      const owned = new Set(records.map((r) => r.delivered?.activityId).filter(Boolean));
      const posts = accepted.filter((s) => s.method === 'POST');
      const orphans = posts.filter((s) => !owned.has(s.activityId)).length;
      const extraDigests = [...view.values()].reduce((a, v) => a + Math.max(0, v.digestPosts - 1), 0);
      let unaccounted = 0;
      let overcounted = 0;
      conversations.forEach((id, c) => {
        const counted = view.get(id)?.counted ?? 0;
        unaccounted += Math.max(0, expected(c) - counted);
        overcounted += Math.max(0, counted - expected(c));
      });
      const log = await child.admin<{ value: LoggedRequest[] }>('GET', '/_sandbox/requests?since=0');
      const arm = log.value.filter(isArm);
      const limits = overLimits(accepted);
      return {
        ...empty,
        digestAllMs: firstDigest.size === conversations.length ? max([...firstDigest.values()]) : undefined,
        completeAllMs: complete.size === conversations.length ? max([...complete.values()]) : undefined,
        conversationsWithDigest: firstDigest.size,
        posts: posts.length,
        updates: accepted.length - posts.length,
        throttled: sends.length - accepted.length,
        duplicates: Math.max(orphans, extraDigests),
        unaccounted,
        overcounted,
        armCalls: arm.length,
        armByRoute: countBy(arm, (r) => r.routeId ?? `${r.method} ${r.path}`),
        overTeamsLimits: limits.over,
        busiest1s: limits.busiest1s,
        busiest30s: limits.busiest30s,
        problem:
          complete.size < conversations.length
            ? `${conversations.length - complete.size} conversations never showed all their failures within 240 s`
            : undefined,
      };
    } finally {
      await child.stop();
    }
  } finally {
    connector.throttle(0);
    rmSync(dir, { recursive: true, force: true });
  }
}

const DIGEST_TITLE = regexOf('notify.digest.title', { total: '(\\d+)', time: '.*' });

interface ConversationView {
  digestPosts: number;
  digestFirstWall?: number;
  /** Failures the conversation's cards count (the digest's total, else the failure cards' counts). */
  counted: number;
  countedWall: number;
}

/** What each conversation shows: the newest version of every card, read the way a person reads it. */
function visible(sends: Send[]): Map<string, ConversationView> {
  const latest = new Map<string, { card: Card; wall: number }>();
  const out = new Map<string, ConversationView>();
  for (const s of sends) {
    if (s.throttled) continue;
    const card = cardOf(s.activity);
    if (!card) continue;
    const view = out.get(s.conversationId) ?? { digestPosts: 0, counted: 0, countedWall: s.wall };
    if (cardIdOf(card) === 'card.notify.digest' && s.method === 'POST') {
      view.digestPosts++;
      view.digestFirstWall ??= s.wall;
    }
    out.set(s.conversationId, view);
    latest.set(`${s.conversationId}|${s.activityId}`, { card, wall: s.wall });
  }
  const digestTotal = new Map<string, number>();
  const failureTotal = new Map<string, number>();
  const failures = t('en', 'notify.fact.failures' as MessageKey);
  for (const [key, { card, wall }] of latest) {
    const conversation = key.slice(0, key.lastIndexOf('|'));
    const view = out.get(conversation)!;
    const before = view.counted;
    if (cardIdOf(card) === 'card.notify.digest') {
      const total = Number(DIGEST_TITLE.exec(String(card.body?.[0]?.text ?? ''))?.[1] ?? 0);
      digestTotal.set(conversation, Math.max(digestTotal.get(conversation) ?? 0, total));
    } else if (cardIdOf(card) === 'card.notify.failure') {
      failureTotal.set(conversation, (failureTotal.get(conversation) ?? 0) + Number(factsOf(card)[failures] ?? 1));
    }
    view.counted = digestTotal.get(conversation) ?? failureTotal.get(conversation) ?? 0;
    if (view.counted !== before) view.countedWall = Math.max(view.countedWall, wall);
  }
  return out;
}
