import { echo } from '../shared';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { armId, portalLinks, type PortalRef } from '../../cards/portal';
import { t, type Locale } from '../../i18n';
import { startData, stepData } from '../flow/cards';
import { listView } from '../flow/list';
import type { FlowRecord, View } from '../flow/types';
import { DAYS, describePolicy, shapeOf, TIMES, type PolicyPick } from './policy';
import { refusalText, type VmCheck } from './precheck';
import type { EnableResult, EnableState } from './state';

type Rec = FlowRecord<EnableState>;

const ENC: Record<string, 'enable.enc.none' | 'enable.enc.bek' | 'enable.enc.bekKek'> = {
  none: 'enable.enc.none',
  bek: 'enable.enc.bek',
  'bek+kek': 'enable.enc.bekKek',
};

export function encryptionText(locale: Locale, c: Pick<VmCheck, 'encryption' | 'pass'>): string {
  const kind = t(locale, ENC[c.encryption]);
  return c.pass ? `${kind} (${t(locale, c.pass === 'dual' ? 'enable.pass.dual' : 'enable.pass.single')})` : kind;
}

export function agentText(locale: Locale, agent: VmCheck['agent']): string {
  return t(
    locale,
    agent === 'ready' ? 'enable.agent.ready' : agent === 'not-ready' ? 'enable.agent.notReady' : 'enable.agent.unknown',
  );
}

export function policyText(locale: Locale, p: PolicyPick): string {
  if (p.kind === 'existing')
    return t(locale, 'enable.policy.choice', {
      name: p.name,
      isDefault: '',
      schedule: describePolicy(locale, p.summary),
    });
  return t(locale, 'enable.policy.toCreate', { name: p.name, what: describePolicy(locale, shapeOf(p.spec)) });
}

/** The chosen vault, then (up to the links a card holds) the VMs, in the portal. */
function enableLinks(
  l: Locale,
  vault: { id?: string; name: string; resourceGroup?: string } | undefined,
  vms: { id?: string; name: string; resourceGroup: string }[] = [],
) {
  const refs: PortalRef[] = [];
  if (vault)
    refs.push({ kind: 'vault', id: vault.id ?? armId.vault(vault.resourceGroup, vault.name), name: vault.name });
  for (const vm of vms) refs.push({ kind: 'vm', id: vm.id ?? armId.vm(vm.resourceGroup, vm.name), name: vm.name });
  return portalLinks(l, refs);
}

export function vaultCard(r: Rec, view: View): AdaptiveCardJson {
  const l = view.locale;
  const intro = r.state.region
    ? t(l, 'enable.vault.introRegion', { region: r.state.region })
    : t(l, 'enable.vault.intro');
  const unknown = r.state.unknown.length
    ? t(l, 'enable.vault.unknown', { names: echo(r.state.unknown.join(', '), 120) })
    : '';
  return renderCard('enableBackup.vault', {
    ...stepData(view, t(l, 'enable.title')),
    intro,
    hasUnknown: !!unknown,
    unknown,
    prompt: t(l, 'enable.vault.prompt'),
    list: listView(r.list!, l),
  });
}

export function policyCard(r: Rec, view: View): AdaptiveCardJson {
  const l = view.locale;
  return renderCard('enableBackup.policy', {
    ...stepData(view, t(l, 'enable.title')),
    intro: t(l, 'enable.policy.intro', { vault: r.state.vault!.name }),
    links: enableLinks(l, r.state.vault),
    prompt: t(l, 'enable.policy.prompt'),
    list: listView(r.list!, l),
  });
}

export function newPolicyCard(r: Rec, view: View): AdaptiveCardJson {
  const l = view.locale;
  return renderCard('enableBackup.newPolicy', {
    ...stepData(view, t(l, 'enable.newPolicy.title', { vault: r.state.vault!.name })),
    intro: t(l, 'enable.newPolicy.intro'),
    links: enableLinks(l, r.state.vault),
    nameLabel: t(l, 'enable.newPolicy.name'),
    frequencyLabel: t(l, 'enable.newPolicy.frequency'),
    frequencies: [
      { title: t(l, 'enable.newPolicy.daily'), value: 'Daily' },
      { title: t(l, 'enable.newPolicy.weekly'), value: 'Weekly' },
    ],
    timeLabel: t(l, 'enable.newPolicy.time'),
    times: TIMES.map((x) => ({ title: `${x} UTC`, value: x })),
    daysLabel: t(l, 'enable.newPolicy.days'),
    days: DAYS.map((d) => ({ title: t(l, `enable.day.${d}`), value: d })),
    retentionLabel: t(l, 'enable.newPolicy.retention'),
  });
}

export function vmsCard(r: Rec, view: View): AdaptiveCardJson {
  const l = view.locale;
  const { vault } = r.state;
  return renderCard('enableBackup.vms', {
    ...stepData(view, t(l, 'enable.title')),
    intro: t(l, 'enable.vms.intro', { vault: vault!.name, region: vault!.location }),
    prompt: t(l, 'enable.vms.prompt'),
    list: listView(r.list!, l),
  });
}

function checkLines(l: Locale, c: VmCheck): string[] {
  const lines = [t(l, 'enable.check.encryption', { what: encryptionText(l, c) })];
  if (c.keyVault && c.encryption !== 'none') {
    const state = c.verdict === 'needsGrant' ? 'enable.check.kvNoAccess' : 'enable.check.kvOk';
    if (c.refusal?.code !== 'KeyVaultGone') lines.push(t(l, state, { keyVault: c.keyVault.name }));
  } else if (c.encryption === 'none') {
    lines.push(t(l, 'enable.check.noKeyVault'));
  }
  lines.push(t(l, 'enable.check.agent', { what: agentText(l, c.agent) }));
  return lines;
}

