import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '../auth/auth.guard';
import { Roles } from '../auth/roles.decorator';
import {
  type CommissionReport,
  CommissionsService,
} from './commissions.service';

/** Managers only: 200 with the period's commissions; 400 invalid; 422 future period. */
@Controller('commissions')
export class CommissionsController {
  constructor(private readonly commissions: CommissionsService) {}

  @Post('calculate')
  @HttpCode(200)
  @Roles('manager')
  @UseGuards(AuthGuard)
  calculate(@Body() body: unknown): Promise<CommissionReport> {
    return this.commissions.calculate(body);
  }
}
