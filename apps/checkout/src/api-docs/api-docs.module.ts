import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { OpenApiController } from './openapi.controller';

@Module({ imports: [OrdersModule], controllers: [OpenApiController] })
export class ApiDocsModule {}
