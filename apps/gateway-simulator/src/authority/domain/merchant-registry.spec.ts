import { CertifiedKey, GatewayRootKey } from '#lumen/payment-gateway';
import { MerchantRegistry, RegistryError } from './merchant-registry';

describe('MerchantRegistry', () => {
  const root = GatewayRootKey.generate();
  const certify = (publicKey = CertifiedKey.generateKeyPair().publicKey) =>
    root.issue({
      role: 'merchant',
      subject: 'shop',
      publicKey,
      notBefore: new Date(Date.now() - 1_000),
      notAfter: new Date(Date.now() + 86_400_000),
    });

  it('revokes every certificate of a key, once, and survives a snapshot', () => {
    const registry = new MerchantRegistry();
    const { publicKey } = CertifiedKey.generateKeyPair();
    const first = certify(publicKey);
    const second = certify(publicKey);
    registry.recordCertificate(first, 'http://shop.test/hook');
    registry.recordCertificate(second, undefined);
    const revoked = registry.revokeKey(first.keyId, 'stolen', new Date());
    expect(revoked.map((entry) => entry.serial).sort()).toEqual(
      [first.serial, second.serial].sort(),
    );
    expect(registry.revokeKey(first.keyId, 'again', new Date())).toEqual([]);
    const restored = new MerchantRegistry(registry.snapshot());
    expect(restored.isKeyRevoked(first.keyId)).toBe(true);
    expect(restored.notificationUrlOf('shop')).toBe('http://shop.test/hook');
  });

  it('refuses to certify a revoked key again, or to revoke an unknown one', () => {
    const registry = new MerchantRegistry();
    const { publicKey } = CertifiedKey.generateKeyPair();
    const certificate = certify(publicKey);
    registry.recordCertificate(certificate, undefined);
    registry.revokeKey(certificate.keyId, 'stolen', new Date());
    expect(() => {
      registry.recordCertificate(certify(publicKey), undefined);
    }).toThrow(RegistryError);
    expect(() => registry.revokeKey('shop:0000000000000000', 'x', new Date())).toThrow(
      /No certificate/,
    );
  });
});
