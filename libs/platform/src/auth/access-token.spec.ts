import { randomBytes } from 'node:crypto';
import { AccessTokenCodec } from './access-token';
import { hashPassword, verifyPassword } from './password';

describe('AccessTokenCodec', () => {
  const codec = new AccessTokenCodec(randomBytes(32));
  const now = Date.UTC(2026, 10, 23);

  it('round-trips a principal', () => {
    const token = codec.issue({ memberId: 'm1', role: 'driver' }, now, 60);
    expect(codec.verify(token, now + 59_000)).toEqual({ memberId: 'm1', role: 'driver' });
  });

  it('refuses expired, tampered and foreign tokens', () => {
    const token = codec.issue({ memberId: 'm1', role: 'rider' }, now, 60);
    expect(codec.verify(token, now + 60_000)).toBeUndefined();
    const [body, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'm1', role: 'admin', exp: 9e9 })).toString('base64url');
    expect(codec.verify(`${forged}.${sig}`, now)).toBeUndefined();
    expect(codec.verify(`${body}.${sig}x`, now)).toBeUndefined();
    expect(codec.verify('garbage', now)).toBeUndefined();
    expect(new AccessTokenCodec(randomBytes(32)).verify(token, now)).toBeUndefined();
  });
});

describe('password hashing', () => {
  it('verifies the right password only', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^scrypt\$/);
    await expect(verifyPassword('correct horse', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horsf', stored)).resolves.toBe(false);
  });
});
