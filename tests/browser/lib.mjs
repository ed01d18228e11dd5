// Shared by the browser tests: launches Debian's Chromium (never a downloaded browser)
// headless, with the flags this sandboxed, offline machine needs.
import { chromium } from 'playwright-core';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

// Prints one JSON line for the Rust test to parse, then exits.
export function report(value) {
  process.stdout.write(JSON.stringify(value) + '\n');
}
