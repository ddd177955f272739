import type { ResourceRef, VmListItem } from '../azure';
import type { AuditEntry, NewAuditEntry } from '../store';
import { t, type Locale } from '../i18n';
import type { DialogDeps } from './deps';
import { nearest } from './suggest';
import type { Choice, Turn } from './flow/types';

/** A VM as a choice: its ARM id is the value (unique, and checked against what was offered). */
export const vmChoice = (vm: VmListItem): Choice => ({
  value: vm.id,
  title: `${vm.name} (${vm.resourceGroup}, ${vm.location}${vm.vault ? `, ${vm.vault}` : ''}${
    vm.subscriptionName ? `, ${vm.subscriptionName}` : ''
  })`,
});

/** A VM a name look-up found (no protection read yet) as a choice, for "which of these did you mean?". */
export const placeChoice = (vm: ResourceRef & { location: string }): Choice => ({
  value: vm.id,
  title: placeTitle(vm),
});

/**
 * `name (resource group, region)`, and the subscription's display name when the bot manages more than one
 * (issue 17: the Azure layer sets `subscriptionName` only then).
 */
export const placeTitle = (r: ResourceRef & { location: string }): string =>
  `${r.name} (${r.resourceGroup}, ${r.location}${r.subscriptionName ? `, ${r.subscriptionName}` : ''})`;

/** Resources grouped by subscription (its display name, when several are managed), then by name. */
export const bySubscriptionThenName = (a: ResourceRef, b: ResourceRef): number =>
  (a.subscriptionName ?? '').localeCompare(b.subscriptionName ?? '') || a.name.localeCompare(b.name);

/** The resource group and name in a VM's ARM id (a choice's value), or undefined when it is not one. */
export function parseVmId(id: string): (ResourceRef & { location?: string }) | undefined {
  const m =
    /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i.exec(
      id,
    );
  return m ? { id, resourceGroup: m[1], name: m[2] } : undefined;
}

export const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

/** The words after a command, e.g. `vm-web-01 vm-app-02` or `vm-web-01, vm-app-02`. */
export const words = (args: string): string[] => args.split(/[\s,]+/).filter(Boolean);

/** Writes one audit trail entry for what this user did (or tried) in this turn. */
export function audit(deps: DialogDeps, turn: Turn | AuditWho, entry: Omit<NewAuditEntry, 'who'>): Promise<AuditEntry> {
  const who = 'address' in turn ? { aadObjectId: turn.user.aadObjectId, name: turn.user.name } : turn.who;
  return deps.store.audit.append({ who, correlationId: turn.correlationId, ...entry });
}

/** Who acted, kept with long work that outlives the turn. */
export interface AuditWho {
  who: { aadObjectId?: string; name?: string };
  correlationId?: string;
}

export const auditWho = (turn: Turn): AuditWho => ({
  who: { aadObjectId: turn.user.aadObjectId, name: turn.user.name },
  correlationId: turn.correlationId,
});

/** `2026-01-05 10:12 UTC` */
export function utc(d: Date | undefined): string {
  return d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
}

export const day = (d: Date): string => d.toISOString().slice(0, 10);

/** "No VM is called vm-db01." and, where one name is one or two edits away, "Did you mean vm-db-01?" */
export function withSuggestion(locale: Locale, text: string, typed: string, known: { name: string }[]): string {
  const near = nearest(
    typed,
    known.map((k) => k.name),
  );
  return near ? `${text} ${t(locale, 'suggest.vm', { name: near })}` : text;
}

/** Text a user typed, shown back: at most 60 characters (a pasted log is not repeated whole). */
export function echo(text: string, max = 60): string {
  const s = text.trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
