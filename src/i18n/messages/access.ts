// Polite refusals: each names what is needed and how to get it.
export const en = {
  'access.refused.operate':
    'Sorry, only operators can do that. Ask your bot administrator to add your Entra object id ({objectId}) to OPERATOR_IDS, or one of your groups to OPERATOR_GROUP_IDS.',
  'access.refused.approve':
    'Sorry, only approvers can do that. Ask your bot administrator to add your Entra object id ({objectId}) to APPROVER_IDS, or one of your groups to APPROVER_GROUP_IDS.',
  'access.refused.audit':
    'Sorry, only operators and approvers can see the audit trail. Ask your bot administrator to add your Entra object id ({objectId}) to OPERATOR_IDS or APPROVER_IDS (or one of your groups to OPERATOR_GROUP_IDS or APPROVER_GROUP_IDS).',
  'access.refused.tenant': "Sorry, this bot serves only its own organization's tenant, and your account is not in it.",
  'access.refused.anonymous':
    "Sorry, I can't tell who you are (your message carries no Entra object id), so I can't let you do that.",
  'access.refused.directory': "Sorry, I couldn't check your group memberships just now. Please try again in a minute.",
  'access.rateLimited':
    'Sorry, you have started {limit} requests (restores, access grants) in the last {minutes} minutes, the most allowed. Please try again in {retryMinutes} {retryMinutes|minute|minutes}.',
};

export const zhTW: Record<keyof typeof en, string> = {
  'access.refused.operate':
    '抱歉，只有操作員可以執行此動作。請機器人管理員將您的 Entra 物件識別碼 ({objectId}) 加入 OPERATOR_IDS，或將您所屬的群組加入 OPERATOR_GROUP_IDS。',
  'access.refused.approve':
    '抱歉，只有核准者可以執行此動作。請機器人管理員將您的 Entra 物件識別碼 ({objectId}) 加入 APPROVER_IDS，或將您所屬的群組加入 APPROVER_GROUP_IDS。',
  'access.refused.audit':
    '抱歉，只有操作員和核准者可以查看稽核記錄。請機器人管理員將您的 Entra 物件識別碼 ({objectId}) 加入 OPERATOR_IDS 或 APPROVER_IDS（或將您所屬的群組加入 OPERATOR_GROUP_IDS 或 APPROVER_GROUP_IDS）。',
  'access.refused.tenant': '抱歉，此機器人只服務其所屬組織的租用戶，而您的帳戶不在其中。',
  'access.refused.anonymous': '抱歉，我無法確認您的身分（您的訊息沒有 Entra 物件識別碼），因此無法讓您執行此動作。',
  'access.refused.directory': '抱歉，我目前無法檢查您的群組成員資格。請稍後再試。',
  'access.rateLimited':
    '抱歉，您在過去 {minutes} 分鐘內已提出 {limit} 個請求（還原、存取授權），已達上限。請於 {retryMinutes} 分鐘後再試。',
};
