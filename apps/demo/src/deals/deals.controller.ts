import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { AuthGuard } from '../auth/auth.guard';
import type { AuthUser } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.decorator';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { parsePage } from '../common/page.query';
import type { HeaderSetter } from '../common/response-header';
import type { Deal } from './deal.types';
import { DealsService } from './deals.service';

/** Reads are public; writes need a bearer token; deleting needs a manager. */
@Controller('deals')
export class DealsController {
  constructor(private readonly deals: DealsService) {}

  @Get()
  list(
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ): Promise<Deal[]> {
    const page = parsePage(limit, offset);
    return this.deals.list(page.limit, page.offset);
  }

  /** `X-Cache: HIT | MISS | OFF` says whether Redis answered. */
  @Get(':id')
  async findOne(
    @Param('id', ParseIdPipe) id: number,
    @Res({ passthrough: true }) res: HeaderSetter,
  ): Promise<Deal> {
    const { deal, cache } = await this.deals.get(id);
    res.header('x-cache', cache);
    return deal;
  }

  @Post()
  @UseGuards(AuthGuard)
  create(@Body() body: unknown, @CurrentUser() user: AuthUser): Promise<Deal> {
    return this.deals.create(body, user);
  }

  @Patch(':id')
  @UseGuards(AuthGuard)
  update(
    @Param('id', ParseIdPipe) id: number,
    @Body() body: unknown,
  ): Promise<Deal> {
    return this.deals.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('manager')
  @UseGuards(AuthGuard)
  remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.deals.remove(id);
  }
}
