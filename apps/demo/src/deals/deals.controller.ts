import {
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseIntPipe,
} from '@nestjs/common';

interface Deal {
  id: number;
  client: string;
  amount: number;
  currency: string;
}

// Skeleton data; the Postgres-backed domain replaces it.
const DEALS: readonly Deal[] = [
  { id: 1, client: 'Acme Ltd', amount: 12_500, currency: 'USD' },
  { id: 2, client: 'Globex', amount: 8_000, currency: 'EUR' },
];

@Controller('deals')
export class DealsController {
  @Get()
  findAll(): readonly Deal[] {
    return DEALS;
  }

  @Get(':id')
  findOne(@Param('id', ParseIntPipe) id: number): Deal {
    const deal = DEALS.find((d) => d.id === id);
    if (!deal) throw new NotFoundException(`Deal ${id} not found`);
    return deal;
  }
}
