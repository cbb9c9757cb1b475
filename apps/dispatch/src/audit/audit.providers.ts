import { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, Metrics, SecretStore, createDataSource, observePool, poolOf } from '@coop/platform';
import { AuditController } from './audit.controller';
import { AuditLogRepository } from './audit-log.repository';
import { AuditService } from './audit.service';
import { CheckpointJob } from './checkpoint.job';
import { CheckpointSigner } from './checkpoint-signer';
import { CheckpointsRepository } from './checkpoints.repository';
import { DecisionLogRepository } from './decision-log.repository';
import { DividendAllocationLog } from './dividend-allocation.log';
import { LOG_WRITER_APPLICATION, LOG_WRITER_DB, LogAppender, PIPELINE_DEPTH } from './log-appender';
import { LogLeafBuilder } from './log-leaf.builder';
import { LogSigningKey } from './log-signing-key';
import { PolicyActivationLog } from './policy-activation.log';
import { PseudonymKeys } from './pseudonym-keys';
import { TripOutcomesRepository } from './trip-outcomes.repository';

/** Everything the transparency log adds to the dispatch module. */
export const auditProviders: Provider[] = [
  {
    provide: LogSigningKey,
    inject: [APP_CONFIG, SecretStore],
    useFactory: (config: AppConfig, secrets: SecretStore) => LogSigningKey.load(config, secrets),
  },
  {
    // On the log writer's own connections, not the app's pool: a dispatch step holds a pool
    // connection (its uncommitted trip) while its leaf is built, so with every connection held
    // by such steps a key lookup on the pool would wait for them, and they for it.
    provide: PseudonymKeys,
    inject: [LOG_WRITER_DB],
    useFactory: (db: DataSource) => new PseudonymKeys(new SecretStore(db)),
  },
  LogLeafBuilder,
  DecisionLogRepository,
  {
    // After the main DataSource (which creates and migrates the database when configured).
    provide: LOG_WRITER_DB,
    inject: [APP_CONFIG, Metrics, DataSource],
    useFactory: async (config: AppConfig, metrics: Metrics) => {
      const db = createDataSource({ url: config.DATABASE_URL, poolSize: PIPELINE_DEPTH, applicationName: LOG_WRITER_APPLICATION });
      await db.initialize();
      observePool(poolOf(db), metrics, 'log_writer');
      return db;
    },
  },
  LogAppender,
  CheckpointsRepository,
  CheckpointSigner,
  PolicyActivationLog,
  DividendAllocationLog,
  CheckpointJob,
  AuditLogRepository,
  TripOutcomesRepository,
  AuditService,
];

export const auditControllers = [AuditController];
