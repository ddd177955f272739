import { toAzureError } from '../call';
import {
  AzureRequestError,
  IdentityNotApprovedError,
  InvalidInputError,
  NotFoundError,
  SubscriptionNotManagedError,
  UnsupportedVmError,
} from '../errors';
import type { JobError } from '../types';
import { backupEntries } from './entries/backup';
import { encryptionEntries } from './entries/encryption';
import { platformEntries } from './entries/platform';
import { rehearsalEntries } from './entries/rehearsal';
import { restoreEntries } from './entries/restore';
import { PLACEHOLDERS, type CatalogueEntry, type Explanation, type Facts, type Locale } from './types';

/** Every entry, most specific first; `Unknown` is last and catches the rest. */
export const catalogue: readonly CatalogueEntry[] = [
  ...encryptionEntries,
  ...backupEntries,
  ...restoreEntries,
  ...rehearsalEntries,
  ...platformEntries,
];

/** What the caller knows that the error may not say (real job errors do not name the key vault). */
export interface ExplainContext {
  vm?: string;
  keyVault?: string;
  vault?: string;
}

interface Clues {
  codes: string[];
  numbers: number[];
  texts: string[];
  status?: number;
  facts: Facts;
}

/**
 * The one place an error becomes what the user reads: an Azure layer error, an SDK error, or a failed job's
 * error, mapped to a catalogue entry in the user's language, with a fix the bot can offer where there is one and
 * Azure's request id as a correlation id. Never a stack trace; Azure's message only where no entry explains it.
 */
export function explain(error: unknown, locale: Locale = 'en', context: ExplainContext = {}): Explanation {
  const clues = cluesOf(error);
  const facts: Facts = { ...clues.facts, ...definedOnly(context) };
  const entry = findEntry(clues);
  const text = entry.text[locale] ?? entry.text.en;
  const fill = (s: string) =>
    s
      .replace(/\{(\w+)\}/g, (_, key: keyof Facts) => facts[key] ?? PLACEHOLDERS[key]?.[locale] ?? '')
      .replace(/\s+$/, '');
  return {
    code: entry.code,
    title: fill(text.title),
    cause: fill(text.cause),
    resolution: fill(text.resolution),
    fix: entry.fix?.(facts),
    azureName: entry.azureName,
    requestId: facts.requestId,
  };
}

/** The entry with this stable code. */
export function catalogueEntry(code: string): CatalogueEntry | undefined {
  return catalogue.find((e) => e.code === code);
}

function findEntry(c: Clues): CatalogueEntry {
  const lower = c.codes.map((x) => x.toLowerCase());
  return (
    catalogue.find((e) => e.match.numbers?.some((n) => c.numbers.includes(n))) ??
    catalogue.find((e) => e.match.codes?.some((code) => lower.includes(code.toLowerCase()))) ??
    catalogue.find((e) => e.match.text?.some((re) => c.texts.some((t) => re.test(t)))) ??
    byStatus(c.status) ??
    catalogueEntry('Unknown')!
  );
}

function byStatus(status: number | undefined): CatalogueEntry | undefined {
  if (status === undefined) return undefined;
  if (status === 404) return catalogueEntry('NotFound');
  if (status === 429) return catalogueEntry('TooManyRequests');
  if (status === 401) return catalogueEntry('AuthenticationFailed');
  if (status === 403) return catalogueEntry('AuthorizationFailed');
  if (status >= 500) return catalogueEntry('ServiceUnavailable');
  return undefined;
}

function cluesOf(error: unknown): Clues {
  if (isJobError(error)) {
    // A real job's errorTitle is the entity the error is about (AzureIaaSVMErrorInfo), not a code: it is matched as a
    // code only because alerts and operation statuses put the error's name there; the message is matched too.
    const texts = [error.message, ...error.recommendations];
    return {
      codes: error.title ? [error.title] : [],
      numbers: error.code !== undefined ? [error.code] : [],
      texts,
      facts: {
        keyVault: keyVaultIn(error.message),
        azureCode: error.code !== undefined ? String(error.code) : error.title,
        detail: clean(error.message),
      },
    };
  }
  if (error instanceof IdentityNotApprovedError) {
    return {
      codes: [error.code],
      numbers: [],
      texts: [],
      facts: {
        running: `${error.running.objectId} (tenant ${error.running.tenantId})`,
        approved: `${error.approved.objectId} (tenant ${error.approved.tenantId})`,
      },
    };
  }
  if (error instanceof UnsupportedVmError)
    return { codes: [error.code], numbers: [], texts: [], facts: { vm: error.vm, ...error.context } };
  if (error instanceof InvalidInputError)
    return { codes: [error.code], numbers: [], texts: [], facts: { field: error.field, detail: clean(error.message) } };
  if (error instanceof SubscriptionNotManagedError)
    return { codes: [error.code], numbers: [], texts: [], facts: { scope: error.subscriptionId } };
  if (error instanceof NotFoundError)
    return { codes: [error.code], numbers: [], texts: [], facts: { resource: `'${error.name}'` } };
  if ((error as Error | undefined)?.name === 'AbortError')
    return { codes: ['AbortError'], numbers: [], texts: [], facts: {} };
  const e = error instanceof AzureRequestError ? error : toAzureError('explain', error);
  if (!(e instanceof AzureRequestError)) return { codes: [], numbers: [], texts: [], facts: {} };
  const auth =
    /does not have (?:authorization|permission) to perform action(?:\(s\))? '([^']+)' (?:over|on) (?:the linked )?scope(?:\(s\))? '([^']+)'/i.exec(
      e.message,
    );
  return {
    codes: [e.code],
    numbers: [],
    texts: [e.message],
    status: e.details.statusCode,
    facts: {
      requestId: e.details.requestId,
      azureCode: e.code,
      detail: clean(e.message),
      action: auth?.[1],
      scope: auth?.[2],
      keyVault: keyVaultIn(e.message),
    },
  };
}

function isJobError(e: unknown): e is JobError {
  const j = e as JobError | undefined;
  return (
    !!j &&
    typeof j === 'object' &&
    !(e instanceof Error) &&
    typeof j.message === 'string' &&
    Array.isArray(j.recommendations)
  );
}

/** A key vault named in an error message ("…the key vault 'kv-x'…"). */
function keyVaultIn(message: string): string | undefined {
  return /key ?vault '([^']+)'/i.exec(message)?.[1];
}

/** Azure's message, safe to show: first line, no SAS signatures or tokens, bounded. */
function clean(message: string): string {
  const line = message
    .split('\n')[0]
    .replace(/(sig|token|code)=[^&\s'"]+/gi, '$1=REDACTED')
    .replace(/Bearer\s+\S+/gi, 'Bearer REDACTED');
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}
