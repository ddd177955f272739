import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Fields that may carry credentials, wherever a caller puts them (top level or one level down, and request headers).
 * Redaction is the safety net; the rule is still that nobody logs tokens, secrets or message text.
 */
const SECRET_FIELDS = [
  'authorization',
  'token',
  'accessToken',
  'password',
  'appPassword',
  'secret',
  'clientSecret',
  'alertWebhookToken',
  'identityHeader',
  'cookie',
];
export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  'headers.authorization',
  '*.headers.authorization',
  '*.headers["x-identity-header"]',
  'bot.appPassword',
  'config.bot.appPassword',
  'config.notifications.alertWebhookToken',
];

export interface LoggerOptions {
  level?: string;
  /** Where lines go (stdout by default); tests pass a stream that collects them. */
  destination?: DestinationStream;
}

/** The one logger: JSON lines, ISO time, redaction configured. Handed to every part through its constructor. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { service: 'ade-backup-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  skipRedactingPrimitives(logger);
  return logger;
}

/**
 * With `*.field` paths, pino runs its wildcard redactor on every field of every line, strings and numbers included,
 * and @pinojs/redact re-parses each path on each call: the most allocating frame of a turn in the bench's heap
 * profile. A string, number, boolean or null has no field to redact, and the redactor's answer for one is its JSON
 * (its serializer is JSON.stringify), so those are serialised directly; objects still go through the redactor.
 * pino.symbols is pino's documented hook for "integration purposes" (https://getpino.io/#/docs/api?id=pino-symbols).
 */
function skipRedactingPrimitives(logger: Logger): void {
  const stringifiers = (logger as unknown as Record<symbol, Record<symbol, ((v: unknown) => string) | undefined>>)[
    pino.symbols.stringifiersSym
  ];
  const wildcard = stringifiers?.[pino.symbols.wildcardFirstSym];
  if (!stringifiers || !wildcard) return;
  stringifiers[pino.symbols.wildcardFirstSym] = (value: unknown) =>
    value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number'
      ? JSON.stringify(value)
      : wildcard(value);
}
