import { Global, Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { TokenService } from './token.service';
import { UsersRepository } from './users.repository';

@Global()
@Module({
  controllers: [AuthController],
  providers: [AuthService, AuthGuard, TokenService, UsersRepository],
  exports: [AuthGuard, TokenService],
})
export class AuthModule {}
