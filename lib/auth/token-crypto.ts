import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const ivBytes = 12;
const tagBytes = 16;
const formatVersion = "v1";

/** Derives the AES-256 key for tokens at rest from the app secret, separate from next-auth's own keys. */
export function deriveTokenKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "safa-dashboard", "discord-tokens-at-rest", 32));
}

/** AES-256-GCM: confidentiality and integrity, so a tampered value fails to decrypt instead of being used. */
export function encryptText(key: Buffer, plaintext: string): string {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${formatVersion}.${Buffer.concat([iv, tag, body]).toString("base64url")}`;
}

export function decryptText(key: Buffer, sealed: string): string {
  const [version, payload] = sealed.split(".");
  if (version !== formatVersion || payload === undefined) throw new Error("unknown encrypted token format");
  const raw = Buffer.from(payload, "base64url");
  const iv = raw.subarray(0, ivBytes);
  const tag = raw.subarray(ivBytes, ivBytes + tagBytes);
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(raw.subarray(ivBytes + tagBytes)), decipher.final()]).toString("utf8");
}
