import { createHash } from 'node:crypto';

/**
 * Public key fingerprints as OpenSSH shows them. A key "blob" is the SSH wire encoding of a public
 * key: what ssh2's hostVerifier receives and what the base64 field of a known_hosts or .pub line
 * decodes to. Comparing blobs (not parsed keys) is exact and needs no crypto library.
 */

/** "SHA256:" + unpadded base64 of the blob's SHA-256, exactly as `ssh-keygen -l` prints it. */
export function sha256Fingerprint(blob: Uint8Array): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/**
 * The key type named inside the blob ("ssh-ed25519", "ecdsa-sha2-nistp256", ...): the blob starts
 * with an SSH string (uint32 big-endian length, then that many bytes). Null when the blob is too
 * short or the name is not printable ASCII, i.e. not a key blob at all.
 */
export function keyTypeOf(blob: Uint8Array): string | null {
  if (blob.length < 4) return null;
  const length = Buffer.from(blob.buffer, blob.byteOffset, blob.length).readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > blob.length) return null;
  const name = Buffer.from(blob.subarray(4, 4 + length)).toString('latin1');
  return /^[\x21-\x7e]+$/.test(name) ? name : null;
}
