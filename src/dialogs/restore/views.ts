import type { Explanation, VmListItem } from '../../azure';
import { t, type Locale } from '../../i18n';
import type { RestorePlan } from '../../runs/restorePlan';
import type { CardView, FlowPoint, FlowVm, TargetChoices } from './flow';
import { formatAge, formatTime } from './format';
import { pointTypeLabel } from './pointType';
import { planFacts, planSteps, type Fact } from './planView';
import type { PortalLink } from '../../cards/portal';
import { planLinks, vmLinks } from './links';

interface Position {
  flowId: string;
  rev: number;
}

const labels = (locale: Locale) => ({
  next: t(locale, 'restore.label.next'),
  cancel: t(locale, 'restore.label.cancel'),
});

export function messageView(locale: Locale, title: string, text: string): CardView {
  return { card: 'restore.message', data: { title, text } };
}

export function cancelledView(locale: Locale): CardView {
  return messageView(locale, t(locale, 'restore.cancelled.title'), t(locale, 'restore.cancelled.text'));
}

export function staleView(locale: Locale): CardView {
  return messageView(locale, t(locale, 'restore.stale.title'), t(locale, 'restore.stale.text'));
}

export function vmView(locale: Locale, at: Position, vms: VmListItem[], notice = ''): CardView {
  return {
    card: 'restore.vm',
    data: {
      ...at,
      title: t(locale, 'restore.vm.title'),
      notice,
      prompt: t(locale, 'restore.vm.prompt'),
      label: t(locale, 'restore.vm.label'),
      required: t(locale, 'restore.required.vm'),
      selected: vms.length === 1 ? vms[0].id : '',
      choices: vms.map((v) => ({
        // The subscription's display name when the bot manages several (issue 17).
        title: `${t(locale, 'restore.vm.choice', { vm: v.name, vault: v.vault ?? '' })}${
          v.subscriptionName ? ` — ${v.subscriptionName}` : ''
        }`,
        value: v.id,
      })),
      labels: labels(locale),
    },
  };
}

export function vmFacts(locale: Locale, vm: FlowVm): Fact[] {
  const enc = vm.encryption;
  const encryption = enc
    ? t(locale, 'restore.encryption.ade', {
        kind: enc.kind.toUpperCase().replace('+', ' + '),
        pass: t(locale, enc.pass === 'dual' ? 'enable.pass.dual' : 'enable.pass.single'),
      })
    : t(locale, 'restore.encryption.none');
  return [
    { title: t(locale, 'restore.facts.vm'), value: `${vm.name} (${vm.resourceGroup}, ${vm.location})` },
    { title: t(locale, 'restore.facts.os'), value: vm.osType },
    { title: t(locale, 'restore.facts.encryption'), value: encryption },
    { title: t(locale, 'restore.facts.vault'), value: vm.item.vault },
  ];
}

export function pointView(
  locale: Locale,
  at: Position,
  vm: FlowVm,
  points: FlowPoint[],
  now: Date,
  notice = '',
): CardView {
  const choice = (p: FlowPoint) => {
    const label = t(locale, 'restore.point.choice', {
      time: formatTime(p.time),
      type: pointTypeLabel(locale, p.type),
      age: formatAge(locale, p.time, now),
    });
    const marks = [
      ...(p.templateRestorable ? [] : [t(locale, 'restore.point.noTemplate')]),
      ...(p.managedDisks === false ? [t(locale, 'restore.point.unmanaged')] : []),
    ];
    return { title: [label, ...marks].join(' · '), value: p.name };
  };
  return {
    card: 'restore.point',
    data: {
      ...at,
      title: t(locale, 'restore.point.title', { vm: vm.name }),
      notice,
      facts: vmFacts(locale, vm),
      prompt: t(locale, 'restore.point.prompt'),
      label: t(locale, 'restore.point.label'),
      required: t(locale, 'restore.required.point'),
      selected: points[0]?.name ?? '',
      choices: points.map(choice),
      legacy: points.some((p) => !p.templateRestorable) ? t(locale, 'restore.point.legacy') : '',
      labels: labels(locale),
      links: vmLinks(locale, vm),
    },
  };
}

