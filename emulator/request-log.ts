/** What the emulator saw of one API request, for tests to count upstream calls. */
export interface LoggedRequest {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: string;
  host: string | null;
  operationId: string;
  status: number | null;
  durationMs: number | null;
  /** What the emulator did to it: injected faults (faults.ts), or `rate_limit` when Twilio's limits turned it away. */
  fault: 'latency' | 'hang' | 'error' | 'cap' | 'next_page' | 'rate_limit' | null;
  /** The Debugger warning Twilio logs for it (45780 for a rate-limited Flex Interactions request), else null. */
  warning: number | null;
}

const MAX_ENTRIES = 200_000;
const TRIM_BATCH = 20_000;

export class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;

  add(entry: Omit<LoggedRequest, 'seq'>): void {
    this.seq += 1;
    this.entries.push({ seq: this.seq, ...entry });
    // Trimmed in batches: dropping one entry per request would shift the whole log each time.
    if (this.entries.length > MAX_ENTRIES + TRIM_BATCH) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(sinceSeq = 0): LoggedRequest[] {
    return sinceSeq > 0 ? this.entries.filter((e) => e.seq > sinceSeq) : [...this.entries];
  }

  get lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.entries = [];
  }
}
