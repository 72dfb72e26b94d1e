import { Module } from '@nestjs/common';
import { KeyRing, loadKeyRing } from '#lumen/crypto';
import { PRIVACY_CONFIG, type PrivacyConfig } from '../config/privacy.config';
import { KeysController } from './api/keys.controller';
import { ServiceSignatureGuard } from './api/service-signature.guard';
import { CreateKey } from './application/create-key.use-case';
import { CreateKeys } from './application/create-keys.use-case';
import { DestroyKey } from './application/destroy-key.use-case';
import { GetKey } from './application/get-key.use-case';
import { KeyAuditLog } from './application/key-audit.log';
import { KeyRecordRepository } from './application/key-record.repository';
import { KeyWrapper } from './application/key-wrapper';
import { MasterKeyWrapper } from './infrastructure/master-key.wrapper';
import { TypeOrmKeyAuditLog } from './infrastructure/type-orm-key-audit.log';
import { TypeOrmKeyRecordRepository } from './infrastructure/type-orm-key-record.repository';

/** The key service: data keys per subject and purpose, wrapped, shared, audited, destroyed. */
@Module({
  controllers: [KeysController],
  providers: [
    CreateKey,
    CreateKeys,
    GetKey,
    DestroyKey,
    ServiceSignatureGuard,
    { provide: KeyRecordRepository, useClass: TypeOrmKeyRecordRepository },
    { provide: KeyAuditLog, useClass: TypeOrmKeyAuditLog },
    { provide: KeyWrapper, useClass: MasterKeyWrapper },
    {
      // The services' public keys (LUMEN_KEYS_DIR/trusted-keys.json): who may call at all.
      provide: KeyRing,
      inject: [PRIVACY_CONFIG],
      useFactory: (config: PrivacyConfig) => loadKeyRing(config.keysDir),
    },
  ],
  // The privacy service's own features (subject rights) use the key service in-process, as
  // the caller `privacy`: every use is checked and audited like a remote one.
  exports: [CreateKey, GetKey, DestroyKey, KeyRecordRepository],
})
export class KeysModule {}
