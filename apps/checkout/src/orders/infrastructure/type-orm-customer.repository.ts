import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CustomerRepository } from '../application/customer.repository';

@Injectable()
export class TypeOrmCustomerRepository extends CustomerRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async idForEmailIndex(emailIndex: Buffer): Promise<string> {
    const inserted: { customer_id: string }[] = await this.dataSource.query(
      `INSERT INTO customers (customer_id, email_index) VALUES ($1, $2)
       ON CONFLICT (email_index) DO NOTHING RETURNING customer_id`,
      [randomUUID(), emailIndex],
    );
    const id = inserted[0]?.customer_id;
    if (id !== undefined) return id;
    // A separate statement, so it sees a concurrent insert that won the race (READ COMMITTED).
    const existing: { customer_id: string }[] = await this.dataSource.query(
      `SELECT customer_id FROM customers WHERE email_index = $1`,
      [emailIndex],
    );
    const found = existing[0]?.customer_id;
    if (found === undefined) throw new Error('Customer index conflict without a customer row');
    return found;
  }
}
