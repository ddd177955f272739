import { createHash } from 'node:crypto';

/**
 * Names of what a restore creates, derived from the restore request's id: a retried step (after a restart, a
 * timeout, a second click) addresses the same deployment, NIC and VM instead of creating a second VM.
 */
export function restoreNames(requestId: string, sourceVmName: string, vmName?: string) {
  const tag = createHash('sha256').update(requestId).digest('hex').slice(0, 6);
  const vm = vmName ?? `${sourceVmName.slice(0, 55)}-r${tag}`;
  return {
    vm,
    nic: `${vm.slice(0, 58)}-nic`,
    deployment: `restore-${vm}`.slice(0, 57) + `-${tag}`,
  };
}
