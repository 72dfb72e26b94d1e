import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OrderOutcomeInterceptor } from '../../metrics/order-outcome.interceptor';
import { CurrentStorefront } from '../../storefronts/api/current-storefront.decorator';
import { StorefrontApiKeyGuard } from '../../storefronts/api/storefront-api-key.guard';
import type { Storefront } from '../../storefronts/application/storefront.repository';
import { GetOrderStatus } from '../application/get-order-status.use-case';
import type { PlacedOrderAnswer } from '../application/place-order.command';
import { PlaceOrder } from '../application/place-order.use-case';
import type { OrderStatusView } from '../domain/order';
import { parseIdempotencyKey, parseOrderRequest, refuseCardNumbers } from './order-request.parser';
import type { PlaceOrderRequestSchema } from './place-order.request';
import type { RawBodyRequest } from './raw-json-body.parser';

export const PLACE_ORDER_SCHEMA = Symbol('PLACE_ORDER_SCHEMA');

export interface OrderStatusResponse {
  orderId: string;
  status: string;
  currency: string;
  totalMinor: number;
  items: { sku: string; quantity: number; unitPriceMinor: number }[];
  policyVersion: string;
  placedAt: string;
  updatedAt: string;
  history: { status: string; at: string; reason?: string }[];
}

function toResponse(view: OrderStatusView): OrderStatusResponse {
  return {
    orderId: view.orderId,
    status: view.status,
    currency: view.currency,
    totalMinor: view.totalMinor,
    items: view.items.map((item) => ({ ...item })),
    policyVersion: view.policyVersion,
    placedAt: view.placedAt.toISOString(),
    updatedAt: view.updatedAt.toISOString(),
    history: view.history.map((entry) => ({
      status: entry.status,
      at: entry.at.toISOString(),
      ...(entry.reason === undefined ? {} : { reason: entry.reason }),
    })),
  };
}

/** The storefronts' order API: thin; the use cases hold the rules. */
@Controller('orders')
@UseGuards(StorefrontApiKeyGuard)
export class OrdersController {
  constructor(
    private readonly placeOrder: PlaceOrder,
    private readonly getOrderStatus: GetOrderStatus,
    @Inject(PLACE_ORDER_SCHEMA) private readonly schema: PlaceOrderRequestSchema,
  ) {}

  @Post()
  @HttpCode(202)
  @UseInterceptors(OrderOutcomeInterceptor)
  async place(
    @CurrentStorefront() storefront: Storefront,
    @Req() request: RawBodyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PlacedOrderAnswer> {
    refuseCardNumbers(request.body, request.rawJson);
    const order = parseOrderRequest(this.schema, request.body);
    const result = await this.placeOrder.execute({
      storefrontId: storefront.storefrontId,
      idempotencyKey: parseIdempotencyKey(request.headers['idempotency-key']),
      request: order,
    });
    void reply.header('Location', result.answer.statusUrl);
    if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
    return result.answer;
  }

  @Get(':orderId')
  async status(
    @CurrentStorefront() storefront: Storefront,
    @Param('orderId') orderId: string,
  ): Promise<OrderStatusResponse> {
    return toResponse(
      await this.getOrderStatus.execute({ storefrontId: storefront.storefrontId, orderId }),
    );
  }
}
