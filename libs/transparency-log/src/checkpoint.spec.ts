import { generateKeyPairSync, sign } from 'node:crypto';
import {
  checkCheckpointConsistency,
  Checkpoint,
  consistencyProofSync,
  emptyRootHash,
  formatCheckpointBody,
  formatSignedNote,
  hashLeaf,
  keyId,
  MemoryNodeStore,
  parseCheckpointBody,
  privateKeyFromBase64,
  privateKeyToBase64,
  publicKeyFromBase64,
  publicKeyToBase64,
  signCheckpoint,
  TransparencyLogError,
  verifyCheckpoint,
} from '@coop/transparency-log';
import { flipBit, leafData } from './naive-merkle.testing';

// A fixed key (deterministic tests; Ed25519 signing is deterministic too).
const SEED_B64 = Buffer.alloc(32, 7).toString('base64');
const privateKey = privateKeyFromBase64(SEED_B64);
const publicKey = publicKeyFromBase64(publicKeyToBase64(privateKey));
const ORIGIN = 'coop-dispatch.example/log';
const ROOT = new Uint8Array(32).map((_, i) => i);
const TS = '2025-03-01T12:00:00.000Z';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof TransparencyLogError) return e.code;
    throw e;
  }
  return undefined;
}

describe('checkpoint body (C2SP tlog-checkpoint)', () => {
  it('formats origin, size, base64 root and the timestamp line, each ending in a newline', () => {
    const body = formatCheckpointBody({ origin: ORIGIN, treeSize: 20852163, rootHash: ROOT, timestamp: TS });
    expect(body).toBe(
      `${ORIGIN}\n20852163\n${Buffer.from(ROOT).toString('base64')}\ntimestamp 2025-03-01T12:00:00.000Z\n`,
    );
  });

  it('round-trips byte for byte, with and without extensions', () => {
    const cases: Checkpoint[] = [
      { origin: ORIGIN, treeSize: 0, rootHash: emptyRootHash() },
      { origin: ORIGIN, treeSize: 1, rootHash: ROOT, timestamp: TS },
      { origin: 'é.example/ü', treeSize: Number.MAX_SAFE_INTEGER, rootHash: ROOT, timestamp: '2024-02-29T23:59:59Z', extensions: ['x y', 'z'] },
    ];
    for (const cp of cases) {
      const body = formatCheckpointBody(cp);
      const parsed = parseCheckpointBody(body);
      expect(formatCheckpointBody(parsed)).toBe(body);
      expect(parsed.treeSize).toBe(cp.treeSize);
      expect(Buffer.from(parsed.rootHash).equals(Buffer.from(cp.rootHash))).toBe(true);
      expect(parsed.timestamp).toBe(cp.timestamp);
    }
  });

  it('parses the C2SP example body', () => {
    const cp = parseCheckpointBody('example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n');
    expect(cp).toMatchObject({ origin: 'example.com/behind-the-sofa', treeSize: 20852163 });
    expect(cp.timestamp).toBeUndefined();
  });

  const root64 = Buffer.from(ROOT).toString('base64');
  it.each<[string, string]>([
    ['no trailing newline', `${ORIGIN}\n1\n${root64}`],
    ['too few lines', `${ORIGIN}\n1\n`],
    ['empty origin', `\n1\n${root64}\n`],
    ['origin with a space', `a b\n1\n${root64}\n`],
    ['origin with a plus', `a+b\n1\n${root64}\n`],
    ['leading zero in size', `${ORIGIN}\n01\n${root64}\n`],
    ['signed size', `${ORIGIN}\n+1\n${root64}\n`],
    ['negative size', `${ORIGIN}\n-1\n${root64}\n`],
    ['size beyond 2^53 - 1', `${ORIGIN}\n9007199254740992\n${root64}\n`],
    ['size with a space', `${ORIGIN}\n1 \n${root64}\n`],
    ['31-byte root', `${ORIGIN}\n1\n${Buffer.alloc(31).toString('base64')}\n`],
    ['unpadded root', `${ORIGIN}\n1\n${root64.replace('=', '')}\n`],
    ['url-safe base64 root', `${ORIGIN}\n1\n${Buffer.alloc(32, 0xfb).toString('base64url')}=\n`],
    ['non-canonical base64 root', `${ORIGIN}\n1\n${root64.slice(0, 42)}B=\n`],
    ['empty extension line', `${ORIGIN}\n1\n${root64}\n\n`],
    ['blank line then signature', `${ORIGIN}\n1\n${root64}\n\n— ${ORIGIN} AAAA\n`],
    ['carriage return', `${ORIGIN}\r\n1\n${root64}\n`],
    ['tab in an extension', `${ORIGIN}\n1\n${root64}\na\tb\n`],
    ['timestamp not UTC', `${ORIGIN}\n1\n${root64}\ntimestamp 2025-03-01T12:00:00+01:00\n`],
    ['timestamp without seconds', `${ORIGIN}\n1\n${root64}\ntimestamp 2025-03-01T12:00Z\n`],
    ['impossible date', `${ORIGIN}\n1\n${root64}\ntimestamp 2025-02-30T12:00:00Z\n`],
    ['timestamp not first', `${ORIGIN}\n1\n${root64}\nx\ntimestamp ${TS}\n`],
    ['two timestamps', `${ORIGIN}\n1\n${root64}\ntimestamp ${TS}\ntimestamp ${TS}\n`],
    ['lone surrogate', `${ORIGIN}\ud800\n1\n${root64}\n`],
  ])('rejects %s', (_label, body) => {
    expect(codeOf(() => parseCheckpointBody(body))).toBe('CHECKPOINT.MALFORMED');
  });

  it('refuses to format invalid fields', () => {
    expect(codeOf(() => formatCheckpointBody({ origin: ORIGIN, treeSize: -1, rootHash: ROOT }))).toBe('CHECKPOINT.MALFORMED');
    expect(codeOf(() => formatCheckpointBody({ origin: ORIGIN, treeSize: 1, rootHash: ROOT.slice(1) }))).toBe(
      'CHECKPOINT.MALFORMED',
    );
    expect(codeOf(() => formatCheckpointBody({ origin: 'a\nb', treeSize: 1, rootHash: ROOT }))).toBe('CHECKPOINT.MALFORMED');
    expect(codeOf(() => formatCheckpointBody({ origin: ORIGIN, treeSize: 1, rootHash: ROOT, timestamp: 'yesterday' }))).toBe(
      'CHECKPOINT.MALFORMED',
    );
  });
});

