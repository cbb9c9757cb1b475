import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PaymentProvider, ProviderInstruction } from './payout.ports';

/**
 * The default provider: the treasurer sends the run's pain.001 file to the bank, so
 * "submitting" records each instruction once per end-to-end id (the bank executes the file).
 * A real bank or Stripe Connect adapter implements PaymentProvider the same way: idempotent
 * by end-to-end id.
 */
@Injectable()
export class RecordedFileProvider extends PaymentProvider {
  constructor(private readonly db: DataSource) {
    super();
  }

  async submit(i: ProviderInstruction): Promise<{ providerRef: string }> {
    await this.db.query(
      `INSERT INTO payout_provider_instructions (end_to_end_id, run_id, currency, amount, creditor) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (end_to_end_id) DO NOTHING`,
      [i.endToEndId, i.runId, i.amount.currency, i.amount.amount.toString(), i.driverId],
    );
    return { providerRef: `file:${i.endToEndId}` };
  }
}
