// The protect flows (issue 5): enable backup, grant access, backup now, check, jobs, and their shared card mechanism.
import * as backup from './protect/backup';
import * as checkJobs from './protect/checkJobs';
import * as enable from './protect/enable';
import * as flow from './protect/flow';
import * as grant from './protect/grant';

export const en = { ...flow.en, ...enable.en, ...grant.en, ...backup.en, ...checkJobs.en };
export const zhTW: Record<keyof typeof en, string> = {
  ...flow.zhTW,
  ...enable.zhTW,
  ...grant.zhTW,
  ...backup.zhTW,
  ...checkJobs.zhTW,
};
