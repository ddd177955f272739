import { admin } from './admin';
import { authorization } from './authorization';
import { compute } from './compute';
import { deployments } from './deployments';
import { directory } from './directory';
import { keyVault } from './keyVault';
import { keyVaultData } from './keyVaultData';
import { network } from './network';
import type { Provider } from './provider';
import { recoveryServices } from './recoveryServices';
import { resourceGraph } from './resourceGraph';
import { resources } from './resources';
import { storage } from './storage';
import { subscriptions } from './subscriptions';

/** Every resource provider the sandbox serves. */
export const PROVIDERS: Provider[] = [
  admin,
  recoveryServices,
  compute,
  network,
  storage,
  keyVault,
  keyVaultData,
  authorization,
  deployments,
  resources,
  subscriptions,
  resourceGraph,
  directory,
];
