import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAzure, type Azure } from '../../src/azure';
import type { ApprovalRecord } from '../../src/bot/approvals/types';
import type { NotificationCard } from '../../src/notifications';
import type { RestoreCheckpoint } from '../../src/runs/restoreRun';
import type { RunRecord } from '../../src/runs/types';
import type { SandboxUser } from '../../src/sandboxUsers';
import { BlobStorage, RecordSigner, storeOn, type Store } from '../../src/store';
import { startAzurite, type Azurite } from '../support/azurite';
import { FakeConnector, SANDBOX_USERS, textsOf } from '../support/bot';
import {
  freePort,
  liveAzureEnv,
  Processes,
  restoreRequest,
  sandboxAdmin,
  testAzureSettings,
  type SandboxInfo,
  testSigningKey,
} from '../support/processes';
import { ReplicaChat, type Replica } from './replicaChat';

/**
 * Several replicas: two bot processes (live mode, test/support/liveReplica.ts) on one Blob store (Azurite) and one
 * sandbox process, reached through configured endpoints and its CA file, both posting to one Bot Connector stand-in.
 * Two approvals racing on the two replicas start one restore; the failed-backup watcher fails over when its replica is
 * killed, every failure notified once; a restore run whose replica is killed is finished by the other.
 */

jest.setTimeout(240_000);

const { operator, approver, viewer } = SANDBOX_USERS;
const VAULT = 'rsv-prod-eastasia';
const CONTAINER = 'ade-replicas';
const LEASE_SECONDS = 5;
const WATCH_SECONDS = 10;
const OPS_CHAT = 'ops-chat';
const ERROR_CARDS = ['card.error', 'card.flow.explain'];

