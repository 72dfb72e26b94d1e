import { Body, Controller, Delete, Get, Put, Query, UseGuards } from '@nestjs/common';
import { OperatorTokenGuard } from '../../authority/api/operator-token.guard';
import { NotificationSender } from '../application/notification-sender';
import {
  SimulatorState,
  type DeliveryRecord,
  type RefusalRecord,
} from '../application/simulator-state';
import type { JournalEntry } from '../domain/payment-book';
import type { SimulatorSwitches } from '../domain/simulator-switches';
import { BadRequestException } from '@nestjs/common';
import { ZodError } from 'zod';

/** What tests drive and read over HTTP: switches, the request journal, refusals, deliveries. */
@Controller('test')
@UseGuards(OperatorTokenGuard)
export class TestControlsController {
  constructor(
    private readonly state: SimulatorState,
    private readonly notifications: NotificationSender,
  ) {}

  @Get('switches')
  switches(): SimulatorSwitches {
    return this.state.switches;
  }

  @Put('switches')
  setSwitches(@Body() body: unknown): SimulatorSwitches {
    try {
      return this.state.setSwitches(body);
    } catch (error) {
      if (error instanceof ZodError) {
        throw new BadRequestException({ statusCode: 400, message: error.issues[0]?.message });
      }
      throw error;
    }
  }

  @Delete('switches')
  resetSwitches(): SimulatorSwitches {
    return this.state.resetSwitches();
  }

  /** Accepted requests, optionally for one merchant reference (order id), with its charges. */
  @Get('journal')
  journal(@Query('merchantReference') reference?: string): {
    entries: JournalEntry[];
    charges: number | null;
  } {
    const entries = this.state.book.journal.filter(
      (entry) => reference === undefined || entry.merchantReference === reference,
    );
    return {
      entries,
      charges: reference === undefined ? null : this.state.book.chargesFor(reference),
    };
  }

  @Get('refusals')
  refusals(): RefusalRecord[] {
    return this.state.refusals;
  }

  @Get('deliveries')
  async deliveries(): Promise<DeliveryRecord[]> {
    await this.notifications.drain();
    return this.state.deliveries;
  }
}
