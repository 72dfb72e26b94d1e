import { Module, type DynamicModule } from '@nestjs/common';
import { MetricsModule } from '#lumen/metrics';
import {
  CARRIER_SIMULATOR_CONFIG,
  type CarrierSimulatorConfig,
} from './config/carrier-simulator.config';
import { AcceptShipment } from './shipments/application/accept-shipment.use-case';
import { SimulatorState } from './shipments/application/simulator-state';
import { TrackingCallbackSender } from './shipments/application/tracking-callback.sender';
import { TrackingSchedule } from './shipments/application/tracking-schedule';
import { HungRequests } from './shipments/api/hung-requests';
import { ShipmentsController } from './shipments/api/shipments.controller';
import { SimulatorControlController } from './shipments/api/simulator-control.controller';
import { CarrierSimulatorKeys } from './shipments/infrastructure/carrier-simulator.keys';
import { HttpTrackingCallbackSender } from './shipments/infrastructure/http-tracking-callback.sender';

@Module({})
export class CarrierSimulatorAppModule {
  static forRoot(config: CarrierSimulatorConfig): DynamicModule {
    return {
      module: CarrierSimulatorAppModule,
      // No dependencies to check: ready whenever live. Process metrics only.
      imports: [MetricsModule.forRoot({ service: 'carrier-simulator', readinessChecks: [] })],
      controllers: [ShipmentsController, SimulatorControlController],
      providers: [
        { provide: CARRIER_SIMULATOR_CONFIG, useValue: config },
        { provide: CarrierSimulatorKeys, useValue: CarrierSimulatorKeys.load(config) },
        SimulatorState,
        { provide: TrackingCallbackSender, useClass: HttpTrackingCallbackSender },
        TrackingSchedule,
        AcceptShipment,
        HungRequests,
      ],
    };
  }
}