describe('two bot replicas on one store', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ade-replicas-'));
  const procs = new Processes();
  const connector = new FakeConnector();
  const chat = new ReplicaChat(connector);
  let azurite: Azurite;
  let sandbox: SandboxInfo;
  let azure: Azure;
  let store: Store;
  let replicas: Replica[] = [];
  const signing = testSigningKey();
  const started = Date.now();
  const figures: Record<string, unknown> = {};

  const startReplica = async (name: string): Promise<Replica> => {
    const port = await freePort();
    const child = procs.start(name, 'test/support/liveReplica.ts', {
      ...liveAzureEnv(sandbox),
      ...signing.env,
      APPROVERS_CONVERSATION_ID: chat.APPROVERS_CHAT,
      PORT: String(port),
      LOG_LEVEL: 'debug', // the watcher's "watcher poll" line says which replica polls
      STORE: 'blob',
      BLOB_CONNECTION_STRING: azurite.connectionString,
      BLOB_CONTAINER: CONTAINER,
      // Validated as live mode requires, then removed by liveReplica.ts: the test posts activities without tokens.
      BOT_APP_ID: '0b0b0b0b-0000-4000-8000-000000000002',
      BOT_APP_PASSWORD: 'not-used',
      OPERATOR_IDS: `${operator.aadObjectId},${approver.aadObjectId}`,
      APPROVER_IDS: `${approver.aadObjectId},${viewer.aadObjectId}`,
      WATCH_INTERVAL_SECONDS: String(WATCH_SECONDS),
      WATCH_LEASE_SECONDS: String(LEASE_SECONDS),
      REPLY_WITHIN_MS: '4000',
      RATE_LIMIT_REQUESTS: '100',
    });
    const replica: Replica = { name, child, url: `http://127.0.0.1:${port}` };
    await procs.until(`replica ${name} to answer /healthz`, async () => {
      const health = await fetch(`${replica.url}/healthz`).then(
        (r) => r.json() as Promise<{ status: string }>,
        () => undefined,
      );
      return health?.status === 'ok' ? health : undefined;
    });
    return replica;
  };
  const record = <T extends object>(collection: string, id: string) =>
    store
      .records<T>(collection)
      .get(id)
      .then((r) => r?.value);
  /** Requests the sandbox served since `mark` on one route: answered (2xx), or dropped by an injected fault. */
  const requestsSince = async (mark: number, routeId: string, outcome: 'answered' | 'dropped' = 'answered') => {
    type Logged = { routeId?: string; status: number; fault?: string };
    const { value } = await sandboxAdmin<{ value: Logged[] }>(sandbox, 'GET', `/_sandbox/requests?since=${mark}`);
    return value.filter(
      (e) => e.routeId === routeId && (outcome === 'dropped' ? e.fault === 'drop' : e.status >= 200 && e.status < 300),
    ).length;
  };
  const requestMark = () =>
    sandboxAdmin<{ mark: number }>(sandbox, 'GET', `/_sandbox/requests?since=${Number.MAX_SAFE_INTEGER}`).then(
      (r) => r.mark,
    );
  const restoreJobs = async (vm: string) =>
    (await azure.jobs.list(VAULT, { operation: 'Restore' })).filter((j) => j.vmName === vm).length;
  const errorCardsSent = () => connector.sent.filter((s) => ERROR_CARDS.includes(chat.cardIdOf(s) ?? ''));

  beforeAll(async () => {
    await connector.start();
    [azurite, sandbox] = await Promise.all([startAzurite(), procs.startSandbox(dir)]);
    azure = createAzure(testAzureSettings(sandbox));
    store = storeOn(new BlobStorage({ connectionString: azurite.connectionString, container: CONTAINER }), {
      signer: new RecordSigner(signing.key),
    });
    replicas = await Promise.all([startReplica('A'), startReplica('B')]);
    figures.startedInMs = Date.now() - started;
  });

  afterAll(async () => {
    await procs.stopAll();
    await Promise.allSettled([connector.url && connector.close(), azurite?.stop(), store?.close()]);
    rmSync(dir, { recursive: true, force: true });
    console.log(`replicas: ${JSON.stringify({ ...figures, fileMs: Date.now() - started })}`);
  });

  /** A pending request in the store, and its approval card posted (once) when the approvers next talk. */
  const pendingRequest = async (id: string, newVm: string, talk: [Replica, SandboxUser][]) => {
    const request = await restoreRequest(sandbox, azure, { id, newVm, status: 'pending' });
    expect(await store.signed<ApprovalRecord>('restore-approvals').create(id, request)).toBe(true);
    await Promise.all(talk.map(([replica, user]) => chat.say(replica, user, 'help', chat.APPROVERS_CHAT)));
    const [card, ...more] = await procs.until('the approval card in the approvers chat', () => {
      const posted = chat.approvalCards(id);
      return posted.length ? posted : undefined;
    });
    expect(more).toEqual([]);
    return { requestId: id, plan: request.plan, messageId: chat.idOf(card), card: chat.cardOf(card) };
  };

  it('two approvals of one restore on different replicas: one decision, one restore job, one VM, no error', async () => {
    const [a, b] = replicas;
    const jobsBefore = await restoreJobs('vm-db-01');
    const mark = await requestMark();
    // Both approvers talk in the approvers' chat at once, on different replicas: the card is posted there once.
    const req = await pendingRequest('replicas-twice', 'vm-db-01-twice', [
      [a, approver],
      [b, viewer],
    ]);

    const clicks = await Promise.all([
      chat.press(a, approver, req.card, 'approval.approve', req.messageId, chat.APPROVERS_CHAT),
      chat.press(b, viewer, req.card, 'approval.approve', req.messageId, chat.APPROVERS_CHAT),
    ]);
    for (const click of clicks) {
      expect(click.status).toBe(200);
      expect(chat.cardIdOf(click.card)).toBe('card.approval.request');
    }
    const notices = clicks.map((c) => textsOf(c.card).join('\n'));
    expect(notices.filter((n) => /already/.test(n))).toHaveLength(1);

    const final = await procs.until(
      'the approved restore to finish',
      async () => {
        const r = await record<ApprovalRecord>('restore-approvals', req.requestId);
        return r && ['succeeded', 'failed'].includes(r.status) ? r : undefined;
      },
      150_000,
      250,
    );
    expect(final.status).toBe('succeeded');
    expect([approver.aadObjectId, viewer.aadObjectId]).toContain(final.decision?.by?.aadObjectId);
    const decisions = (await store.audit.recent({ target: 'vm-db-01', limit: 100 })).filter(
      (e) => e.approval?.requestId === req.requestId && e.action === 'restore.decision',
    );
    expect(decisions.map((e) => e.result)).toEqual(['approved']);
    expect(await requestsSince(mark, 'restores.trigger')).toBe(1);
    expect(await restoreJobs('vm-db-01')).toBe(jobsBefore + 1);
    expect(await requestsSince(mark, 'deployments.createOrUpdate')).toBe(1);
    expect((await azure.vms.get('vm-db-01-twice', 'rg-restore')).name).toBe('vm-db-01-twice');
    await procs.until('the approvers card to show the new VM', () =>
      /vm-db-01-twice is ready in rg-restore/.test(textsOf(chat.cardNow(req.messageId)).join('\n')),
    );
    expect(errorCardsSent()).toEqual([]);
    figures.racingApprovals = { approvals: clicks.length, decisions: decisions.length, restoreJobs: 1 };
  });

  it('the failed-backup watcher fails over to the other replica: every failure notified once', async () => {
    const pollsOf = (name: string) =>
      procs.lines.filter((l) => l.name === name && l.text.includes('"msg":"watcher poll"'));
    const holder = await procs.until('a replica to poll the vaults', () =>
      replicas.find((r) => pollsOf(r.name).length > 0),
    );
    const survivor = replicas.find((r) => r !== holder)!;
    expect(pollsOf(survivor.name)).toEqual([]);

    // Subscribed through the replica that does not poll: the poller finds the subscription in the store.
    const said = await chat.say(survivor, operator, `subscribe ${VAULT}`, OPS_CHAT);
    expect(said.map((s) => s.activity.text).join('\n')).toMatch(/Done: failed backups of vault/);
    const fail = async (vm: string) =>
      (await sandboxAdmin<{ jobId: string }>(sandbox, 'POST', '/_sandbox/backups/fail', { vm })).jobId;
    const made: { vm: string; jobId: string; phase: 'before' | 'after' }[] = [];
    const failures = async (phase: 'before' | 'after', vms: string[]) => {
      for (const vm of vms) made.push({ vm, phase, jobId: await fail(vm) });
    };
    const delivered = (vm: string) =>
      procs.lines.some(
        (l) => l.name === holder.name && l.text.includes('notification card delivered') && l.text.includes(`|${vm}"`),
      );
    await failures('before', ['vm-nogrant-01', 'vm-legacy-01']);
    await procs.until(
      'the first two failures to be posted, and their delivery stored',
      () => made.every((f) => chat.failureCards(OPS_CHAT, f.vm).length === 1 && delivered(f.vm)),
      60_000,
    );

    // Right after a poll ends (the next is WATCH_SECONDS away): one more failure, then the poller dies before
    // it has seen it. No fold or post is under way, so nothing is left for the 5-minute stranded sweep.
    const pollsBefore = pollsOf(holder.name).length;
    await procs.until('the poller to finish a poll', () => pollsOf(holder.name).length > pollsBefore, 30_000);
    await failures('before', ['vm-lostkv-01']);
    const leaseBefore = await record<{ holder: string }>('notify.lease', 'watcher');
    await procs.kill(holder.child);
    const killedAt = Date.now();
    await failures('after', ['vm-lostkey-01', 'vm-softkey-01', 'vm-nogrant-01']);

    const lease = await procs.until(
      'the other replica to take the watcher lease',
      async () => {
        const now = await record<{ holder: string; until: string }>('notify.lease', 'watcher');
        return now && now.holder !== leaseBefore?.holder ? { ...now, at: Date.now() } : undefined;
      },
      60_000,
      100,
    );
    const takeoverMs = lease.at - killedAt;
    // At most the lease (the holder renewed just before dying) plus the survivor's wait between attempts.
    expect(takeoverMs).toBeLessThanOrEqual(LEASE_SECONDS * 1000 + (LEASE_SECONDS * 1000) / 3 + 1500);

    const vms = [...new Set(made.map((f) => f.vm))];
    const countOf = (vm: string) => made.filter((f) => f.vm === vm).length;
    await procs.until(
      'every failure to show on its card',
      () => vms.every((vm) => chat.failureCount(OPS_CHAT, vm) === countOf(vm)),
      60_000,
    );
    // The survivor's polls re-read the failures already notified (its window reaches back): none may be posted again.
    await new Promise((r) => setTimeout(r, 2000));

    for (const vm of vms) {
      expect({ vm, posts: chat.failureCards(OPS_CHAT, vm).length }).toEqual({ vm, posts: 1 });
      expect({ vm, count: chat.failureCount(OPS_CHAT, vm) }).toEqual({ vm, count: countOf(vm) });
    }
    // The stored cards list every job folded in: each failure exactly once, none missing.
    const cards = (await store.records<NotificationCard>('notify.cards').list()).map((r) => r.value);
    const folded = cards.flatMap((c) => (c.kind === 'failure' ? c.recentJobs : [])).sort();
    expect(folded).toEqual(made.map((f) => f.jobId).sort());
    const rpoPosts = connector
      .to(OPS_CHAT)
      .filter((s) => s.method === 'POST' && chat.cardIdOf(s) === 'card.notify.rpo');
    const rpoVms = rpoPosts.map((s) => textsOf(chat.cardOf(s)).join(' '));
    expect(new Set(rpoVms).size).toBe(rpoVms.length);
    expect(connector.to(OPS_CHAT).filter((s) => chat.cardIdOf(s) === 'card.notify.digest')).toEqual([]);
    expect(errorCardsSent()).toEqual([]);
    figures.watcher = {
      failures: made.length,
      beforeKill: made.filter((f) => f.phase === 'before').length,
      afterKill: made.filter((f) => f.phase === 'after').length,
      notified: vms.reduce((n, vm) => n + chat.failureCount(OPS_CHAT, vm), 0),
      duplicates: folded.length - new Set(folded).size,
      missed: made.filter((f) => !folded.includes(f.jobId)).length,
      takeoverMs,
      leaseSeconds: LEASE_SECONDS,
    };
  });

  it('a replica killed before its restore reached Azure: the other finishes the run, with a restore job of its own', async () => {
    // Two replicas again: the one killed above comes back.
    replicas = replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
    while (replicas.length < 2) replicas.push(await startReplica(`spare-${replicas.length}`));
    const [x, y] = replicas;
    const jobsBefore = await restoreJobs('vm-db-01');
    const req = await pendingRequest('replicas-failover', 'vm-db-01-failover', [[y, approver]]);
    const runId = `restore:${req.requestId}`;
    const run = () => record<RunRecord<RestoreCheckpoint>>('runs', runId);
    const ownerPid = (r: RunRecord<RestoreCheckpoint> | undefined) =>
      Number(/:(\d+):[0-9a-f]+$/.exec(r?.lease?.owner ?? '')?.[1]);
    const mark = await requestMark();
    // Someone restored the same VM moments ago (another request, the portal): a job the run must not take for its own.
    const { plan } = req;
    const other = await azure.restore.beginRestoreDisks({
      item: plan.item,
      recoveryPointName: plan.recoveryPoint.name,
      sourceVmId: plan.vm.id,
      stagingAccountId: plan.staging.id,
      targetResourceGroupId: plan.targetResourceGroup.id,
      region: plan.region,
    });
    // The approving replica's restore request never gets through, and the replica dies while it tries.
    const drop = await sandboxAdmin<{ id: string }>(sandbox, 'POST', '/_sandbox/faults', {
      routeId: 'restores.trigger',
      kind: 'drop',
    });
    const approved = await chat.press(x, approver, req.card, 'approval.approve', req.messageId, chat.APPROVERS_CHAT);
    expect(chat.cardIdOf(approved.card)).toBe('card.approval.request');
    const atKill = await procs.until(
      "the approving replica's restore request to be dropped",
      async () => {
        const r = await run();
        return ownerPid(r) === x.child.pid && (await requestsSince(mark, 'restores.trigger', 'dropped')) > 0
          ? r
          : undefined;
      },
      60_000,
      100,
    );
    await procs.kill(x.child);
    const killedAt = Date.now();
    await sandboxAdmin(sandbox, 'DELETE', `/_sandbox/faults/${drop.id}`);

    const taken = await procs.until(
      'the other replica to take the run over',
      async () => (ownerPid(await run()) === y.child.pid ? Date.now() : undefined),
      60_000,
      100,
    );
    const done = await procs.until(
      'the run to end',
      async () => {
        const r = await run();
        return r && r.status !== 'running' ? r : undefined;
      },
      150_000,
      250,
    );
    if (done.status !== 'succeeded') {
      throw new Error(`The run ended ${done.status}: ${JSON.stringify(done.error)}\n${procs.tail(80)}`);
    }
    // Its own restore job, not the other one: the other restore and the run's own were triggered, once each.
    expect(done.checkpoint.jobId).not.toBe(other.jobId);
    expect(await requestsSince(mark, 'restores.trigger')).toBe(2);
    expect(done.checkpoint.vm?.name).toBe('vm-db-01-failover');
    expect(await restoreJobs('vm-db-01')).toBe(jobsBefore + 2);
    expect((await record<ApprovalRecord>('restore-approvals', req.requestId))?.status).toBe('succeeded');
    // The approvers see the end on the card the killed replica started updating.
    await procs.until('the approvers card to show the new VM', () =>
      /vm-db-01-failover is ready in rg-restore/.test(textsOf(chat.cardNow(req.messageId)).join('\n')),
    );
    expect(errorCardsSent()).toEqual([]);
    figures.runTakeover = { killedAtStep: atKill.step, takeoverMs: taken - killedAt, restoreJobsOfTheRun: 1 };
  });
});
