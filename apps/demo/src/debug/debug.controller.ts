import { Controller, Get } from '@nestjs/common';

/**
 * A route that fails on purpose: every call is a 500 (and an ERROR log line), to see
 * the error-rate panels and the `HighErrorRate` alert move.
 */
@Controller('debug')
export class DebugController {
  @Get('fail')
  fail(): never {
    throw new Error(
      'Simulated failure for alert testing (GET /api/debug/fail)',
    );
  }
}
