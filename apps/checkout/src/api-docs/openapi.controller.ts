import { Controller, Get, Inject } from '@nestjs/common';
import { PLACE_ORDER_SCHEMA } from '../orders/api/orders.controller';
import type { PlaceOrderRequestSchema } from '../orders/api/place-order.request';
import { buildOpenApiDocument } from './openapi.document';

/** Serves the API description; public, as it holds nothing but the API's shape. */
@Controller()
export class OpenApiController {
  private readonly document: object;

  constructor(@Inject(PLACE_ORDER_SCHEMA) schema: PlaceOrderRequestSchema) {
    this.document = buildOpenApiDocument(schema);
  }

  @Get('openapi.json')
  openApi(): object {
    return this.document;
  }
}
