import type { TokenCredential } from '@azure/core-auth';
import type { AzureClients } from './clients';
import { SubscriptionNotManagedError } from './errors';
import { sameId } from './names';
import type { AzureSettings } from './settings';
import type { OperationOptions } from './types';

/** One subscription the bot was told to manage (or found it can read), with its display name. */
export interface ManagedSubscription {
  id: string;
  /** The subscription's display name (its id when Azure did not say). */
  name: string;
  /** False when the identity cannot read it (configured, but not among the subscriptions it holds a role in). */
  readable: boolean;
}

/**
 * Subscriptions - List (https://learn.microsoft.com/rest/api/resources/subscriptions/list?view=rest-resources-2022-12-01):
 * no SDK on the bot's list covers it, so a raw ARM request. Lists the subscriptions the caller holds a role in.
 */
export const SUBSCRIPTIONS_API = '2022-12-01';

interface SubscriptionListBody {
  value?: { subscriptionId?: string; displayName?: string; state?: string }[];
  nextLink?: string;
}

/**
 * The subscriptions the bot manages and one AzureClients per subscription (built once, cached), chosen by the
 * subscription in a resource id (issue 17). Configured (`AzureSettings.subscriptionIds`) or, when that list is empty,
 * every subscription the managed identity can read. With neither (`subscriptionId` alone, as before) it manages that
 * one subscription and asks Azure nothing.
 */
export class SubscriptionDirectory {
  private readonly byId = new Map<string, AzureClients>();
  private listing?: Promise<ManagedSubscription[]>;
  /** When the listing was last answered (Date.now()), and the re-read in flight once it is older than the setting. */
  private listedAt = 0;
  private rereading?: Promise<void>;
  private known?: ManagedSubscription[];

  constructor(
    readonly settings: AzureSettings,
    readonly credential: TokenCredential,
    private readonly root: AzureClients,
    private readonly make: (settings: AzureSettings, directory: SubscriptionDirectory) => AzureClients,
  ) {
    if (settings.subscriptionId) this.byId.set(settings.subscriptionId.toLowerCase(), root);
  }

  /**
   * True when the settings name one subscription only (AZURE_SUBSCRIPTION_ID, or a list of one): calls are routed
   * without asking Azure anything, as before issue 17. `describe` still asks, for the help card and the log.
   */
  get single(): boolean {
    const ids = this.settings.subscriptionIds;
    return !ids || (ids.length === 1 && sameId(ids[0], this.settings.subscriptionId));
  }

  /**
   * The managed subscriptions with their names and whether the identity can read them, for the help card and the
   * start-up log: one GET /subscriptions per process, for a single subscription too (its name; unreadable when the
   * identity holds no role there). When the listing itself fails, what is known without it.
   */
  async describe(options: OperationOptions = {}): Promise<ManagedSubscription[]> {
    if (!this.single) return this.managed(options);
    this.described ??= this.list(options, [this.settings.subscriptionId]).catch((err: unknown) => {
      this.described = undefined;
      throw err;
    });
    return this.described;
  }
  private described?: Promise<ManagedSubscription[]>;

  /**
   * The managed subscriptions, in the configured order (discovered ones by name). One GET /subscriptions, read again
   * once older than `subscriptionsRefreshMs` (a failed listing is not kept: the next call asks again); none for the
   * single-subscription bot. A re-read runs behind the answer: no turn waits for it, and the last listing stands
   * until it succeeds.
   */
  managed(options: OperationOptions = {}): Promise<ManagedSubscription[]> {
    if (this.single) {
      const id = this.settings.subscriptionId;
      const name = this.known?.find((k) => sameId(k.id, id))?.name ?? id;
      return Promise.resolve([{ id, name, readable: true }]);
    }
    if (!this.listing) {
      this.listing = this.list(options).then(
        (answer) => {
          this.listedAt = Date.now();
          return answer;
        },
        (err: unknown) => {
          this.listing = undefined;
          throw err;
        },
      );
    } else if (this.stale() && !this.rereading) {
      this.rereading = this.list({})
        .then((answer) => {
          this.listing = Promise.resolve(answer);
          this.listedAt = Date.now();
        })
        // The last listing stands; the next call past the age tries again.
        .catch(() => undefined)
        .finally(() => (this.rereading = undefined));
    }
    return this.listing;
  }

  private stale(): boolean {
    const every = this.settings.subscriptionsRefreshMs ?? 0;
    return every > 0 && this.listedAt > 0 && Date.now() - this.listedAt > every;
  }

