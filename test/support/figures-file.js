const path = require('node:path');
const os = require('node:os');

// The reporter (in jest's main process) names the file; test workers inherit it through the environment.
if (!process.env.ENRICHMENT_FIGURES_FILE) {
  process.env.ENRICHMENT_FIGURES_FILE = path.join(os.tmpdir(), `flex-interaction-enrichment-figures-${process.pid}.jsonl`);
}
module.exports = { FIGURES_FILE: process.env.ENRICHMENT_FIGURES_FILE };
