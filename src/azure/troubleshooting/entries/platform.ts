import type { CatalogueEntry } from '../types';

/** Azure Resource Manager and the bot's own guard rails: identity, permissions, throttling, versions, not found. */
export const platformEntries: CatalogueEntry[] = [
  {
    code: 'IdentityNotApproved',
    match: { codes: ['IdentityNotApproved'] },
    text: {
      en: {
        title: 'The bot is running as an identity that is not approved',
        cause:
          'The bot is running as managed identity {running}, but only {approved} is approved. No Azure action was taken.',
        resolution:
          "Configure the bot's managed identity client id to the approved identity (or have the approved identity changed), then restart the bot.",
      },
      'zh-TW': {
        title: 'Bot 執行所用的身分識別未經核准',
        cause: 'Bot 以受控識別 {running} 執行，但只有 {approved} 經過核准。未執行任何 Azure 動作。',
        resolution: '請將 Bot 的受控識別用戶端識別碼設定為已核准的身分識別 (或變更核准的身分識別)，然後重新啟動 Bot。',
      },
    },
  },
  {
    code: 'AuthorizationFailed',
    match: {
      codes: ['AuthorizationFailed', 'LinkedAuthorizationFailed', 'Forbidden'],
      text: [/does not have (authorization|permission) to perform action/i],
    },
    text: {
      en: {
        title: "The bot's identity lacks a permission",
        cause: "The bot's managed identity is not allowed to perform '{action}' on '{scope}'.",
        resolution:
          "Give the bot's managed identity a role that includes '{action}' on '{scope}' (or above it), then try again.",
      },
      'zh-TW': {
        title: 'Bot 的身分識別缺少權限',
        cause: 'Bot 的受控識別不允許在「{scope}」上執行「{action}」。',
        resolution: '請在「{scope}」(或其上層) 指派包含「{action}」的角色給 Bot 的受控識別，然後再試一次。',
      },
    },
    fix: () => ({ kind: 'retry' }),
  },
  {
    code: 'TooManyRequests',
    match: { codes: ['TooManyRequests', 'Http429', 'SubscriptionRequestsThrottled', 'ResourceRequestsThrottled'] },
    text: {
      en: {
        title: 'Azure is throttling requests',
        cause: 'Azure kept answering "too many requests" after the bot waited and retried as Azure asked.',
        resolution: 'Wait a few minutes and try again.',
      },
      'zh-TW': {
        title: 'Azure 正在節流要求',
        cause: 'Bot 已依 Azure 的要求等候並重試，Azure 仍回應「要求過多」。',
        resolution: '請稍候幾分鐘再試一次。',
      },
    },
    fix: () => ({ kind: 'retry' }),
  },
  {
    code: 'ServiceUnavailable',
    match: {
      codes: [
        'InternalServerError',
        'ServiceUnavailable',
        'GatewayTimeout',
        'Http500',
        'Http502',
        'Http503',
        'Http504',
      ],
    },
    text: {
      en: {
        title: 'Azure had a temporary problem',
        cause: 'Azure answered with a server error after the bot retried. Correlation id: {requestId}.',
        resolution: 'Try again in a few minutes; if it keeps failing, give the correlation id to Azure support.',
      },
      'zh-TW': {
        title: 'Azure 發生暫時性問題',
        cause: 'Bot 重試後 Azure 仍回應伺服器錯誤。相互關聯識別碼：{requestId}。',
        resolution: '請幾分鐘後再試一次；若持續失敗，請將相互關聯識別碼提供給 Azure 支援。',
      },
    },
    fix: () => ({ kind: 'retry' }),
  },
  {
    code: 'AuthenticationFailed',
    match: {
      codes: [
        'AuthenticationFailed',
        'InvalidAuthenticationToken',
        'InvalidAuthenticationTokenAudience',
        'InvalidAuthenticationTokenTenant',
        'Unauthorized',
      ],
    },
    text: {
      en: {
        title: "Azure did not accept the bot's sign-in",
        cause: "Azure rejected the managed identity's token ({azureCode}).",
        resolution:
          "Check that the managed identity belongs to the subscription's tenant and is assigned to the bot's host, then restart the bot.",
      },
      'zh-TW': {
        title: 'Azure 未接受 Bot 的登入',
        cause: 'Azure 拒絕了受控識別的權杖 ({azureCode})。',
        resolution: '請確認受控識別屬於訂用帳戶的租用戶並已指派給 Bot 的主機，然後重新啟動 Bot。',
      },
    },
  },
  {
    code: 'InvalidApiVersionParameter',
    match: { codes: ['InvalidApiVersionParameter', 'MissingApiVersionParameter', 'NoRegisteredProviderFound'] },
    text: {
      en: {
        title: 'Azure does not accept the API version the bot uses',
        cause:
          'An Azure SDK used by the bot asked for an API version this Azure cloud or region does not support ({azureCode}).',
        resolution:
          'Update the bot to a release whose Azure SDKs this cloud supports, or report it with the correlation id {requestId}.',
      },
      'zh-TW': {
        title: 'Azure 不接受 Bot 使用的 API 版本',
        cause: 'Bot 使用的 Azure SDK 要求了此 Azure 雲端或區域不支援的 API 版本 ({azureCode})。',
        resolution: '請將 Bot 更新至此雲端支援之 Azure SDK 的版本，或附上相互關聯識別碼 {requestId} 回報此問題。',
      },
    },
  },
  {
    code: 'RequestDisallowedByPolicy',
    match: { codes: ['RequestDisallowedByPolicy', 'UserErrorRequestDisallowedByPolicy'] },
    text: {
      en: {
        title: 'An Azure Policy blocked the change',
        cause: 'An Azure Policy assignment on the subscription or resource group denied the request.',
        resolution: 'Ask the policy owner for an exemption or change the request to comply, then try again.',
      },
      'zh-TW': {
        title: 'Azure 原則封鎖了此變更',
        cause: '訂用帳戶或資源群組上的 Azure 原則指派拒絕了此要求。',
        resolution: '請向原則擁有者申請豁免或調整要求以符合原則，然後再試一次。',
      },
    },
  },
  {
    code: 'InvalidInput',
    match: { codes: ['InvalidInput'] },
    text: {
      en: {
        title: 'A value is not valid',
        cause: '{detail}',
        resolution: 'Correct {field} and try again. Nothing was changed in Azure.',
      },
      'zh-TW': {
        title: '值無效',
        cause: '{field} 的值不符合 Azure 的規則。',
        resolution: '請更正 {field} 後再試一次。Azure 中未做任何變更。',
      },
    },
  },
  {
    code: 'OperationCanceled',
    match: { codes: ['OperationCanceled', 'AbortError'] },
    text: {
      en: {
        title: 'The operation was cancelled',
        cause: 'The bot stopped waiting for Azure, or the operation was cancelled in Azure.',
        resolution: 'Check the job list for what Azure already did, then start again if needed.',
      },
      'zh-TW': {
        title: '作業已取消',
        cause: 'Bot 已停止等候 Azure，或作業已在 Azure 中取消。',
        resolution: '請查看作業清單確認 Azure 已完成的部分，必要時重新開始。',
      },
    },
  },
  {
    // Issue 17: a resource in a subscription outside AZURE_SUBSCRIPTION_IDS, or one the identity cannot read.
    code: 'SubscriptionNotManaged',
    match: { codes: ['SubscriptionNotManaged'] },
    text: {
      en: {
        title: 'Subscription not managed',
        cause: 'It is in subscription {scope}, which this bot does not manage or cannot read. Nothing was changed.',
        resolution:
          'Use a resource in one of the subscriptions the help card lists, or ask an administrator to add the subscription (AZURE_SUBSCRIPTION_IDS) and give the bot its roles there.',
      },
      'zh-TW': {
        title: '不在管理範圍內的訂用帳戶',
        cause: '它位於訂用帳戶 {scope}，此 Bot 未管理或無法讀取該訂用帳戶。未進行任何變更。',
        resolution:
          '請使用說明卡片所列訂用帳戶中的資源，或請系統管理員加入該訂用帳戶 (AZURE_SUBSCRIPTION_IDS) 並在其中授與 Bot 所需角色。',
      },
    },
  },
  {
    code: 'NotFound',
    match: { codes: ['NotFound', 'ResourceNotFound', 'ResourceGroupNotFound', 'VaultNotFound', 'Http404'] },
    text: {
      en: {
        title: 'Not found',
        cause: '{resource} was not found in the subscriptions I manage.',
        resolution: 'Check the name (and that it is in one of those subscriptions), then try again.',
      },
      'zh-TW': {
        title: '找不到資源',
        cause: '在我管理的訂用帳戶中找不到 {resource}。',
        resolution: '請檢查名稱 (以及它是否位於這些訂用帳戶中)，然後再試一次。',
      },
    },
  },
  {
    code: 'Unknown',
    match: {},
    text: {
      en: {
        title: 'Something went wrong in Azure',
        cause: 'Azure reported {azureCode}. {detail}',
        resolution: 'Try again. If it keeps failing, give this correlation id to support: {requestId}.',
      },
      'zh-TW': {
        title: 'Azure 發生錯誤',
        cause: 'Azure 回報 {azureCode}。{detail}',
        resolution: '請再試一次。若持續失敗，請將此相互關聯識別碼提供給支援人員：{requestId}。',
      },
    },
    fix: () => ({ kind: 'retry' }),
  },
];
