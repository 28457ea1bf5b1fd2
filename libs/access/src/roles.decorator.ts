import { SetMetadata } from '@nestjs/common';
import type { Role } from './roles';

export const ROLES_KEY = 'access:roles';
/** Only these roles may call the route; others get 403. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

export const SERVICE_WIDE_KEY = 'access:serviceWide';
/**
 * The route changes what every county shares (the working-day calendar, the
 * manual clock): only an administrator bound to no region may call it; one
 * bound to a county gets 403 (see jurisdiction.ts).
 */
export const ServiceWide = (): MethodDecorator & ClassDecorator =>
  SetMetadata(SERVICE_WIDE_KEY, true);
