import { inspect } from 'node:util';
import {
  DataKey,
  EnvelopeError,
  generateDataKey,
  isSealedValue,
  keyIdOfSealed,
  MasterKey,
  open,
  seal,
  unwrapDataKey,
  wrapDataKey,
  type SealContext,
} from '#lumen/crypto';

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof EnvelopeError) return error.code;
    throw error;
  }
  return undefined;
}

/** Flips one bit of the decoded bytes of a base64url segment. */
function flipBit(segment: string, index: number): string {
  const bytes = Buffer.from(segment, 'base64url');
  bytes.writeUInt8(bytes.readUInt8(index) ^ 1, index);
  return bytes.toString('base64url');
}

describe('seal and open', () => {
  const key = generateDataKey();
  const context: SealContext = { field: 'customer.email', subject: 'order:123' };

  it('round-trips, including the empty string and non-ASCII text', () => {
    for (const text of ['ada@example.com', '', 'Zoë Ørsted, 北京市 🚚']) {
      const sealed = seal(text, key, context);
      expect(isSealedValue(sealed)).toBe(true);
      expect(open(sealed, key, context)).toBe(text);
    }
  });

  it('writes a compact value that names its key and hides the text', () => {
    const sealed = seal('ada@example.com', key, context);
    expect(sealed).toMatch(/^lumen:v1:dk_[A-Za-z0-9_-]+:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(keyIdOfSealed(sealed)).toBe(key.keyId);
    expect(sealed).not.toContain('ada');
  });

  it('uses a fresh IV each time', () => {
    expect(seal('same', key, context)).not.toBe(seal('same', key, context));
  });

  it('does not depend on the order of the context properties', () => {
    const sealed = seal('x', key, { subject: 'order:123', field: 'customer.email', event: 'e1' });
    expect(open(sealed, key, { event: 'e1', field: 'customer.email', subject: 'order:123' })).toBe(
      'x',
    );
    expect(
      open(sealed, key, {
        keyId: key.keyId,
        event: 'e1',
        field: 'customer.email',
        subject: 'order:123',
      }),
    ).toBe('x');
  });

  it('refuses a value moved to another field, subject or event', () => {
    const sealed = seal('ada@example.com', key, { ...context, event: 'e1' });
    expect(
      codeOf(() => open(sealed, key, { ...context, event: 'e1', field: 'customer.phone' })),
    ).toBe('unauthentic');
    expect(codeOf(() => open(sealed, key, { ...context, event: 'e1', subject: 'order:124' }))).toBe(
      'unauthentic',
    );
    expect(codeOf(() => open(sealed, key, { ...context, event: 'e2' }))).toBe('unauthentic');
    expect(codeOf(() => open(sealed, key, context))).toBe('unauthentic');
  });

  it('cannot be fooled by shifting text between a name and a value', () => {
    const sealed = seal('x', key, { field: 'a', subject: 'b', c: 'd' });
    expect(codeOf(() => open(sealed, key, { field: 'a', subject: 'b', 'c"': 'd' }))).toBe(
      'unauthentic',
    );
  });

  it('refuses any tampered byte, in the IV, the ciphertext or the tag', () => {
    const sealed = seal('ada@example.com', key, context);
    const [prefix, version, keyId, iv, body] = sealed.split(':') as [
      string,
      string,
      string,
      string,
      string,
    ];
    const bodyLength = Buffer.from(body, 'base64url').length;
    const variants = [
      [prefix, version, keyId, flipBit(iv, 0), body],
      [prefix, version, keyId, iv, flipBit(body, 0)],
      [prefix, version, keyId, iv, flipBit(body, bodyLength - 1)],
    ];
    for (const parts of variants) {
      expect(codeOf(() => open(parts.join(':'), key, context))).toBe('unauthentic');
    }
  });

  it('refuses a value truncated or not sealed by this library', () => {
    const sealed = seal('ada@example.com', key, context);
    expect(codeOf(() => open(sealed.slice(0, -30), key, context))).toBe('malformed');
    expect(codeOf(() => open('ada@example.com', key, context))).toBe('malformed');
    expect(codeOf(() => open(sealed.replace('lumen:v1:', 'lumen:v2:'), key, context))).toBe(
      'malformed',
    );
  });

  it('refuses the wrong key: another id, or other bytes under the same id', () => {
    const sealed = seal('ada@example.com', key, context);
    expect(codeOf(() => open(sealed, generateDataKey(), context))).toBe('wrong-key');
    const impostor = generateDataKey(key.keyId);
    expect(codeOf(() => open(sealed, impostor, context))).toBe('unauthentic');
  });

  it('refuses a context without field or subject, or naming another key', () => {
    expect(codeOf(() => seal('x', key, { field: '', subject: 'order:1' }))).toBe('bad-context');
    expect(codeOf(() => seal('x', key, { ...context, keyId: 'dk_other' }))).toBe('bad-context');
  });
});

describe('data keys and the master key', () => {
  const master = new MasterKey(Buffer.alloc(32, 7));

  it('wraps and unwraps a data key', () => {
    const key = generateDataKey();
    const unwrapped = unwrapDataKey(wrapDataKey(key, master), key.keyId, master);
    expect(unwrapped.keyId).toBe(key.keyId);
    expect(unwrapped.exportMaterial().equals(key.exportMaterial())).toBe(true);
  });

  it('binds the key id: a wrapped key copied to another id does not unwrap', () => {
    const key = generateDataKey();
    expect(codeOf(() => unwrapDataKey(wrapDataKey(key, master), 'dk_other', master))).toBe(
      'unauthentic',
    );
  });

  it('does not unwrap under another master key, or once tampered', () => {
    const key = generateDataKey();
    const wrapped = wrapDataKey(key, master);
    expect(
      codeOf(() => unwrapDataKey(wrapped, key.keyId, new MasterKey(Buffer.alloc(32, 8)))),
    ).toBe('unauthentic');
    const tampered = Buffer.from(wrapped);
    tampered.writeUInt8(tampered.readUInt8(20) ^ 1, 20);
    expect(codeOf(() => unwrapDataKey(tampered, key.keyId, master))).toBe('unauthentic');
    expect(codeOf(() => unwrapDataKey(wrapped.subarray(1), key.keyId, master))).toBe('malformed');
  });

  it('names master keys by a stable fingerprint', () => {
    expect(new MasterKey(Buffer.alloc(32, 7)).id).toBe(master.id);
    expect(new MasterKey(Buffer.alloc(32, 8)).id).not.toBe(master.id);
  });

  it('never prints key material, whatever prints it', () => {
    const key = new DataKey('dk_test', Buffer.alloc(32, 0xab));
    const hex = 'abababab';
    const base64 = Buffer.alloc(32, 0xab).toString('base64').slice(0, 12);
    for (const text of [JSON.stringify({ key }), inspect(key), String(key), inspect(master)]) {
      expect(text).not.toContain(hex);
      expect(text).not.toContain(base64);
    }
    expect(JSON.stringify({ key })).toBe('{"key":"DataKey(dk_test)"}');
  });

  it('refuses key material of the wrong length and ids that cannot travel in a sealed value', () => {
    expect(codeOf(() => new DataKey('dk_a', Buffer.alloc(16)))).toBe('malformed');
    expect(codeOf(() => new DataKey('dk:a', Buffer.alloc(32)))).toBe('malformed');
    expect(codeOf(() => new MasterKey(Buffer.alloc(31)))).toBe('malformed');
  });
});