describe('checkpoint signatures (Ed25519)', () => {
  const body = formatCheckpointBody({ origin: ORIGIN, treeSize: 42, rootHash: ROOT, timestamp: TS });

  it('sign/verify round trip, deterministic', () => {
    const sig = signCheckpoint(body, privateKey);
    expect(Buffer.from(sig, 'base64')).toHaveLength(64);
    expect(signCheckpoint(body, privateKey)).toBe(sig);
    expect(verifyCheckpoint(body, sig, publicKey)).toBe(true);
  });

  it('detects tampering with the body, the signature, or the key', () => {
    const sig = signCheckpoint(body, privateKey);
    expect(verifyCheckpoint(body.replace('\n42\n', '\n43\n'), sig, publicKey)).toBe(false);
    expect(verifyCheckpoint(body.replace(TS, '2025-03-01T12:00:01.000Z'), sig, publicKey)).toBe(false);
    expect(verifyCheckpoint(body + 'extra\n', sig, publicKey)).toBe(false);
    const sigBytes = Buffer.from(sig, 'base64');
    for (const bit of [0, 100, 511]) {
      expect(verifyCheckpoint(body, Buffer.from(flipBit(sigBytes, bit)).toString('base64'), publicKey)).toBe(false);
    }
    expect(verifyCheckpoint(body, sig.slice(0, -4), publicKey)).toBe(false);
    expect(verifyCheckpoint(body, 'not base64!', publicKey)).toBe(false);
    const other = generateKeyPairSync('ed25519').publicKey;
    expect(verifyCheckpoint(body, sig, other)).toBe(false);
  });

  it('refuses to sign a malformed body, or with a non-Ed25519 key', () => {
    expect(codeOf(() => signCheckpoint('not a checkpoint', privateKey))).toBe('CHECKPOINT.MALFORMED');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(codeOf(() => signCheckpoint(body, ec))).toBe('CHECKPOINT.BAD_KEY');
    expect(codeOf(() => verifyCheckpoint(body, 'AA==', privateKey))).toBe('CHECKPOINT.BAD_KEY');
  });

  it('imports and exports raw 32-byte keys as base64', () => {
    expect(privateKeyToBase64(privateKey)).toBe(SEED_B64);
    const generated = generateKeyPairSync('ed25519');
    const again = privateKeyFromBase64(privateKeyToBase64(generated.privateKey));
    expect(publicKeyToBase64(again)).toBe(publicKeyToBase64(generated.publicKey));
    expect(Buffer.from(publicKeyToBase64(generated.publicKey), 'base64')).toHaveLength(32);
    expect(codeOf(() => publicKeyFromBase64(Buffer.alloc(31).toString('base64')))).toBe('CHECKPOINT.BAD_KEY');
  });

  // Known answer from the signed-note documentation (golang.org/x/mod/sumdb/note, c2sp.org/signed-note):
  // verifier key PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW.
  it('derives the C2SP signed-note key ID: SHA-256(name || 0x0A || 0x01 || pubkey)[:4]', () => {
    const vkey = Buffer.from('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'base64');
    expect(vkey[0]).toBe(0x01);
    expect(keyId('PeterNeumann', publicKeyFromBase64(vkey.subarray(1).toString('base64')))).toBe('c74f20a3');
    const skey = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64');
    const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const expected = 'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';
    const sig = sign(null, Buffer.from(text), privateKeyFromBase64(skey.subarray(1).toString('base64')));
    expect(Buffer.concat([Buffer.from('c74f20a3', 'hex'), sig]).toString('base64')).toBe(expected);
  });

  it('formats a C2SP signed note whose signature line carries the key ID', () => {
    const sig = signCheckpoint(body, privateKey);
    const note = formatSignedNote(body, sig, publicKey);
    const id = keyId(ORIGIN, publicKey);
    expect(note.startsWith(`${body}\n\u2014 ${ORIGIN} `)).toBe(true);
    const line = Buffer.from(note.slice(body.length + 1).split(' ')[2].trim(), 'base64');
    expect(line.subarray(0, 4).toString('hex')).toBe(id);
    expect(line.subarray(4).toString('base64')).toBe(sig);
  });
});

describe('checkCheckpointConsistency', () => {
  const store = new MemoryNodeStore();
  store.append(Array.from({ length: 50 }, (_, i) => hashLeaf(leafData(i))));
  const cp = (treeSize: number, rootHash = store.rootHash(treeSize)): Checkpoint => ({ origin: ORIGIN, treeSize, rootHash });

  it('accepts a log that only grew', () => {
    for (const [m, n] of [
      [1, 2],
      [7, 8],
      [13, 50],
      [50, 50],
    ]) {
      expect(checkCheckpointConsistency(cp(m), cp(n), consistencyProofSync(store, m, n))).toEqual({ ok: true });
    }
    expect(checkCheckpointConsistency(cp(0), cp(9), [])).toEqual({ ok: true });
  });

  it('refuses a smaller tree, a fork at the same size, another origin, or a bad proof', () => {
    const proof = consistencyProofSync(store, 13, 50);
    expect(checkCheckpointConsistency(cp(50), cp(13), proof)).toMatchObject({ ok: false, reason: 'SIZE_DECREASED' });
    expect(checkCheckpointConsistency(cp(13), cp(13, store.rootHash(14)), [])).toMatchObject({
      ok: false,
      reason: 'SAME_SIZE_DIFFERENT_ROOT',
    });
    expect(checkCheckpointConsistency(cp(13), { ...cp(50), origin: 'other.example/log' }, proof)).toMatchObject({
      ok: false,
      reason: 'ORIGIN_MISMATCH',
    });
    expect(checkCheckpointConsistency(cp(13), cp(50, store.rootHash(49)), proof)).toMatchObject({ ok: false, reason: 'BAD_PROOF' });
    expect(checkCheckpointConsistency(cp(13), cp(50), proof.slice(1))).toMatchObject({ ok: false, reason: 'BAD_PROOF' });
    expect(checkCheckpointConsistency(cp(0, ROOT), cp(9), [])).toMatchObject({ ok: false, reason: 'BAD_EMPTY_ROOT' });
    expect(checkCheckpointConsistency(cp(0), cp(9), [ROOT])).toMatchObject({ ok: false, reason: 'BAD_PROOF' });
    expect(checkCheckpointConsistency(cp(NaN, ROOT), cp(9), [])).toMatchObject({ ok: false, reason: 'MALFORMED_CHECKPOINT' });
    expect(checkCheckpointConsistency(cp(3), cp(9, ROOT.slice(2)), [])).toMatchObject({ ok: false, reason: 'MALFORMED_CHECKPOINT' });
  });
});
