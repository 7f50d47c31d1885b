/**
 * TLS for the live server: a certificate and key read from files the operator names, or a
 * self-signed one made once by Debian's `openssl` (no crypto of our own) and kept for the next start.
 * Browsers give a page the microphone only on https (or localhost), and the `openai` package's
 * Realtime client always dials wss://, so anything off the loopback needs this.
 */
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FullduplexError } from '../errors.js';

/** What the HTTPS server is given (PEM text), and what `talk` prints about it. */
export interface TlsMaterial {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
  /** SHA-256 of the certificate (DER), colon-separated hex: what browsers and `openssl x509 -fingerprint` show. */
  fingerprint256: string;
  /** base64 SHA-256 of the public key (SPKI): what Chromium's --ignore-certificate-errors-spki-list takes. */
  spkiSha256: string;
  /** The self-signed one was made by this start (false: read from files or reused). */
  created: boolean;
  /** Self-signed: the local certificate authority that signed it, the file to trust. */
  caFile?: string;
}

/** Self-signed certificates: what is made and how long it lasts. */
export const SELF_SIGNED = {
  /** Folder under the sessions directory where the certificate and key are kept. */
  dirName: 'tls',
  certFile: 'cert.pem',
  keyFile: 'key.pem',
  /** The local certificate authority that signs it: what a person trusts. */
  caFile: 'ca.pem',
  caKeyFile: 'ca-key.pem',
  /** 825 days: the longest validity Apple platforms accept for a TLS server certificate. */
  days: 825,
  caDays: 3650,
  /** A certificate this close to expiry is made anew at start, days. */
  renewBeforeDays: 30,
} as const;

const run = promisify(execFile);

function tlsError(message: string, cause?: unknown): FullduplexError {
  return new FullduplexError('BAD_ARGUMENT', message, cause === undefined ? undefined : { cause });
}