export function precheckCard(r: Rec, view: View): AdaptiveCardJson {
  const l = view.locale;
  const vms = r.state.checks.map((c) => {
    const refusal = c.refusal ? refusalText(l, c, c.refusal) : undefined;
    const verdict =
      c.verdict === 'ready'
        ? t(l, c.agent === 'ready' ? 'enable.check.ready' : 'enable.check.readyAgentWarning')
        : c.verdict === 'needsGrant'
          ? t(l, 'enable.check.needsGrant', { keyVault: c.keyVault?.name ?? '' })
          : `${refusal!.title}. ${refusal!.cause} ${refusal!.resolution}`;
    return {
      name: `${c.name} (${c.resourceGroup})`,
      lines: checkLines(l, c).map((text) => ({ text })),
      verdict,
      color: c.verdict === 'ready' ? (c.agent === 'ready' ? 'Good' : 'Warning') : 'Attention',
      canGrant: c.verdict === 'needsGrant',
      grantLabel: t(l, 'enable.check.grant', { keyVault: c.keyVault?.name ?? '' }),
      vm: c.id,
    };
  });
  const ready = r.state.checks.filter((c) => c.verdict === 'ready').length;
  return renderCard('enableBackup.precheck', {
    ...stepData(view, t(l, 'enable.check.title')),
    intro: t(l, 'enable.check.intro', { vault: r.state.vault!.name, ready, count: vms.length }),
    vms,
    canContinue: ready > 0,
    links: enableLinks(l, r.state.vault, r.state.checks),
  });
}

export function confirmCard(r: Rec, view: View): AdaptiveCardJson {
  const l = view.locale;
  const s = r.state;
  const ready = s.checks.filter((c) => c.verdict === 'ready');
  const skipped = s.checks.filter((c) => c.verdict !== 'ready');
  return renderCard('enableBackup.confirm', {
    ...stepData(view, t(l, 'enable.confirm.title')),
    intro: t(l, 'enable.confirm.intro'),
    facts: [
      { title: t(l, 'enable.fact.vault'), value: `${s.vault!.name} (${s.vault!.resourceGroup}, ${s.vault!.location})` },
      { title: t(l, 'enable.fact.policy'), value: policyText(l, s.policy!) },
    ],
    createsPolicy: s.policy!.kind === 'new',
    createText:
      s.policy!.kind === 'new'
        ? t(l, 'enable.confirm.createPolicy', { name: s.policy!.name, vault: s.vault!.name })
        : '',
    changes: ready.map((c) => ({
      text: t(l, 'enable.confirm.protect', {
        vm: c.name,
        rg: c.resourceGroup,
        policy: s.policy!.name,
        enc: encryptionText(l, c),
      }),
    })),
    hasSkipped: skipped.length > 0,
    skippedLabel: t(l, 'enable.confirm.skipped'),
    skipped: skipped.map((c) => ({
      text: `${c.name}: ${c.verdict === 'needsGrant' ? t(l, 'enable.check.needsGrant', { keyVault: c.keyVault?.name ?? '' }) : refusalText(l, c, c.refusal!).title}`,
    })),
    confirmLabel: t(l, 'enable.confirm.button', { count: ready.length }),
    links: enableLinks(l, s.vault, ready),
  });
}

/** The card the enable work updates in place: one line per VM, with "Back up now" once protected. */
export function resultCard(
  locale: Locale,
  input: {
    vault: string;
    vaultResourceGroup?: string;
    policy: string;
    results: EnableResult[];
    policyProblem?: string;
  },
): AdaptiveCardJson {
  const l = locale;
  const done = input.results.every((r) => r.status !== 'working');
  const failed = input.results.filter((r) => r.status === 'failed').length;
  const title = !done
    ? 'enable.result.working'
    : failed === 0
      ? 'enable.result.done'
      : failed === input.results.length
        ? 'enable.result.failed'
        : 'enable.result.partial';
  return renderCard('enableBackup.result', {
    title: t(l, title),
    intro: t(l, 'enable.result.intro', { vault: input.vault, policy: input.policy }),
    hasPolicyProblem: !!input.policyProblem,
    policyProblem: input.policyProblem ?? '',
    vms: input.results.map((r) => ({
      name: r.name,
      status:
        r.status === 'working'
          ? t(l, 'enable.result.vmWorking')
          : r.status === 'enabled'
            ? t(l, 'enable.result.vmEnabled', { job: r.jobId ?? '-' })
            : `${r.failure?.title ?? ''}. ${r.failure?.resolution ?? ''}`,
      color: r.status === 'enabled' ? 'Good' : r.status === 'failed' ? 'Attention' : 'Default',
      agent: t(l, 'enable.check.agent', { what: agentText(l, r.agent) }),
      agentColor: r.agent === 'ready' ? 'Default' : 'Warning',
      ...startData({
        backup: r.status === 'enabled' ? { title: t(l, 'enable.result.backupNow'), data: { vm: r.name } } : undefined,
        grant: r.failure?.keyVault
          ? { title: t(l, 'flow.fix.grant'), data: { vm: r.name, keyVault: r.failure.keyVault } }
          : undefined,
      }),
    })),
    links: enableLinks(l, { name: input.vault, resourceGroup: input.vaultResourceGroup }, input.results),
  });
}
