import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GatewayRefusalAudit } from '../application/gateway-refusal.audit';

@Injectable()
export class TypeOrmGatewayRefusalAudit extends GatewayRefusalAudit {
  private readonly logger = new Logger('GatewayRefusals');

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  override async record(entry: {
    direction: 'answer' | 'notification';
    reason: string;
    claimedKeyId: string | undefined;
  }): Promise<void> {
    this.logger.warn(`refused a gateway ${entry.direction}: ${entry.reason}`);
    await this.dataSource.query(
      `INSERT INTO gateway_refusals (direction, reason, claimed_key_id) VALUES ($1, $2, $3)`,
      [entry.direction, entry.reason, entry.claimedKeyId?.slice(0, 100) ?? null],
    );
  }
}
