import { t, type Locale, type MessageKey } from '../../i18n';
import { pointTypeLabel } from './pointType';
import type { RestorePlan } from '../../runs/restorePlan';
import type { RestoreStep } from '../../runs/restoreRun';
import { formatTime } from './format';

export interface Fact {
  title: string;
  value: string;
}

/** The plan's facts, as the plan card and the approval card show them. */
export function planFacts(locale: Locale, plan: RestorePlan): Fact[] {
  const fact = (key: MessageKey, value: string): Fact => ({ title: t(locale, key), value });
  const facts = [
    fact('restore.facts.vm', `${plan.vm.name} (${plan.vm.resourceGroup}, ${plan.vm.osType})`),
    fact(
      'restore.facts.point',
      `${formatTime(plan.recoveryPoint.time)} · ${pointTypeLabel(locale, plan.recoveryPoint.type)}`,
    ),
  ];
  const enc = plan.encryption;
  if (enc) {
    facts.push(fact('restore.facts.keyVault', enc.keyVault.name));
    if (enc.kekVault) facts.push(fact('restore.facts.kekVault', enc.kekVault.name));
    facts.push(
      fact(
        'restore.facts.keyAndSecret',
        t(locale, 'restore.keyState', { key: stateLabel(locale, enc.key), secret: stateLabel(locale, enc.secret) }),
      ),
    );
  }
  facts.push(
    fact('restore.facts.staging', plan.staging.name),
    fact('restore.facts.targetGroup', plan.targetResourceGroup.name),
    fact('restore.facts.network', `${plan.subnet.vnet} / ${plan.subnet.subnet}`),
    fact('restore.facts.newVm', plan.newVmName),
    fact('restore.facts.path', t(locale, `restore.path.${plan.path}`)),
  );
  if (enc?.pass === 'dual') {
    const app = enc.aadClientId ?? t(locale, 'restore.dualPass.unknownApp');
    facts.push(fact('restore.facts.dualPass', t(locale, 'restore.dualPass.note', { app })));
  }
  return facts;
}

/** The run's steps that this plan includes, in order (key and secret only when they must be put back). */
export function planStepIds(plan: RestorePlan): RestoreStep[] {
  const steps: RestoreStep[] = ['restoreDisks', 'followJob'];
  if (plan.encryption?.putBack) steps.push('putBackKeys');
  steps.push('createVm', 'deleteStaging');
  return steps;
}

/** "What will happen", one sentence per step. */
export function planSteps(locale: Locale, plan: RestorePlan): { step: RestoreStep; text: string }[] {
  const enc = plan.encryption;
  const network = `${plan.subnet.vnet} / ${plan.subnet.subnet}`;
  const text = (step: RestoreStep): string => {
    switch (step) {
      case 'restoreDisks':
        return t(locale, 'restore.step.restoreDisks', {
          time: formatTime(plan.recoveryPoint.time),
          group: plan.targetResourceGroup.name,
          staging: plan.staging.name,
        });
      case 'followJob':
        return t(locale, 'restore.step.followJob');
      case 'putBackKeys': {
        const onlySoftDeleted = enc!.key !== 'missing' && enc!.secret !== 'missing';
        const key: MessageKey = onlySoftDeleted
          ? 'restore.step.putBackKeys.recover'
          : enc!.source === 'recoveryPoint'
            ? 'restore.step.putBackKeys.legacy'
            : 'restore.step.putBackKeys.restore';
        // Split vaults: "kv-bek (secret) and kv-kek (key)".
        const keyVault = enc!.kekVault
          ? t(locale, 'restore.splitVaults', { bek: enc!.keyVault.name, kek: enc!.kekVault.name })
          : enc!.keyVault.name;
        return t(locale, key, { keyVault });
      }
      case 'createVm':
        return t(
          locale,
          enc?.pass === 'dual' && plan.path === 'compute'
            ? 'restore.step.createVm.computeDual'
            : `restore.step.createVm.${plan.path}`,
          {
            newVm: plan.newVmName,
            group: plan.targetResourceGroup.name,
            network,
          },
        );
      case 'deleteStaging':
        return t(locale, 'restore.step.deleteStaging', { staging: plan.staging.name });
    }
  };
  return planStepIds(plan).map((step) => ({ step, text: text(step) }));
}

export function stateLabel(locale: Locale, state: string): string {
  return t(locale, `restore.state.${state}` as MessageKey);
}
