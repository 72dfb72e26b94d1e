import { SetMetadata } from '@nestjs/common';
import type { KeyAction } from '../application/key-audit.log';

export const KEY_ACTION_METADATA = 'lumen:key-action';

/** Names the action a route performs, for the audit line of a refused (unsigned) call. */
export const KeyActionName = (action: KeyAction): MethodDecorator =>
  SetMetadata(KEY_ACTION_METADATA, action);
