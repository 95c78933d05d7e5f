import { createHmac } from 'crypto';
import { smtpSinkUrl } from '../playwright.config';

/** Waits for the newest email to `to` containing `contains` that the SMTP sink received and
 * returns its raw text. */
export async function emailTo(to: string, contains: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${smtpSinkUrl}/messages?to=${encodeURIComponent(to)}`);
    const list = ((await res.json()) as { data: string }[]).filter((m) => m.data.includes(contains));
    if (list.length > 0) return list[list.length - 1].data;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no email to ${to}`);
}

/** The first link in an email that contains `path` (e.g. `/join?token=`). */
export function linkIn(mail: string, path: string): string {
  const m = new RegExp(`https?://[^\\s"<>]*${path.replace(/[?]/g, '\\?')}[A-Za-z0-9_-]+`).exec(mail);
  if (!m) throw new Error(`no ${path} link in:\n${mail}`);
  return m[0];
}

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) continue;
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret, `steps` steps from now. */
export function totp(secret: string, steps = 0): string {
  const counter = Math.floor(Date.now() / 1000 / 30) + steps;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const hmac = createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const offset = hmac[hmac.length - 1] & 0xf;
  const code = (hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return code.toString().padStart(6, '0');
}
