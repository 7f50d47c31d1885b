#!/usr/bin/env node
// One-shot, idempotent project set-up: Debian packages → npm dependencies → native addon → TypeScript build.
// Plain JavaScript with only Node built-ins, because it runs before anything is installed.
// Each step is skipped when a fingerprint of its inputs matches the last successful run, so a
// second run costs well under a second.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampPath = join(root, '.setup-stamp.json');
const quiet = process.argv.includes('--quiet');
const checkOnly = process.argv.includes('--check');

/** Debian packages the project needs, and why. */
export const DEBIAN_PACKAGES = [
  ['flite', 'flite command-line synthesizer (used by doctor as a cross-check)'],
  ['flite1-dev', 'libflite headers and voices for the in-process TTS addon'],
  ['espeak-ng', 'second TTS engine (subprocess); its variants are scenario voices'],
  ['festival', 'third TTS engine (subprocess): scenario voices'],
  // The 8 kHz twins (festvox-kallpc8k, festvox-kdlpc8k) conflict with these and add no speaker.
  ['festvox-kallpc16k', 'Festival voice kal_diphone (American English male)'],
  ['festvox-kdlpc16k', 'Festival voice ked_diphone (American English male; a held-out scenario voice)'],
  ['festvox-us-slt-hts', 'Festival voice cmu_us_slt_arctic_hts (American English female, HTS)'],
  ['asterisk-core-sounds-en-wav', 'recorded human speech (Asterisk\'s prompts, one speaker, 8 kHz): bench eot --voices recorded'],
  ['asterisk-core-sounds-en', 'the transcripts of those prompts (core-sounds-en.txt.gz)'],
  ['asterisk-core-sounds-fr-wav', 'recorded speech of a second speaker (June Wallack, Canadian French): bench recorded-set --speaker june'],
  ['asterisk-core-sounds-fr', 'the transcripts of those prompts (core-sounds-fr.txt.gz)'],
  ['asterisk-core-sounds-it-wav', 'recorded speech of a third, male speaker (Carlo, Italian): bench recorded-set --speaker carlo'],
  ['asterisk-core-sounds-it', 'the transcripts of those prompts (core-sounds-it.txt.gz)'],
  ['pocketsphinx', 'pocketsphinx runtime'],
  ['pocketsphinx-en-us', 'US-English acoustic model, language model and dictionary'],
  ['libpocketsphinx-dev', 'pocketsphinx headers for the ASR addon'],
  ['libsphinxbase-dev', 'sphinxbase headers for the ASR addon'],
  ['libspeexdsp-dev', 'speexdsp resampler for the live audio paths (native addon)'],
  ['pkg-config', 'finds compiler flags for the addon'],
  ['sox', 'audio conversion used by tools and checks'],
  ['haproxy', 'load balancer in front of two talk instances (deploy/haproxy.cfg, its test)'],
  ['chromium', 'real browser for the web page tests (driven by playwright-core)'],
  ['openssl', 'makes the self-signed certificate of `talk --tls self-signed`'],
  ['python3', 'node-gyp build tool'],
  ['make', 'node-gyp build tool'],
  ['g++', 'node-gyp build tool'],
];

function log(msg) {
  if (!quiet) process.stderr.write(`[setup] ${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`\n[setup] ERROR: ${msg}\n`);
  process.exit(1);
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    return {};
  }
}

function writeStamp(stamp) {
  writeFileSync(stampPath, JSON.stringify(stamp, null, 2) + '\n');
}

function hashFiles(paths) {
  const h = createHash('sha256');
  for (const p of paths) {
    h.update(relative(root, p));
    h.update(existsSync(p) ? readFileSync(p) : '<missing>');
  }
  return h.digest('hex');
}

function listFiles(dir, filter) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p, filter));
    else if (filter(p)) out.push(p);
  }
  return out.sort();
}

function run(cmd, args, opts = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit', ...opts });
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with status ${r.status}`);
}

// 1. Debian packages --------------------------------------------------------------------------
function missingDebianPackages() {
  const names = DEBIAN_PACKAGES.map(([n]) => n);
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...names], { encoding: 'utf8' });
  if (r.error) return names; // no dpkg at all: everything is "missing"
  const installed = new Set(
    r.stdout
      .split('\n')
      .filter((l) => l.endsWith(' installed'))
      .map((l) => l.split(' ')[0]),
  );
  return names.filter((n) => !installed.has(n));
}

