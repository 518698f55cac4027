// `npm run bench`: every benchmark section, side by side with its peer or baseline.
// `npm run bench -- vsftpd firewall` runs only the named sections.
import { existsSync } from 'node:fs';

const sections = {
  vsftpd: async () => {
    const { runVsftpdBench, printVsftpdBench } = await import('./vsftpd-bench.js');
    printVsftpdBench(await runVsftpdBench());
  },
  x509: async () => {
    const m = await import('./x509-bench.js');
    const r = await m.runX509Bench();
    if (m.printX509Bench) m.printX509Bench(r);
    else console.log('x509:', JSON.stringify(r));
  },
  firewall: async () => {
    const m = await import('./firewall-bench.js');
    const r = await m.runFirewallBench();
    if (m.printFirewallBench) m.printFirewallBench(r);
    else console.log('firewall:', JSON.stringify(r));
  },
  report: async () => {
    const m = await import('./report-bench.js');
    const r = await m.runReportBench();
    if (m.printReportBench) m.printReportBench(r);
    else console.log('report:', JSON.stringify(r));
  },
  probe: async () => {
    const m = await import('./probe-bench.js');
    const r = await m.runProbeBench();
    if (m.printProbeBench) m.printProbeBench(r);
    else console.log('probe:', JSON.stringify(r));
  },
  parse: async () => {
    const { runParseBench, printParseBench } = await import('./parse-bench.js');
    printParseBench(await runParseBench());
  },
};

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(sections);
let failed = false;
for (const name of wanted) {
  const run = sections[name];
  if (!run) {
    console.error(`unknown bench section ${name} (known: ${Object.keys(sections).join(', ')})`);
    failed = true;
    continue;
  }
  const file = new URL(`./${name}-bench.js`, import.meta.url);
  if (!existsSync(file)) {
    console.log(`\n== ${name}: not available (bench/${name}-bench.js missing)`);
    continue;
  }
  console.log(`\n== ${name}`);
  try {
    await run();
  } catch (err) {
    failed = true;
    console.error(`bench ${name} failed: ${err.stack ?? err}`);
  }
}
process.exit(failed ? 1 : 0);
