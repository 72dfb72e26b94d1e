import type { InjectionToken, Provider } from '@nestjs/common';
import { loadEventSigner, loadKeyRing } from '#lumen/crypto';
import { HttpPersonalDataAuditLog, PersonalDataAuditLog } from './personal-data-audit';
import {
  STAFF_ACCESS_OPTIONS,
  StaffAccessGuard,
  type StaffAccessOptions,
} from './staff-access.guard';

/** What the providers read from the service's own config object. */
export interface StaffAccessSettings {
  /** Folder holding the service's signing key and the trusted public keys. */
  readonly keysDir: string;
  /** The privacy service, whose audit log records every personal-data read. */
  readonly keyServiceUrl: string;
}

/**
 * The guard and what it needs, for a service that serves personal data to staff and records
 * each read in privacy's audit log, every report signed with the service's own key. `config` is
 * the token of the app's parsed config (which has `keysDir` and `keyServiceUrl`). Privacy itself
 * keeps the log, so it wires its own.
 */
export function staffAccessProviders(config: InjectionToken, service: string): Provider[] {
  return [
    StaffAccessGuard,
    {
      provide: PersonalDataAuditLog,
      inject: [config],
      useFactory: (settings: StaffAccessSettings) =>
        new HttpPersonalDataAuditLog({
          baseUrl: settings.keyServiceUrl,
          signer: loadEventSigner(settings.keysDir, service),
        }),
    },
    {
      provide: STAFF_ACCESS_OPTIONS,
      inject: [config, PersonalDataAuditLog],
      useFactory: (
        settings: StaffAccessSettings,
        audit: PersonalDataAuditLog,
      ): StaffAccessOptions => ({
        keyRing: loadKeyRing(settings.keysDir),
        // The service's own name: staff assertions made out for any other are refused.
        audience: service,
        audit,
      }),
    },
  ];
}
