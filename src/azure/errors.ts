/**
 * Typed errors the Azure layer throws. Callers never see SDK errors: `toAzureFailure` in
 * troubleshooting maps them to a catalogue entry.
 */

/** The managed identity's token names another identity than the approved one: every Azure action is refused. */
export class IdentityNotApprovedError extends Error {
  readonly code = 'IdentityNotApproved';
  constructor(
    readonly running: { objectId: string; tenantId: string; appId?: string },
    readonly approved: { objectId: string; tenantId: string },
  ) {
    super(
      `The bot is running as managed identity ${running.objectId} (tenant ${running.tenantId}), ` +
        `but only ${approved.objectId} (tenant ${approved.tenantId}) is approved. No Azure action was taken.`,
    );
    this.name = 'IdentityNotApprovedError';
  }
}

/** An Azure request that failed after the pipeline's retries, with what we know of it. */
export class AzureRequestError extends Error {
  constructor(
    message: string,
    readonly details: {
      /** ARM / Key Vault / job error code, e.g. AuthorizationFailed, UserErrorKeyVaultPermissionsNotConfigured. */
      code: string;
      statusCode?: number;
      /** x-ms-request-id of the failing response, for support. */
      requestId?: string;
      /** The operation that failed, in our vocabulary, e.g. 'enableProtection'. */
      operation?: string;
    },
  ) {
    super(message);
    this.name = 'AzureRequestError';
  }
  get code(): string {
    return this.details.code;
  }
}

/** A resource the caller named does not exist (VM, vault, key vault, recovery point...). */
export class NotFoundError extends Error {
  readonly code = 'NotFound';
  constructor(
    readonly kind: string,
    readonly name: string,
  ) {
    super(`${kind} '${name}' was not found.`);
    this.name = 'NotFoundError';
  }
}

/** A typed name that more than one resource holds (two resource groups, or two subscriptions): ask, never guess. */
export class AmbiguousNameError extends Error {
  readonly code = 'AmbiguousName';
  constructor(
    readonly kind: string,
    readonly name: string,
    readonly matches: { id: string; name: string; resourceGroup: string; location: string }[],
  ) {
    super(`${kind} '${name}' is the name of ${matches.length} resources.`);
    this.name = 'AmbiguousNameError';
  }
}

/** Input the bot was given breaks a rule Azure enforces (policy time, retention range...): nothing was sent. */
export class InvalidInputError extends Error {
  readonly code = 'InvalidInput';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

/** Why a VM cannot be backed up by the bot, decided before any change is made in Azure. */
export type UnsupportedVmReason =
  | 'ClassicVmNotSupported'
  | 'BekOnlyNotSupported'
  | 'AlreadyProtectedByAnotherVault'
  | 'VaultRegionMismatch'
  | 'VmNotProtected';

/** The VM is outside what the bot (or Azure Backup) supports for this operation. */
export class UnsupportedVmError extends Error {
  constructor(
    readonly code: UnsupportedVmReason,
    readonly vm: string,
    message: string,
    /** Context for the catalogue (e.g. the vault that already protects the VM). */
    readonly context: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'UnsupportedVmError';
  }
}

/**
 * A resource id (or an alert, a vault) in a subscription the bot does not manage, or one its identity cannot read
 * (issue 17): nothing is sent to Azure for it.
 */
export class SubscriptionNotManagedError extends Error {
  readonly code = 'SubscriptionNotManaged';
  constructor(
    readonly subscriptionId: string,
    /** 'unmanaged': not in AZURE_SUBSCRIPTION_IDS (or not listed for the identity); 'unreadable': listed, no access. */
    readonly reason: 'unmanaged' | 'unreadable' = 'unmanaged',
  ) {
    super(
      reason === 'unreadable'
        ? `Subscription ${subscriptionId} is configured but the bot's identity cannot read it.`
        : `Subscription ${subscriptionId} is not one the bot manages.`,
    );
    this.name = 'SubscriptionNotManagedError';
  }
}
