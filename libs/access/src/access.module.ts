import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegionsModule } from '@app/regions';
import { AdminBootstrap } from './admin-bootstrap';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { RegistrationThrottle } from './registration-throttle';
import { TokenService } from './token.service';
import { User } from './user.entity';
import { UsersService } from './users.service';

/** Accounts, tokens and the guard. The API app installs AuthGuard globally. */
@Module({
  imports: [TypeOrmModule.forFeature([User]), RegionsModule],
  providers: [
    PasswordHasher,
    TokenService,
    UsersService,
    LoginThrottle,
    RegistrationThrottle,
    AuthService,
    AuthGuard,
    AdminBootstrap,
  ],
  exports: [UsersService, AuthService, AuthGuard, TokenService],
})
export class AccessModule {}
