import Chromium from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

/**
 * The browser the tests drive: the Chromium build inside the npm package
 * `@sparticuz/chromium` (a dev dependency, so `npm ci` brings it on a machine
 * with Node.js and nothing else), unpacked on first use into the system's
 * temporary folder and kept there. `CHROMIUM_PATH` names another Chromium.
 * playwright-core drives it; nothing downloads a browser.
 */
export async function chromiumPath(): Promise<string> {
  return process.env.CHROMIUM_PATH || (await Chromium.executablePath());
}

/** Headless Chromium that stays off the network except for what the page asks for. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: await chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
