import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinnedRootToFile, type CertifiedKeyFile, type PinnedRoot } from '#lumen/payment-gateway';
import {
  startGatewaySimulator,
  type GatewaySimulatorHandle,
} from '../../../test/support/gateway-simulator.harness';
import { loadPaymentConfig, type PaymentConfig } from '../src/config/payment.config';
import { ensureDevelopmentMerchantKey } from '../src/payments/infrastructure/development-enrolment';

/** `npm start`'s first-run enrolment, against the real simulator over HTTP. */
describe('development enrolment of the merchant key', () => {
  let gateway: GatewaySimulatorHandle;
  let dir: string;
  let config: PaymentConfig;
  const keyOnFile = () =>
    (JSON.parse(readFileSync(config.merchantKeyFile, 'utf8')) as CertifiedKeyFile).certificate;
  const pinRoot = (root: PinnedRoot = gateway.root) => {
    writeFileSync(config.gatewayRootFile, JSON.stringify(pinnedRootToFile(root)));
  };

  beforeAll(async () => {
    gateway = await startGatewaySimulator();
    dir = mkdtempSync(join(tmpdir(), 'lumen-payment-enrol-'));
    config = loadPaymentConfig({
      NODE_ENV: 'development',
      GATEWAY_URL: gateway.baseUrl,
      GATEWAY_ROOT_FILE: join(dir, 'root.json'),
      GATEWAY_OPERATOR_TOKEN_FILE: join(dir, 'operator-token'),
      MERCHANT_KEY_FILE: join(dir, 'payment', 'merchant-key.json'),
    });
    writeFileSync(config.operatorTokenFile, gateway.operatorToken);
    pinRoot();
  });

  afterAll(async () => {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates a key, has it certified by the pinned root, and keeps it on later starts', async () => {
    const said: string[] = [];
    await ensureDevelopmentMerchantKey(config, (message) => said.push(message));
    const certificate = keyOnFile();
    expect(certificate).toMatchObject({
      role: 'merchant',
      subject: 'lumen-shop',
      issuerKeyId: gateway.root.keyId,
    });
    expect(said).toEqual([`enrolled merchant key ${certificate.keyId} with the gateway simulator`]);
    await ensureDevelopmentMerchantKey(config, (message) => said.push(message));
    expect(keyOnFile().keyId).toBe(certificate.keyId);
    expect(said).toHaveLength(1);
  });

  it('enrols again when the service listens on another port, so notifications reach it', async () => {
    const before = keyOnFile();
    config = { ...config, port: config.port + 1 };
    await ensureDevelopmentMerchantKey(config, () => undefined);
    expect(keyOnFile().keyId).not.toBe(before.keyId);
    expect(readFileSync(`${config.merchantKeyFile}.notification-url`, 'utf8')).toBe(
      `http://${config.host}:${String(config.port)}/gateway/notifications`,
    );
    const again = keyOnFile();
    await ensureDevelopmentMerchantKey(config, () => undefined);
    expect(keyOnFile().keyId).toBe(again.keyId);
  });

  it('enrols again when the gateway has a new root (its folder was wiped)', async () => {
    const before = keyOnFile();
    const rebuilt = await startGatewaySimulator();
    try {
      config = { ...config, gatewayUrl: rebuilt.baseUrl };
      writeFileSync(config.operatorTokenFile, rebuilt.operatorToken);
      pinRoot(rebuilt.root);
      await ensureDevelopmentMerchantKey(config, () => undefined);
      expect(keyOnFile().keyId).not.toBe(before.keyId);
      expect(keyOnFile().issuerKeyId).toBe(rebuilt.root.keyId);
    } finally {
      await rebuilt.close();
    }
  });
});