function canSudo() {
  if (typeof process.getuid === 'function' && process.getuid() === 0) return 'root';
  const r = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  return r.status === 0 ? 'sudo' : null;
}

function ensureDebianPackages() {
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  const line = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (checkOnly) fail(`missing Debian packages: ${missing.join(', ')}\n  install them with: sudo ${line}`);
  const how = canSudo();
  if (!how) {
    fail(
      `missing Debian packages: ${missing.join(', ')}.\n` +
        `  Not running as root and passwordless sudo is unavailable, so set-up cannot install them.\n` +
        `  Run this, then try again:\n\n    sudo ${line}\n`,
    );
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const prefix = how === 'sudo' ? ['sudo', '-n'] : [];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const [c1, ...a1] = [...prefix, 'apt-get', 'update', '-qq'];
  run(c1, a1, { env });
  const [c2, ...a2] = [...prefix, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing];
  run(c2, a2, { env });
  const still = missingDebianPackages();
  if (still.length) fail(`apt-get finished but these packages are still missing: ${still.join(', ')}`);
}

// 2. npm dependencies -------------------------------------------------------------------------
function ensureNpmDependencies(stamp) {
  const key = hashFiles([join(root, 'package.json'), join(root, 'package-lock.json')]);
  const installed = existsSync(join(root, 'node_modules', '.package-lock.json'));
  if (installed && stamp.npm === key) return;
  if (checkOnly) fail('npm dependencies are missing or stale: run `npm install`');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // The env var backs up .npmrc: onnxruntime-node must never download anything at install time.
  run(npm, ['install', '--no-audit', '--no-fund'], { env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
  stamp.npm = hashFiles([join(root, 'package.json'), join(root, 'package-lock.json')]);
}

// 3. native addon -----------------------------------------------------------------------------
export const ADDON_PATH = join(root, 'native', 'build', 'Release', 'fullduplex_native.node');

function nodeHeadersDir() {
  // node-gyp would otherwise download headers from the internet. Debian's and NodeSource's Node
  // ship them under <prefix>/include/node.
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  if (existsSync('/usr/include/node/node_api.h')) return '/usr';
  return null;
}

function ensureNativeAddon(stamp) {
  const inputs = [join(root, 'native', 'binding.gyp'), ...listFiles(join(root, 'native', 'src'), () => true)];
  const key = hashFiles(inputs);
  if (existsSync(ADDON_PATH) && stamp.addon === key) return;
  if (checkOnly) fail('the native addon is not built: run `npm run setup`');
  const nodedir = nodeHeadersDir();
  if (!nodedir) fail(`Node's C headers (node_api.h) were not found next to ${process.execPath}; install Node with its headers.`);
  const gyp = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(gyp)) fail('node-gyp is missing from node_modules: run `npm install`');
  run(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--loglevel=warn'], { cwd: join(root, 'native') });
  stamp.addon = key;
}

// 4. TypeScript build -------------------------------------------------------------------------
function ensureTypeScriptBuild(stamp) {
  const sources = [
    join(root, 'tsconfig.json'),
    ...['src', 'test', 'bench'].flatMap((d) => listFiles(join(root, d), (p) => p.endsWith('.ts'))),
  ];
  const key = hashFiles(sources);
  const built = existsSync(join(root, 'dist', 'src', 'index.js'));
  if (built && stamp.ts === key) return;
  if (checkOnly) fail('the TypeScript build is stale: run `npm run build`');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '-p', '.']);
  stamp.ts = key;
}

// ---------------------------------------------------------------------------------------------
const t0 = Date.now();
const major = Number(process.versions.node.split('.')[0]);
if (major < 20) fail(`Node ${process.versions.node} is too old: fullduplex needs Node 20 or newer.`);
if (process.platform !== 'linux') log('warning: only Debian/Linux is supported; Debian package checks are skipped elsewhere');

const stamp = readStamp();
if (process.platform === 'linux') ensureDebianPackages();
ensureNpmDependencies(stamp);
writeStamp(stamp);
ensureNativeAddon(stamp);
writeStamp(stamp);
ensureTypeScriptBuild(stamp);
writeStamp(stamp);
log(`ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
