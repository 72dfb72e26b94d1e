import { Injectable } from '@nestjs/common';
import { CreateKeys, type CreateKeyResult } from './create-keys.use-case';

export type { CreateKeyResult } from './create-keys.use-case';

export interface CreateKeyCommand {
  readonly caller: string;
  readonly subject: string;
  readonly purpose: string;
  readonly allowedServices: readonly string[];
}

/**
 * Creates the subject's key for a purpose, or returns the live one: a request for one key,
 * checked, stored and audited by the same code as a batch (`CreateKeys`), so the rules cannot
 * drift apart.
 */
@Injectable()
export class CreateKey {
  constructor(private readonly createKeys: CreateKeys) {}

  async execute(command: CreateKeyCommand): Promise<CreateKeyResult> {
    const { caller, ...key } = command;
    const [result] = await this.createKeys.execute({ caller, keys: [key] });
    if (result === undefined) throw new Error('CreateKeys answered no key for one request');
    return result;
  }
}
