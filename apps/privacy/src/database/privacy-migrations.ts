import { CreateMessagingTables1764057600000 } from '#lumen/messaging';
import { CreateKeyTables1764144000000 } from './migrations/1764144000000-create-key-tables.migration';
import { CreateStaffAccessTables1764920000000 } from './migrations/1764920000000-create-staff-access-tables.migration';
import { CreateSubjectRightsTables1764900000000 } from './migrations/1764900000000-create-subject-rights-tables.migration';
import { AddSubjectRequestMailErased1764960000000 } from './migrations/1764960000000-add-subject-request-mail-erased.migration';

/** Every migration of the privacy schema, in order: provisioning and the tests run these. */
export const PRIVACY_MIGRATIONS = [
  CreateMessagingTables1764057600000,
  CreateKeyTables1764144000000,
  CreateSubjectRightsTables1764900000000,
  CreateStaffAccessTables1764920000000,
  AddSubjectRequestMailErased1764960000000,
] as const;