async function readPem(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw tlsError(`cannot read the TLS ${what} file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, e);
  }
}

/** Read and check a certificate and its key; every failure names the file it came from. */
export async function loadTlsFiles(certFile: string, keyFile: string): Promise<TlsMaterial> {
  const [cert, key] = [await readPem(certFile, 'certificate'), await readPem(keyFile, 'key')];
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (e) {
    throw tlsError(`the TLS certificate file ${certFile} holds no PEM certificate (${(e as Error).message})`, e);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (e) {
    throw tlsError(`the TLS key file ${keyFile} holds no usable PEM private key (${(e as Error).message}); an encrypted key must be decrypted first`, e);
  }
  if (!x509.checkPrivateKey(privateKey)) throw tlsError(`the TLS key file ${keyFile} does not belong to the certificate in ${certFile}`);
  if (Date.parse(x509.validTo) < Date.now()) throw tlsError(`the TLS certificate in ${certFile} expired on ${x509.validTo}`);
  return { cert, key, certFile, keyFile, fingerprint256: x509.fingerprint256, spkiSha256: spkiHash(x509), created: false };
}

export function spkiHash(x509: X509Certificate): string {
  const der = createPublicKey(x509.publicKey.export({ type: 'spki', format: 'pem' })).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

/**
 * The names a self-signed certificate covers: localhost and the loopback addresses always, the
 * listening host — for a wildcard (0.0.0.0, ::) the machine's name and its interfaces' addresses,
 * which is how others reach it — and any extra names (a LAN name) asked for.
 */
export function selfSignedNames(host: string, extra: readonly string[] = []): string[] {
  const names = new Set(['localhost', '127.0.0.1', '::1']);
  const bare = host.replace(/^\[|\]$/g, '');
  const listening = bare === '0.0.0.0' || bare === '::' ? [hostname(), ...interfaceAddresses()] : [host];
  for (const n of [...listening, ...extra]) {
    const h = n.replace(/^\[|\]$/g, '');
    if (h && h !== '0.0.0.0' && h !== '::') names.add(h);
  }
  return [...names];
}

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal && !a.address.startsWith('fe80:'))
    .map((a) => a!.address);
}

function subjectAltName(names: readonly string[]): string {
  return names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
}

/** The names (DNS and IP) a certificate covers, lower-cased, as openssl would print them back. */
function coveredNames(x509: X509Certificate): Set<string> {
  const san = x509.subjectAltName ?? '';
  return new Set(
    san
      .split(',')
      .map((s) => s.trim().replace(/^(DNS|IP Address):/, '').toLowerCase())
      .map((s) => (s === '0:0:0:0:0:0:0:1' ? '::1' : s)),
  );
}

/**
 * The self-signed certificate kept in `<dir>`, made as mkcert does: a local certificate authority
 * (ca.pem, trusted once by the person) signs the server's certificate (cert.pem). Browsers refuse a
 * CA certificate used as the server's own (Firefox: CA_CERT_USED_AS_END_ENTITY), and with the
 * authority kept, a certificate remade for a new name is trusted without trusting anything again.
 * Reused while it covers `names` and is far from expiry; made with Debian's `openssl`, EC P-256 keys.
 */
export async function selfSignedTls(dir: string, names: readonly string[]): Promise<TlsMaterial> {
  const folder = resolve(dir);
  const f = (name: string) => join(folder, name);
  const [certFile, keyFile, caFile, caKeyFile] = [f(SELF_SIGNED.certFile), f(SELF_SIGNED.keyFile), f(SELF_SIGNED.caFile), f(SELF_SIGNED.caKeyFile)];
  const fresh = (x509: X509Certificate) => Date.parse(x509.validTo) - Date.now() > SELF_SIGNED.renewBeforeDays * 86_400_000;
  let caUsable = false;
  try {
    const ca = await loadTlsFiles(caFile, caKeyFile);
    caUsable = fresh(new X509Certificate(ca.cert));
    const kept = await loadTlsFiles(certFile, keyFile);
    const x509 = new X509Certificate(kept.cert);
    const covered = coveredNames(x509);
    if (caUsable && x509.checkIssued(new X509Certificate(ca.cert)) && fresh(x509) && names.every((n) => covered.has(n.toLowerCase()))) return { ...kept, caFile };
  } catch {
    // none kept yet (or unusable): make what is missing
  }
  await mkdir(folder, { recursive: true, mode: 0o700 });
  try {
    if (!caUsable) {
      await rm(caKeyFile, { force: true });
      await run('openssl', [
        'req', '-x509', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
        '-days', String(SELF_SIGNED.caDays), '-subj', `/CN=fullduplex local CA (${hostname()})`,
        '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
        '-keyout', caKeyFile, '-out', caFile,
      ]);
    }
    await rm(keyFile, { force: true });
    const csr = f('server.csr');
    const ext = f('server.ext');
    await writeFile(ext, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${subjectAltName(names)}\n`);
    await run('openssl', ['req', '-new', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-subj', '/CN=fullduplex', '-keyout', keyFile, '-out', csr]);
    await run('openssl', [
      'x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKeyFile, '-set_serial', `0x1${randomBytes(15).toString('hex')}`,
      '-days', String(SELF_SIGNED.days), '-extfile', ext, '-out', certFile,
    ]);
    await Promise.all([rm(csr, { force: true }), rm(ext, { force: true })]);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    const why = err.code === 'ENOENT' ? 'the openssl command is not installed (Debian: apt-get install openssl)' : (err.stderr || err.message).trim();
    throw tlsError(`could not make a self-signed certificate in ${folder}: ${why}`, e);
  }
  return { ...(await loadTlsFiles(certFile, keyFile)), caFile, created: true };
}

/** What `talk` prints so a person can trust the certificate. */
export function trustInstructions(t: TlsMaterial, selfSigned: boolean): string {
  const lines = [`TLS certificate ${t.certFile}`, `  SHA-256 fingerprint ${t.fingerprint256}`];
  if (selfSigned && t.caFile) {
    const ca = t.caFile;
    lines.push(
      `  ${t.created ? 'made now' : 'reused'}, signed by the local authority ${ca}; trust that once:`,
      `    Node clients (the openai package):  NODE_EXTRA_CA_CERTS=${ca} node your-client.js`,
      `    curl:                                curl --cacert ${ca} …`,
      `    Chrome/Chromium (this certificate):  chromium --ignore-certificate-errors-spki-list=${t.spkiSha256}`,
      `    Debian/Ubuntu (whole system):        sudo cp ${ca} /usr/local/share/ca-certificates/fullduplex-local-ca.crt && sudo update-ca-certificates`,
      `    macOS:                               sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${ca}`,
      `    Firefox / a phone:                   import ${ca} as a certificate authority, or accept the page once after checking the fingerprint above`,
    );
  }
  return lines.join('\n');
}
