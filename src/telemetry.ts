import { metrics, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

/**
 * OpenTelemetry for the bot: spans and metrics for turns, Azure requests, run steps and notification cards, through
 * the @opentelemetry/api globals. With no SDK registered (APPLICATIONINSIGHTS_CONNECTION_STRING unset) they are the
 * API's no-ops; src/azure/monitor.ts registers Azure Monitor's when it is set, and tests register an in-memory
 * exporter. Attributes go through `safeAttributes`: nothing that could hold a token, key or secret value is recorded.
 */
const NAME = 'ade-backup-bot';

const tracer = () => trace.getTracer(NAME);

/** Keys never recorded (whatever the value), and values that look like credentials. */
const SECRET_KEY = /token|secret|password|passwd|authorization|cookie|signature|sas|connection.?string|credential/i;
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./;
const SECRETISH = /AccountKey=|InstrumentationKey=|SharedAccessSignature|[?&]sig=/i;
const MAX_VALUE = 256;

export function safeAttributes(attributes: Record<string, unknown>): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || SECRET_KEY.test(key)) continue;
    if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (typeof value === 'string' && value.length <= MAX_VALUE && !JWT.test(value) && !SECRETISH.test(value))
      out[key] = value;
  }
  return out;
}

/** Runs `fn` in an active span: its exceptions are recorded (by type and code only) and rethrown. */
export async function inSpan<T>(
  name: string,
  attributes: Record<string, unknown>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, async (span) => {
    // With no SDK registered the span records nothing: the guard's scan is skipped on that hot path (every turn, every
    // Azure request).
    if (span.isRecording()) span.setAttributes(safeAttributes(attributes));
    try {
      return await fn(span);
    } catch (err) {
      const e = err as { name?: string; code?: unknown; statusCode?: unknown };
      span.setStatus({ code: SpanStatusCode.ERROR });
      annotate(span, { 'error.type': e?.code ?? e?.name ?? 'Error', 'error.status': e?.statusCode });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Sets attributes on a span, through the same guard. */
export function annotate(span: Span, attributes: Record<string, unknown>): void {
  if (span.isRecording()) span.setAttributes(safeAttributes(attributes));
}

const counters = new Map<string, ReturnType<ReturnType<typeof metrics.getMeter>['createCounter']>>();
const histograms = new Map<string, ReturnType<ReturnType<typeof metrics.getMeter>['createHistogram']>>();

/** Adds 1 to the counter `name` (created on first use, on the current global meter provider). */
export function countMetric(name: string, attributes: Record<string, unknown> = {}): void {
  let c = counters.get(name);
  if (!c) counters.set(name, (c = metrics.getMeter(NAME).createCounter(name)));
  c.add(1, safeAttributes(attributes));
}

/** Records a duration in milliseconds on the histogram `name`. */
export function recordDuration(name: string, ms: number, attributes: Record<string, unknown> = {}): void {
  let h = histograms.get(name);
  if (!h) histograms.set(name, (h = metrics.getMeter(NAME).createHistogram(name, { unit: 'ms' })));
  h.record(ms, safeAttributes(attributes));
}

/** Forgets the instruments (tests that swap the global meter provider). */
export function resetInstruments(): void {
  counters.clear();
  histograms.clear();
}
