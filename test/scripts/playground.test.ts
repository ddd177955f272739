import { playgroundConfig } from '../../scripts/playground';
import { SANDBOX_USERS } from '../../src/sandboxUsers';

// npm start runs one Agents Playground per role; each instance's current user comes from its configuration file.
describe('Agents Playground configuration (npm start)', () => {
  const values = (yaml: string, key: string) =>
    [...yaml.matchAll(new RegExp(`^\\s*-?\\s*${key}: "([^"]*)"$`, 'gm'))].map((m) => m[1]);

  it.each([
    ['operator', SANDBOX_USERS.operator],
    ['approver', SANDBOX_USERS.approver],
  ])('makes the %s the current user, with five other users and unique ids', (_who, user) => {
    const yaml = playgroundConfig(user, '11111111-1111-4111-8111-111111111111');
    const current = yaml.slice(yaml.indexOf('currentUser:'), yaml.indexOf('users:'));
    expect(current).toContain(`aadObjectId: "${user.aadObjectId}"`);
    expect(current).toContain(`name: "${user.name}"`);
    const users = yaml.slice(yaml.indexOf('users:'), yaml.indexOf('personalChat:'));
    expect(values(users, 'id')).toHaveLength(5); // the Playground's schema wants exactly five
    const ids = values(yaml.slice(yaml.indexOf('currentUser:'), yaml.indexOf('personalChat:')), 'id');
    expect(new Set(ids).size).toBe(6);
    expect(users).toContain(`aadObjectId: "${SANDBOX_USERS.viewer.aadObjectId}"`);
  });

  it('gives both instances the same bot, tenant, group chat and team', () => {
    const shared = (yaml: string) => yaml.replace(/currentUser:[\s\S]*?personalChat:\n {2}id: "[^"]*"\n/, '');
    const operator = playgroundConfig(SANDBOX_USERS.operator, 't');
    const approver = playgroundConfig(SANDBOX_USERS.approver, 't');
    expect(shared(operator)).toBe(shared(approver));
    expect(operator).toContain('tenantId: "t"');
  });
});
