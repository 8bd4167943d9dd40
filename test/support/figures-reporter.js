// Prints the figures tests record (success rates, latencies, counts) after the run, so CI logs
// show them next to the pass/fail summary. Tests write them with test/support/figures.ts.
const { readFileSync, existsSync, rmSync } = require('node:fs');
const { FIGURES_FILE } = require('./figures-file');

class FiguresReporter {
  onRunStart() {
    rmSync(FIGURES_FILE, { force: true });
  }
  onRunComplete() {
    if (!existsSync(FIGURES_FILE)) return;
    const lines = readFileSync(FIGURES_FILE, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    console.log('\nFigures measured by this run:');
    for (const { name, value } of lines) console.log(`  ${name}: ${value}`);
  }
}
module.exports = FiguresReporter;
