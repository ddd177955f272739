import type { JobOperations } from '../../src/azure/jobs';
import type { JobSummary } from '../../src/azure/types';
import type { TestAzure } from './azure';

/** ARM requests (management plane, Graph included) the sandbox served since `mark`, as "METHOD routeId". */
export function armCalls(azure: TestAzure, mark: number): string[] {
  return azure
    .requestsSince(mark)
    .filter((r) => (r as { surface?: string }).surface === 'arm')
    .map((r) => `${r.method} ${r.routeId ?? r.path}`);
}

/** Polls a job until it leaves InProgress (the sandbox's jobs take tens of milliseconds in tests). */
export async function waitForJob(
  jobs: JobOperations,
  vault: string,
  jobId: string,
  timeoutMs = 20_000,
): Promise<JobSummary> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await jobs.get(vault, jobId);
    if (!/^(InProgress|Cancelling)$/i.test(job.status)) return job;
    if (Date.now() > until) throw new Error(`Job ${jobId} still ${job.status} after ${timeoutMs} ms.`);
    await new Promise((r) => setTimeout(r, 40));
  }
}
