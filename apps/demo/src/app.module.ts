import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@prs/nestjs-observability';
import { DealsController } from './deals/deals.controller';

@Module({
  imports: [ObservabilityModule.forRoot()],
  controllers: [DealsController],
})
export class AppModule {}
