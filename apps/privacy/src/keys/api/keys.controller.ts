import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  Header,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  EnvelopeError,
  sealKeysForRecipient,
  type DataKey,
  type TransportedKey,
} from '#lumen/crypto';
import { CreateKey } from '../application/create-key.use-case';
import { CreateKeys } from '../application/create-keys.use-case';
import { DestroyKey } from '../application/destroy-key.use-case';
import { GetKey } from '../application/get-key.use-case';
import type { KeyRecord } from '../domain/key-record';
import { CallerService } from './caller-service.decorator';
import { KeyActionName } from './key-action.decorator';
import {
  createKeyBodySchema,
  createKeysBodySchema,
  destroyKeyBodySchema,
  getKeyQuerySchema,
  parseBody,
  parseKeyId,
} from './key-request.dto';
import { KeyServiceExceptionFilter } from './key-service-exception.filter';
import { ServiceSignatureGuard } from './service-signature.guard';

export interface KeyResponse {
  keyId: string;
  subject: string;
  purpose: string;
  allowedServices: string[];
  created?: boolean;
  /** The data key, encrypted to the caller's `recipientKey`: never in the clear on the wire. */
  sealedKey: TransportedKey;
}

export interface KeysResponse {
  /** In the order asked for. */
  keys: (KeyResponse & { created: boolean })[];
}

/** Encrypts the keys to the caller's `recipientKey` (one key agreement for all of them). */
function keyResponses(
  answers: readonly { readonly record: KeyRecord; readonly key: DataKey }[],
  recipientKey: string,
): KeyResponse[] {
  let sealedKeys: TransportedKey[];
  try {
    sealedKeys = sealKeysForRecipient(
      answers.map((answer) => answer.key),
      recipientKey,
    );
  } catch (error) {
    if (!(error instanceof EnvelopeError)) throw error;
    throw new BadRequestException({
      statusCode: 400,
      code: 'invalid-request',
      message: `recipientKey: ${error.message}`,
    });
  }
  return answers.map(({ record }, i) => ({
    keyId: record.keyId,
    subject: record.subject,
    purpose: record.purpose,
    allowedServices: [...record.allowedServices],
    sealedKey: sealedKeys[i] as TransportedKey,
  }));
}

function keyResponse(record: KeyRecord, key: DataKey, recipientKey: string): KeyResponse {
  const [response] = keyResponses([{ record, key }], recipientKey);
  if (response === undefined) throw new Error('no answer for one key');
  return response;
}

/** The key service's HTTP API for other services; every call is signed by its caller. */
@Controller('keys')
@UseGuards(ServiceSignatureGuard)
@UseFilters(KeyServiceExceptionFilter)
export class KeysController {
  constructor(
    private readonly createKey: CreateKey,
    private readonly createKeys: CreateKeys,
    private readonly getKey: GetKey,
    private readonly destroyKey: DestroyKey,
  ) {}

  @Post()
  @KeyActionName('create')
  @Header('Cache-Control', 'no-store')
  async create(
    @CallerService() caller: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<KeyResponse> {
    const { recipientKey, ...request } = parseBody(createKeyBodySchema, body);
    const result = await this.createKey.execute({ caller, ...request });
    void reply.status(result.created ? 201 : 200);
    return { ...keyResponse(result.record, result.key, recipientKey), created: result.created };
  }

  /**
   * Several keys in one call, all or none (an order's keys): each checked and audited as if
   * asked for alone; one refused key refuses the request, naming it (`keys.<n>`).
   */
  @Post('batch')
  @KeyActionName('create')
  @Header('Cache-Control', 'no-store')
  async createBatch(
    @CallerService() caller: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<KeysResponse> {
    const { recipientKey, keys } = parseBody(createKeysBodySchema, body);
    const results = await this.createKeys.execute({ caller, keys });
    void reply.status(results.some((result) => result.created) ? 201 : 200);
    const responses = keyResponses(results, recipientKey);
    return {
      keys: responses.map((response, i) => ({
        ...response,
        created: results[i]?.created === true,
      })),
    };
  }

  @Get(':keyId')
  @KeyActionName('get')
  @Header('Cache-Control', 'no-store')
  async get(
    @CallerService() caller: string,
    @Param('keyId') keyId: string,
    @Query() query: unknown,
  ): Promise<KeyResponse> {
    const { recipient } = parseBody(getKeyQuerySchema, query);
    const result = await this.getKey.execute({ caller, keyId: parseKeyId(keyId) });
    return keyResponse(result.record, result.key, recipient);
  }

  @Delete(':keyId')
  @KeyActionName('destroy')
  async destroy(
    @CallerService() caller: string,
    @Param('keyId') keyId: string,
    @Body() body: unknown,
  ): Promise<{ keyId: string; destroyedAt: string; alreadyDestroyed: boolean }> {
    const { reason } = parseBody(destroyKeyBodySchema, body);
    const result = await this.destroyKey.execute({ caller, keyId: parseKeyId(keyId), reason });
    return {
      keyId: result.keyId,
      destroyedAt: result.destroyedAt.toISOString(),
      alreadyDestroyed: result.alreadyDestroyed,
    };
  }
}
