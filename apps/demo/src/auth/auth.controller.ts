import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { AuthService, type LoginResult } from './auth.service';

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** 200 with a bearer token; 401 for a wrong password or unknown user; 400 when invalid. */
  @Post('login')
  @HttpCode(200)
  login(@Body() body: unknown): Promise<LoginResult> {
    return this.auth.login(body);
  }

  /** 201 with the new sales user; 409 when the name is taken; 400 when invalid. */
  @Post('register')
  register(@Body() body: unknown) {
    return this.auth.register(body);
  }
}
