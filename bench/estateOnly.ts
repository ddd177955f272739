/**
 * The estate scenario alone (issue 17), for trying it without the whole bench: `npx tsx bench/estateOnly.ts 100 1000`
 * prints, per estate size, each flow's requests (polls) and look-ups. The estate spreads over ESTATE_SUBSCRIPTIONS.
 */
import { ESTATE_SUBSCRIPTIONS, estateCalls } from './scenarios/estate';
import { Connector } from './support/connector';

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const subscriptions = Number(
    process.argv.find((a) => a.startsWith('--subscriptions='))?.split('=')[1] ?? ESTATE_SUBSCRIPTIONS,
  );
  const connector = await new Connector().start();
  try {
    const runs = await estateCalls(connector, sizes.length ? sizes : [100], subscriptions);
    for (const run of runs) {
      process.stdout.write(`${run.vms} VMs over ${subscriptions} subscription(s)\n`);
      for (const f of run.flows)
        process.stdout.write(
          `  ${f.flow}: ${f.arm} (${f.polls}) / ${f.lookups}${f.succeeded ? '' : ` FAILED ${f.problem ?? ''}`}\n    ${JSON.stringify(f.byRoute)}\n`,
        );
    }
  } finally {
    await connector.close();
  }
}

void main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
