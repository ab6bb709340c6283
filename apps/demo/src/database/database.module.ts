import { Global, Logger, Module } from '@nestjs/common';
import { type DemoConfig, DEMO_CONFIG } from '../config/demo-config';
import { Database } from './database.service';
import { migrate } from './migrate';
import { connectPostgres } from './postgres-connection';

/** Connects (or falls back to the embedded Postgres), migrates and seeds, at boot. */
@Global()
@Module({
  providers: [
    {
      provide: Database,
      inject: [DEMO_CONFIG],
      useFactory: async (config: DemoConfig): Promise<Database> => {
        const connection = await connectPostgres(config.databaseUrl);
        try {
          const { instanceId, seeded } = await migrate(connection.pool);
          new Logger('Database').log(
            `Schema prs_demo ready on ${connection.url}${seeded ? ` (seeded ${seeded} rows)` : ''}`,
          );
          return new Database(connection, instanceId);
        } catch (error) {
          await connection.pool.end().catch(() => undefined);
          await connection.embedded?.stop().catch(() => undefined);
          throw error;
        }
      },
    },
  ],
  exports: [Database],
})
export class DatabaseModule {}
