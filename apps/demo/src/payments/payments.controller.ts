import { Body, Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '../auth/auth.guard';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { type Payment, PaymentsService } from './payments.service';

/** Payments of one deal: 201, 400 invalid, 402 declined, 404 no deal, 422 over balance. */
@Controller('deals/:id/payments')
@UseGuards(AuthGuard)
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post()
  create(
    @Param('id', ParseIdPipe) id: number,
    @Body() body: unknown,
  ): Promise<Payment> {
    return this.payments.process(id, body);
  }

  @Get()
  list(@Param('id', ParseIdPipe) id: number): Promise<Payment[]> {
    return this.payments.list(id);
  }
}
