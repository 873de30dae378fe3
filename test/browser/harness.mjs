// Shared helpers of the browser tests: build the opendata binary, start
// servers on loopback, drive Debian's Chromium, run axe-core.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

export const root = path.resolve(import.meta.dirname, '..', '..');
export const screenshots = path.join(import.meta.dirname, 'screenshots');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

// browserMissing says why the browser tests cannot run here, or '' when
// they can. Under CI (OPENDATA_REQUIRE_BROWSER=1) a missing browser fails.
export function browserMissing() {
  if (existsSync(chromiumPath)) return '';
  const why = `no Chromium at ${chromiumPath}`;
  if (process.env.OPENDATA_REQUIRE_BROWSER === '1') throw new Error(why);
  return why;
}

export function tempDir(prefix) {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

// buildBinary compiles cmd/opendata once into dir.
export function buildBinary(dir) {
  const bin = path.join(dir, 'opendata');
  execFileSync('go', ['build', '-o', bin, './cmd/opendata'], { cwd: root, stdio: 'inherit' });
  return bin;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

// startServer runs a command that serves HTTP and waits, for a bounded
// time, until url answers.
export async function startServer(cmd, args, url, opts = {}) {
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`${url} did not answer within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => output, stop: () => child.kill() };
}

export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

// guardNetwork records and blocks every request to a host other than the
// test server: the portal must make no request to any other host.
export async function guardNetwork(context, allowedOrigin) {
  const external = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(allowedOrigin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  return external;
}

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');

// axeViolations runs axe-core's WCAG 2.1 A and AA rules on the page.
export async function axeViolations(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\n/g, ' ')).join('\n    ')}`);
}

export function screenshotPath(name) {
  mkdirSync(screenshots, { recursive: true });
  return path.join(screenshots, name);
}
