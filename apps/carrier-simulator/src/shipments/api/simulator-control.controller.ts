import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ZodError } from 'zod';
import {
  SimulatorState,
  type CallbackDelivery,
  type ReceivedRequest,
} from '../application/simulator-state';
import { TrackingSchedule } from '../application/tracking-schedule';
import type { SimulatedShipment } from '../domain/shipment-book';
import type { SimulatorSwitches } from '../domain/simulator-switches';
import { ControlTokenGuard } from './control-token.guard';
import { HungRequests } from './hung-requests';

function shipmentReferenceIn(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { shipmentReference?: unknown };
    return typeof parsed.shipmentReference === 'string' ? parsed.shipmentReference : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SIMULATOR CONTROL, not part of any carrier's API: what tests set and read over HTTP. The
 * `_test` prefix marks it. On loopback it is open to this machine; anywhere else the config
 * demands a control token, checked by `ControlTokenGuard`.
 */
@Controller('_test')
@UseGuards(ControlTokenGuard)
export class SimulatorControlController {
  constructor(
    private readonly state: SimulatorState,
    private readonly tracking: TrackingSchedule,
    private readonly hung: HungRequests,
  ) {}

  @Get('switches')
  @Header('Cache-Control', 'no-store')
  switches(): SimulatorSwitches {
    return this.state.switches;
  }

  /** Changes the switches named in the body; the others keep their values. */
  @Put('switches')
  @Header('Cache-Control', 'no-store')
  setSwitches(@Body() body: unknown): SimulatorSwitches {
    try {
      return this.state.setSwitches(body);
    } catch (error) {
      if (error instanceof ZodError) {
        throw new BadRequestException({
          statusCode: 400,
          message: error.issues
            .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
            .join('; '),
        });
      }
      throw error;
    }
  }

  @Delete('switches')
  @Header('Cache-Control', 'no-store')
  resetSwitches(): SimulatorSwitches {
    return this.state.resetSwitches();
  }

  /** Every shipment request as it arrived (raw body text), optionally for one shipment. */
  @Get('received')
  @Header('Cache-Control', 'no-store')
  received(@Query('shipmentReference') reference?: string): { requests: ReceivedRequest[] } {
    return {
      requests: this.state.received.filter(
        (entry) => reference === undefined || shipmentReferenceIn(entry.body) === reference,
      ),
    };
  }

  /** Every callback delivery attempt, optionally for one shipment. */
  @Get('callbacks')
  @Header('Cache-Control', 'no-store')
  callbacks(@Query('shipmentReference') reference?: string): { deliveries: CallbackDelivery[] } {
    return {
      deliveries: this.state.callbacks.filter(
        (entry) => reference === undefined || entry.shipmentReference === reference,
      ),
    };
  }

  @Get('shipments')
  @Header('Cache-Control', 'no-store')
  shipments(): { shipments: SimulatedShipment[] } {
    return { shipments: this.state.book.shipments };
  }

  /** Forgets everything: journeys stop, hung requests are cut, switches go back to defaults. */
  @Post('reset')
  @HttpCode(204)
  async reset(): Promise<void> {
    this.hung.releaseAll();
    await this.tracking.stopAll();
    this.state.reset();
  }
}
