/**
 * The chat users of sandbox mode (sandbox-world.md, "Chat users"): who the two Agents Playground instances of
 * `npm start` are, and whom sandbox mode lets in by default. The operator is the Playground's own default user.
 * Their object ids follow the Playground's pattern (its last group has 13 digits, not a strict GUID).
 */
export interface SandboxUser {
  /** Bot Framework user id (from.id) in the Playground. */
  id: string;
  name: string;
  givenName: string;
  surname: string;
  userPrincipalName: string;
  aadObjectId: string;
}

const user = (id: string, givenName: string, surname: string, upn: string, aadObjectId: string): SandboxUser => ({
  id,
  name: `${givenName} ${surname}`,
  givenName,
  surname,
  userPrincipalName: upn,
  aadObjectId,
});

export const SANDBOX_USERS = {
  /** Starts flows and requests restores. */
  operator: user('user-id-0', 'Alex', 'Wilber', 'alexw@example.com', '00000000-0000-0000-0000-0000000000020'),
  /** Approves restores; also an operator. */
  approver: user('user-id-1', 'Megan', 'Bowen', 'meganb@example.com', '00000000-0000-0000-0000-0000000000021'),
  /** In neither role: every mutating command is refused politely. */
  viewer: user('user-id-2', 'Lee', 'Gu', 'leeg@example.com', '00000000-0000-0000-0000-0000000000022'),
} as const;

/** Who may do what in sandbox mode when OPERATOR_IDS / APPROVER_IDS are not set. */
export function sandboxUserDefaults(): { operatorIds: string[]; approverIds: string[] } {
  return {
    operatorIds: [SANDBOX_USERS.operator.aadObjectId, SANDBOX_USERS.approver.aadObjectId],
    approverIds: [SANDBOX_USERS.approver.aadObjectId],
  };
}
