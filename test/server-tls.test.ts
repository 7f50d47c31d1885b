/**
 * TLS: bad certificate or key files are refused at start with the file named (and `talk` exits
 * non-zero before loading anything); `--tls self-signed` makes a certificate with openssl once and
 * reuses it; and the unchanged `openai` package (a child process trusting the certificate through
 * NODE_EXTRA_CA_CERTS, an ephemeral key as its API key) completes a spoken turn over wss://.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadTlsFiles, selfSignedNames, selfSignedTls, type TlsMaterial } from '../src/server/tls.js';
import type { FullduplexServer } from '../src/server/server.js';
import { closeSharedComponents, tempDir, testServer } from './helpers/server.js';
import { track } from './helpers/protocol-endpoints.js';

const run = promisify(execFile);
const dir = tempDir('tls');
let tls: TlsMaterial;
let server: FullduplexServer | undefined;
const TOKEN = 'tls-test-token';

before(async () => {
  tls = await selfSignedTls(join(dir, 'tls'), selfSignedNames('127.0.0.1'));
});
after(async () => {
  await server?.close();
  await closeSharedComponents();
});

test('bad or missing certificate and key files: an error that names the file', async () => {
  const garbage = join(dir, 'garbage.pem');
  writeFileSync(garbage, 'not a pem file\n');
  await assert.rejects(loadTlsFiles(join(dir, 'missing-cert.pem'), tls.keyFile), (e: Error) => e.message.includes('missing-cert.pem') && /ENOENT/.test(e.message));
  await assert.rejects(loadTlsFiles(tls.certFile, join(dir, 'missing-key.pem')), /missing-key\.pem/);
  await assert.rejects(loadTlsFiles(garbage, tls.keyFile), /certificate file .*garbage\.pem/);
  await assert.rejects(loadTlsFiles(tls.certFile, garbage), /key file .*garbage\.pem/);
  const other = await selfSignedTls(join(dir, 'other'), ['localhost']);
  await assert.rejects(loadTlsFiles(tls.certFile, other.keyFile), /does not belong to the certificate/);
});

test('talk with a bad key file exits non-zero at start, naming it, with no server started', async () => {
  const bad = join(dir, 'bad-key.pem');
  writeFileSync(bad, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
  const r = await run(process.execPath, ['bin/fullduplex.js', 'talk', '--port', '0', '--tls-cert', tls.certFile, '--tls-key', bad], { timeout: 30_000 }).then(
    () => ({ code: 0, stdout: '', stderr: '' }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /bad-key\.pem/);
  assert.doesNotMatch(r.stderr, /loading the speech engines/, 'stopped before anything started');
  assert.doesNotMatch(r.stdout, /listening/);
});

test('--tls self-signed: made once for the listening names, reused next start, remade for a new name', async () => {
  assert.equal(tls.created, true);
  assert.match(tls.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  const again = await selfSignedTls(join(dir, 'tls'), selfSignedNames('127.0.0.1'));
  assert.equal(again.created, false, 'reused');
  assert.equal(again.fingerprint256, tls.fingerprint256);
  const lan = await selfSignedTls(join(dir, 'tls'), selfSignedNames('192.168.1.20', ['voice.lan']));
  assert.equal(lan.created, true, 'a name it did not cover: made anew');
  const { X509Certificate } = await import('node:crypto');
  const san = new X509Certificate(lan.cert).subjectAltName ?? '';
  for (const n of ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:192.168.1.20', 'DNS:voice.lan']) assert.ok(san.includes(n), `${n} in ${san}`);
  // A server certificate signed by the kept local authority (browsers refuse a CA used as a server's own).
  const ca = new X509Certificate(readFileSync(lan.caFile!));
  assert.equal(lan.caFile, tls.caFile, 'the authority is kept: nothing to trust again');
  assert.ok(new X509Certificate(lan.cert).checkIssued(ca) && !new X509Certificate(lan.cert).ca && ca.ca);
  tls = await selfSignedTls(join(dir, 'tls'), selfSignedNames('127.0.0.1'));
  assert.equal(tls.created, false, 'the wider certificate covers loopback too');
  const { hostname } = await import('node:os');
  assert.ok(selfSignedNames('0.0.0.0').includes(hostname()), 'listening on every interface: the machine is reached by its name');
});

test('the unchanged openai package completes a spoken turn over wss:// with an ephemeral key, the certificate trusted via NODE_EXTRA_CA_CERTS', async () => {
  server = await testServer({ token: TOKEN, tls: { cert: tls.cert, key: tls.key } });
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+\//);
  // The backend's part: mint a key over https (this process trusts the certificate only for this call).
  const { request } = await import('node:https');
  const minted = await new Promise<{ value: string }>((resolve, reject) => {
    const req = request(`https://127.0.0.1:${server!.port}/v1/realtime/client_secrets`, { method: 'POST', ca: readFileSync(tls.caFile!), headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as { value: string }) : reject(new Error(`HTTP ${res.statusCode}: ${body}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ expires_after: { anchor: 'created_at', seconds: 60 }, session: { type: 'realtime', instructions: 'You are a helpful voice.' } }));
  });
  const user = await track([0.5, 'What time is it?', 4], 24000);
  const pcmFile = join(dir, 'question.pcm');
  writeFileSync(pcmFile, Buffer.from(user.samples.buffer, user.samples.byteOffset, user.samples.byteLength));
  const child = await run(process.execPath, ['dist/test/helpers/openai-wss-child.js'], {
    timeout: 60_000,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.caFile!, FULLDUPLEX_BASE_URL: `https://127.0.0.1:${server.port}/v1`, FULLDUPLEX_KEY: minted.value, FULLDUPLEX_PCM: pcmFile },
  }).catch((e: { stdout: string; stderr: string; code: number }) => assert.fail(`child exited ${e.code}: ${e.stderr}\n${e.stdout.split('\n').slice(-5).join('\n')}`));
  const events = child.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
  const types = events.map((e) => e.type);
  assert.equal(types[0], 'session.created', types.join(', '));
  assert.equal((events[0]!.session as { instructions: string }).instructions, 'You are a helpful voice.', "the key's session configuration");
  assert.ok(!types.includes('child.error') && !types.includes('error'), JSON.stringify(events.filter((e) => /error/.test(e.type))));
  const heard = events.find((e) => e.type === 'conversation.item.input_audio_transcription.completed');
  assert.match(String(heard?.transcript), /time/i);
  const done = events.find((e) => e.type === 'response.done') as { response: { status: string } } | undefined;
  assert.equal(done?.response.status, 'completed');
  assert.ok(types.includes('response.output_audio.delta'), 'the answer was spoken');
  const said = events.find((e) => e.type === 'response.output_audio_transcript.done');
  assert.match(String(said?.transcript), /evening|morning|afternoon|night|noon|midnight|o'clock|\d/i);
});
