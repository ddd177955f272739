import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { portalLinks } from '../../cards/portal';
import { t, type Locale } from '../../i18n';
import { startData, stepData, type StartButtons } from '../flow/cards';
import { listView } from '../flow/list';
import type { ChoiceList, View } from '../flow/types';
import { changeFacts, type GrantPlan } from './plan';

/** cards/grantAccess.target.json: which key vault (or, for a name that is both, which key vault or VM). */
export function grantTargetCard(view: View, list: ChoiceList): AdaptiveCardJson {
  const l = view.locale;
  return renderCard('grantAccess.target', {
    ...stepData(view, t(l, 'grant.title')),
    intro: t(l, 'grant.target.intro'),
    prompt: t(l, 'grant.target.prompt'),
    list: listView(list, l),
  });
}

/**
 * cards/grantAccess.confirm.json: exactly what the grant adds. Inline (from enable backup's pre-check) it offers
 * Back to the pre-check instead of ending there.
 */
export function grantConfirmCard(view: View, plan: GrantPlan, options: { inline: boolean }): AdaptiveCardJson {
  const l = view.locale;
  const kv = plan.keyVault;
  const intro = plan.change.kind === 'roleAssignment' ? 'grant.confirm.introRole' : 'grant.confirm.introPolicy';
  return renderCard('grantAccess.confirm', {
    ...stepData(view, t(l, 'grant.confirm.title', { keyVault: kv.name })),
    intro: t(l, intro, { keyVault: kv.name, rg: kv.resourceGroup }),
    why: plan.vm ? t(l, 'grant.confirm.why', { vm: plan.vm }) : t(l, 'grant.confirm.whyVault'),
    // Least privilege: secrets only for a BEK-only VM or the BEK's own vault, keys only for the KEK's own vault.
    secretsOnly: (plan.encryption === 'bek' || plan.encryption === 'kek') && plan.change.kind === 'accessPolicy',
    secretsOnlyText: t(l, plan.encryption === 'kek' ? 'grant.confirm.keysOnly' : 'grant.confirm.secretsOnly'),
    facts: changeFacts(l, plan),
    confirmLabel: t(l, 'grant.confirm.button'),
    inline: options.inline,
    links: portalLinks(l, [
      { kind: 'vm', id: plan.vmId, name: plan.vm },
      { kind: 'keyVault', id: kv.id, name: kv.name },
    ]),
  });
}

/** cards/grantAccess.result.json: granted and verified, or already granted (nothing changed). */
export function grantResultCard(
  locale: Locale,
  r: { keyVault: string; keyVaultId?: string; changed: boolean; model?: string; buttons?: StartButtons },
): AdaptiveCardJson {
  const l = locale;
  return renderCard('grantAccess.result', {
    title: t(l, r.changed ? 'grant.result.granted' : 'grant.result.already', { keyVault: r.keyVault }),
    text: t(l, r.changed ? 'grant.result.verified' : 'grant.result.nothingChanged', { keyVault: r.keyVault }),
    ...startData(r.buttons ?? {}),
    links: portalLinks(l, [{ kind: 'keyVault', id: r.keyVaultId, name: r.keyVault }]),
  });
}
