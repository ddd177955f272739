import {
  AccessPolicy,
  refusalKey,
  type AccessAction,
  type AccessRules,
  type GroupDirectory,
} from '../../src/bot/accessPolicy';

const ALEX = '00000000-0000-0000-0000-0000000000020';
const MEGAN = '00000000-0000-0000-0000-0000000000021';
const LEE = '00000000-0000-0000-0000-0000000000022';
const PAT = '55555555-5555-4555-8555-555555555501';
const OPS_GROUP = '66666666-6666-4666-8666-666666666601';
const APPROVERS_GROUP = '66666666-6666-4666-8666-666666666602';
const TENANT = '11111111-1111-4111-8111-111111111111';

/** A directory of group memberships that counts its look-ups (the policy is plain logic; this is not Azure). */
class FakeDirectory implements GroupDirectory {
  calls = 0;
  failing = false;
  constructor(private readonly members: Record<string, string[]>) {}
  async memberGroups(objectId: string, groupIds: string[]): Promise<string[]> {
    this.calls++;
    if (this.failing) throw new Error('Graph unavailable');
    return (this.members[objectId] ?? []).filter((g) => groupIds.includes(g));
  }
}

const rules: AccessRules = {
  allowedTenantIds: [],
  operatorIds: [ALEX, MEGAN],
  approverIds: [MEGAN],
  operatorGroupIds: [OPS_GROUP],
  approverGroupIds: [APPROVERS_GROUP],
};

describe('AccessPolicy', () => {
  it.each<[string, string | undefined, AccessAction, boolean | string]>([
    ['an operator operates', ALEX, 'operate', true],
    ['an operator may not approve', ALEX, 'approve', 'access.refused.approve'],
    ['an approver approves', MEGAN, 'approve', true],
    ['an operator reads the audit trail', ALEX, 'audit', true],
    ['a viewer may not operate', LEE, 'operate', 'access.refused.operate'],
    ['a viewer may not read the audit trail', LEE, 'audit', 'access.refused.audit'],
    ['ids match case-insensitively', MEGAN.toUpperCase(), 'approve', true],
    ['a member of the operators group operates', PAT, 'operate', true],
    ['a member of the operators group reads the audit trail', PAT, 'audit', true],
    ['a member of the operators group may not approve', PAT, 'approve', 'access.refused.approve'],
    ['someone without an object id is refused', undefined, 'audit', 'access.refused.anonymous'],
  ])('%s', async (_case, aadObjectId, action, expected) => {
    const policy = new AccessPolicy(rules, new FakeDirectory({ [PAT]: [OPS_GROUP] }));
    const decision = await policy.can({ aadObjectId, tenantId: TENANT }, action);
    expect(decision.allowed ? true : refusalKey(decision)).toBe(expected);
  });

  it('denies everyone by default (nothing configured, no directory)', async () => {
    const empty = {
      allowedTenantIds: [],
      operatorIds: [],
      approverIds: [],
      operatorGroupIds: [],
      approverGroupIds: [],
    };
    const policy = new AccessPolicy(empty);
    for (const action of ['operate', 'approve', 'audit'] as const) {
      expect((await policy.can({ aadObjectId: ALEX }, action)).allowed).toBe(false);
    }
  });

  it('refuses users of other tenants when tenants are restricted', async () => {
    const policy = new AccessPolicy({ ...rules, allowedTenantIds: [TENANT] });
    expect((await policy.can({ aadObjectId: ALEX, tenantId: TENANT }, 'operate')).allowed).toBe(true);
    const other = await policy.can({ aadObjectId: ALEX, tenantId: '99999999-9999-4999-8999-999999999999' }, 'operate');
    expect(other.allowed ? 'allowed' : refusalKey(other)).toBe('access.refused.tenant');
    const none = await policy.can({ aadObjectId: ALEX }, 'operate');
    expect(none.allowed).toBe(false);
  });

  it('asks the directory once per user within the cache time, and again after it', async () => {
    let now = 0;
    const directory = new FakeDirectory({ [PAT]: [OPS_GROUP] });
    const policy = new AccessPolicy(rules, directory, { cacheTtlMs: 1000, now: () => now });
    await policy.can({ aadObjectId: PAT }, 'operate');
    await policy.can({ aadObjectId: PAT }, 'approve');
    await policy.can({ aadObjectId: PAT }, 'audit');
    expect(directory.calls).toBe(1);
    now = 1001;
    await policy.can({ aadObjectId: PAT }, 'operate');
    expect(directory.calls).toBe(2);
  });

  it('does not ask the directory about users listed by id', async () => {
    const directory = new FakeDirectory({});
    await new AccessPolicy(rules, directory).can({ aadObjectId: ALEX }, 'operate');
    expect(directory.calls).toBe(0);
  });

  it('refuses (and does not cache) when the directory cannot answer', async () => {
    const directory = new FakeDirectory({ [PAT]: [OPS_GROUP] });
    directory.failing = true;
    const policy = new AccessPolicy(rules, directory);
    const decision = await policy.can({ aadObjectId: PAT }, 'operate');
    expect(decision.allowed ? 'allowed' : refusalKey(decision)).toBe('access.refused.directory');
    directory.failing = false;
    expect((await policy.can({ aadObjectId: PAT }, 'operate')).allowed).toBe(true);
  });
});