export function targetView(
  locale: Locale,
  at: Position,
  input: {
    vm: FlowVm;
    point: FlowPoint;
    encryption?: RestorePlan['encryption'];
    choices: TargetChoices;
    selected: { staging: string; resourceGroup: string; subnet: string; vmName: string };
    notice?: string;
  },
): CardView {
  const { vm, point, encryption, choices } = input;
  return {
    card: 'restore.target',
    data: {
      ...at,
      title: t(locale, 'restore.target.title', { vm: vm.name }),
      notice: input.notice ?? '',
      facts: [
        ...vmFacts(locale, vm).slice(0, 1),
        {
          title: t(locale, 'restore.facts.point'),
          value: `${formatTime(point.time)} · ${pointTypeLabel(locale, point.type)}`,
        },
      ],
      checksTitle: t(locale, 'restore.target.checks'),
      checks: checkLines(locale, encryption),
      staging: choices.staging.map((s) => ({ title: `${s.name} (${s.resourceGroup})`, value: s.id })),
      groups: choices.groups.map((g) => ({ title: g.location ? `${g.name} (${g.location})` : g.name, value: g.id })),
      subnets: choices.subnets.map((s) => ({
        title: `${s.vnet} / ${s.subnet}${s.addressPrefix ? ` (${s.addressPrefix})` : ''}`,
        value: s.id,
      })),
      selected: input.selected,
      labels: {
        ...labels(locale),
        staging: t(locale, 'restore.target.staging', { region: vm.location }),
        group: t(locale, 'restore.target.group'),
        subnet: t(locale, 'restore.target.subnet', { region: vm.location }),
        vmName: t(locale, 'restore.target.vmName'),
        requiredStaging: t(locale, 'restore.required.staging'),
        requiredGroup: t(locale, 'restore.required.group'),
        requiredSubnet: t(locale, 'restore.required.subnet'),
        requiredVmName: t(locale, 'restore.required.vmName'),
      },
    },
  };
}

function checkLines(locale: Locale, enc: RestorePlan['encryption']): { text: string; color: string }[] {
  if (!enc) return [{ text: `✅ ${t(locale, 'restore.check.notEncrypted')}`, color: 'Good' }];
  const lines = [{ text: `✅ ${t(locale, 'restore.check.keyVault', { keyVault: enc.keyVault.name })}`, color: 'Good' }];
  if (!enc.putBack) lines.push({ text: `✅ ${t(locale, 'restore.check.keysPresent')}`, color: 'Good' });
  else {
    const gone = enc.key === 'missing' || enc.secret === 'missing';
    const key = !gone
      ? 'restore.check.keysRecover'
      : enc.source === 'recoveryPoint'
        ? 'restore.check.keysRestoreLegacy'
        : 'restore.check.keysRestore';
    lines.push({ text: `⚠️ ${t(locale, key)}`, color: 'Warning' });
  }
  return lines;
}

export function planView(locale: Locale, at: Position, plan: RestorePlan, hash: string): CardView {
  return {
    card: 'restore.plan',
    data: {
      ...at,
      planHash: hash,
      notice: '',
      title: t(locale, 'restore.plan.title', { vm: plan.vm.name }),
      intro: t(locale, 'restore.plan.intro'),
      facts: planFacts(locale, plan),
      stepsTitle: t(locale, 'restore.plan.steps'),
      steps: planSteps(locale, plan).map((s, i) => ({ text: `${i + 1}. ${s.text}` })),
      labels: {
        request: t(locale, 'restore.plan.requestApproval'),
        cancel: t(locale, 'restore.label.cancel'),
        reason: t(locale, 'restore.plan.reason'),
        reasonHint: t(locale, 'restore.plan.reasonHint'),
      },
      links: planLinks(locale, plan),
    },
  };
}

export function refusedView(
  locale: Locale,
  explanation: Explanation,
  facts: Fact[] = [],
  links: PortalLink[] = [],
): CardView {
  return {
    card: 'restore.refused',
    data: {
      title: explanation.title,
      facts,
      cause: explanation.cause,
      resolution: explanation.resolution,
      reference: explanation.requestId ? t(locale, 'approval.reference', { id: explanation.requestId }) : '',
      labels: { cause: t(locale, 'restore.label.cause'), resolution: t(locale, 'restore.label.resolution') },
      links,
    },
  };
}
