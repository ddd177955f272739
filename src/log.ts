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
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'ade-backup-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
