export { RestoreDialog, type DialogOutcome, type RestoreDialogDeps, type RestoreDialogVerb } from './dialog';
export { flowKey, type CardView, type FlowUser, type RestoreFlow } from './flow';
export { formatTime } from './format';
export { planFacts, planStepIds, planSteps } from './planView';
export { planLinks, restoredVmId } from './links';
