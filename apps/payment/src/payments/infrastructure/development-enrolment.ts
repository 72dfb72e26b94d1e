import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  buildEnrolmentRequest,
  CertifiedKey,
  gatewayCertificateSchema,
  type CertifiedKeyFile,
} from '#lumen/payment-gateway';
import type { PaymentConfig } from '../../config/payment.config';

/** Where the simulator sends this service's notifications: its own address, as started now. */
function notificationUrlOf(config: PaymentConfig): string {
  return `http://${config.host}:${config.port}/gateway/notifications`;
}

/** The notification URL the key on file was enrolled with, kept beside it. */
function enrolledNotificationUrlFile(config: PaymentConfig): string {
  return `${config.merchantKeyFile}.notification-url`;
}

/**
 * The key on file is usable: certified by the root pinned now (the simulator's folder may
 * have been wiped, making a new root), not about to expire, and enrolled with the address this
 * service listens on now (the simulator would otherwise deliver its notifications to a port a
 * previous start used, where nothing listens).
 */
function stillValid(config: PaymentConfig): boolean {
  if (!existsSync(config.merchantKeyFile) || !existsSync(config.gatewayRootFile)) return false;
  try {
    const key = CertifiedKey.fromFile(
      JSON.parse(readFileSync(config.merchantKeyFile, 'utf8')) as CertifiedKeyFile,
    );
    const root = JSON.parse(readFileSync(config.gatewayRootFile, 'utf8')) as { keyId?: unknown };
    return (
      key.certificate.issuerKeyId === root.keyId &&
      Date.parse(key.certificate.notAfter) > Date.now() + 86_400_000 &&
      readFileSync(enrolledNotificationUrlFile(config), 'utf8') === notificationUrlOf(config)
    );
  } catch {
    return false;
  }
}

/**
 * Development only (`npm start`): when the payment service has no usable merchant key, it makes
 * one and has the local simulator certify it, as a shop does once with a real gateway. The
 * private key is generated here and never leaves this machine; only the public half and a
 * proof of possession are sent. Production provisions the key file and the pinned root.
 */
export async function ensureDevelopmentMerchantKey(
  config: PaymentConfig,
  log: (message: string) => void,
): Promise<void> {
  if (config.nodeEnv === 'production' || stillValid(config)) return;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if (!existsSync(config.operatorTokenFile) || !existsSync(config.gatewayRootFile)) {
        throw new Error(`waiting for the gateway simulator to write ${config.operatorTokenFile}`);
      }
      const token = readFileSync(config.operatorTokenFile, 'utf8').trim();
      const keyPair = CertifiedKey.generateKeyPair();
      const response = await fetch(new URL('/operator/enrolments', config.gatewayUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(
          buildEnrolmentRequest(config.merchantId, keyPair, {
            notificationUrl: notificationUrlOf(config),
          }),
        ),
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`enrolment answered ${response.status}`);
      const { certificate } = (await response.json()) as { certificate: unknown };
      const key = new CertifiedKey(keyPair.privateKey, gatewayCertificateSchema.parse(certificate));
      mkdirSync(dirname(config.merchantKeyFile), { recursive: true, mode: 0o700 });
      const temporary = `${config.merchantKeyFile}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(key.toFile(), null, 2), { mode: 0o600 });
      renameSync(temporary, config.merchantKeyFile);
      writeFileSync(enrolledNotificationUrlFile(config), notificationUrlOf(config));
      log(`enrolled merchant key ${key.keyId} with the gateway simulator`);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}
