import type { Surface } from './types';

export interface LoggedRequest {
  seq: number;
  time: string;
  surface: Surface;
  method: string;
  path: string;
  /** Query string without the leading '?'. */
  query: string;
  /** Route id, or undefined when no route matched. */
  routeId?: string;
  status: number;
  /** Object id of the caller, when a valid token came with the request. */
  principalId?: string;
  /** Set when the response was an injected fault. */
  fault?: string;
  /** The caller's `x-ms-client-request-id` (ARM keeps it as the Activity Log's httpRequest.clientRequestId). */
  clientRequestId?: string;
}

/** Every request the sandbox served, in order. Tests and the benchmark read it to count Azure calls. */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;

  constructor(private readonly capacity = 100_000) {}

  record(entry: Omit<LoggedRequest, 'seq' | 'time'>): void {
    this.entries.push({ ...entry, seq: ++this.seq, time: new Date().toISOString() });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** Entries after `sinceSeq` (exclusive). */
  since(sinceSeq = 0): LoggedRequest[] {
    return this.entries.filter((e) => e.seq > sinceSeq);
  }

  /** The sequence number of the last entry: take it before an operation, then read `since(mark)`. */
  mark(): number {
    return this.seq;
  }

  clear(): void {
    this.entries = [];
  }
}
