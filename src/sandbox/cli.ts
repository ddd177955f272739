/* `npm run sandbox`: the local Azure alone, printing its endpoints and how to use them. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSandbox } from './index';
import { DEPLOYER } from './world/bare';

async function main(): Promise<void> {
  const started = Date.now();
  const armPort = Number(process.env.SANDBOX_ARM_PORT ?? 0);
  // SANDBOX_BOT_ACCESS=none: the bot's identity holds nothing, and id-platform-engineer (Owner) can deploy infra/.
  const botAccess = process.env.SANDBOX_BOT_ACCESS === 'none' ? 'none' : 'seeded';
  const sandbox = await startSandbox({ armPort, botAccess });
  const caFile = path.resolve(process.env.SANDBOX_CA_FILE ?? '.data/sandbox-ca.pem');
  mkdirSync(path.dirname(caFile), { recursive: true });
  writeFileSync(caFile, sandbox.ca);
  const bot = sandbox.world.identities.find((i) => i.approved)!;
  const e = sandbox.endpoints;
  // For tools and tests that start the sandbox in another process: everything a bot needs to reach it.
  if (process.env.SANDBOX_ENDPOINTS_FILE) {
    const w = sandbox.world;
    const info = {
      ...e,
      caFile,
      subscriptionId: w.subscriptionId,
      tenantId: w.tenantId,
      clientId: bot.clientId,
      objectId: bot.objectId,
    };
    writeFileSync(path.resolve(process.env.SANDBOX_ENDPOINTS_FILE), JSON.stringify(info, null, 2));
  }
  console.log(`Sandbox Azure started in ${Date.now() - started} ms
  ARM              ${e.arm}
  Graph            ${e.graph}/v1.0
  Blob             ${e.blob}/{account}/{container}/{blob}
  Managed identity ${e.identity}   (X-IDENTITY-HEADER: ${e.identityHeader})
  Key vaults       ${Object.entries(e.keyVaults)
    .map(([n, u]) => `${n}=${u}`)
    .join('\n                   ')}
  Subscriptions    ${sandbox.worlds.map((w) => `${w.subscriptionId} ${w.subscriptionName}`).join('\n                   ')}
  Admin            ${e.arm}/_sandbox/requests | /_sandbox/faults | /_sandbox/clock
  CA certificate   ${caFile}${
    botAccess === 'none'
      ? `\n  Bare world       the bot's identity holds no role; deploy infra/main.json as client_id=${DEPLOYER.clientId}`
      : ''
  }

Point a client at it:
  export IDENTITY_ENDPOINT=${e.identity} IDENTITY_HEADER=${e.identityHeader} NODE_EXTRA_CA_CERTS=${caFile}
  curl -s -H "X-IDENTITY-HEADER: ${e.identityHeader}" "${e.identity}?api-version=2019-08-01&resource=https://management.azure.com&client_id=${bot.clientId}"
  curl --cacert ${caFile} -H "Authorization: Bearer <token>" "${e.arm}/subscriptions/${sandbox.world.subscriptionId}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults?api-version=2023-04-01"
`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