  /**
   * Forgets the listing: the next `managed` / `describe` asks Azure again (a subscription added since, e.g. the bench's
   * estate subscriptions, or one the identity was just given a role in).
   */
  refresh(): void {
    this.listing = undefined;
    this.listedAt = 0;
    this.described = undefined;
  }

  /** What `managed` last answered, without asking (undefined before the first answer). */
  get lastKnown(): ManagedSubscription[] | undefined {
    return this.known;
  }

  /** The clients of every managed subscription the identity can read: what lists that span subscriptions walk. */
  async readable(options: OperationOptions = {}): Promise<AzureClients[]> {
    return (await this.managed(options)).filter((s) => s.readable).map((s) => this.clientsFor(s.id));
  }

  /** Ids of the readable managed subscriptions (Resource Graph's `subscriptions`). */
  async readableIds(options: OperationOptions = {}): Promise<string[]> {
    return (await this.managed(options)).filter((s) => s.readable).map((s) => s.id);
  }

  /**
   * The clients for the subscription a resource id (or a bare subscription id) names. A subscription the bot does not
   * manage, or cannot read, is SubscriptionNotManagedError: nothing is sent to Azure for it.
   */
  async of(resourceOrSubscriptionId: string, options: OperationOptions = {}): Promise<AzureClients> {
    const id = subscriptionOf(resourceOrSubscriptionId);
    if (!id) return this.root;
    if (this.single) {
      if (!sameId(id, this.settings.subscriptionId)) throw new SubscriptionNotManagedError(id);
      return this.root;
    }
    const sub = (await this.managed(options)).find((s) => sameId(s.id, id));
    if (!sub) throw new SubscriptionNotManagedError(id);
    if (!sub.readable) throw new SubscriptionNotManagedError(id, 'unreadable');
    return this.clientsFor(sub.id);
  }

  /** The display name of a managed subscription (its id when unknown). */
  nameOf(subscriptionId: string): string {
    return this.lastKnown?.find((s) => sameId(s.id, subscriptionId))?.name ?? subscriptionId;
  }

  /**
   * The resource with its subscription's display name, when the bot manages more than one subscription (pickers show
   * it); as it is otherwise.
   */
  label<T extends { id: string; subscriptionName?: string }>(resource: T): T {
    if (this.single) return resource;
    const sub = subscriptionOf(resource.id);
    return sub ? { ...resource, subscriptionName: this.nameOf(sub) } : resource;
  }

  /** Clients for a subscription id, built once; no check (callers check with `of`). */
  clientsFor(subscriptionId: string): AzureClients {
    const key = subscriptionId.toLowerCase();
    let c = this.byId.get(key);
    if (!c) {
      c = this.make({ ...this.settings, subscriptionId }, this);
      this.byId.set(key, c);
    }
    return c;
  }

  private async list(options: OperationOptions, configuredIds?: string[]): Promise<ManagedSubscription[]> {
    const visible: { id: string; name: string }[] = [];
    let next: string | undefined = `/subscriptions?api-version=${SUBSCRIPTIONS_API}`;
    while (next) {
      const page: SubscriptionListBody = await this.root.armRequest<SubscriptionListBody>('GET', next, undefined, {
        abortSignal: options.abortSignal,
      });
      for (const s of page.value ?? []) {
        // A Disabled or Deleted subscription is read-only or gone: nothing to back up there.
        if (s.subscriptionId && s.state !== 'Disabled' && s.state !== 'Deleted')
          visible.push({ id: s.subscriptionId, name: s.displayName ?? s.subscriptionId });
      }
      next = page.nextLink;
    }
    const configured = configuredIds ?? this.settings.subscriptionIds ?? [];
    const answer = configured.length
      ? configured.map((id) => {
          const seen = visible.find((v) => sameId(v.id, id));
          return seen ? { id: seen.id, name: seen.name, readable: true } : { id, name: id, readable: false };
        })
      : visible.map((v) => ({ ...v, readable: true }));
    this.known = answer;
    return answer;
  }
}

/** The subscription id a resource id names (/subscriptions/{id}/...), or the argument when it is a bare id. */
export function subscriptionOf(resourceOrSubscriptionId: string | undefined): string | undefined {
  if (!resourceOrSubscriptionId) return undefined;
  const m = /^\/*subscriptions\/([^/?]+)/i.exec(resourceOrSubscriptionId);
  if (m) return m[1];
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(resourceOrSubscriptionId)
    ? resourceOrSubscriptionId
    : undefined;
}
