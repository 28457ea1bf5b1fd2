import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { AppConfig, ENV_NAMES } from './app-config';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the environment once into a validated, typed AppConfig. A bad value
 * throws a ConfigError that names the variable, so the process stops at start-up
 * instead of failing later in some request.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const [field, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[field] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(errors.flatMap(describe));
  return Object.freeze(config);
}

function describe(error: ValidationError): string[] {
  const name = ENV_NAMES[error.property as keyof AppConfig] ?? error.property;
  const value = JSON.stringify(error.value);
  return Object.values(error.constraints ?? {}).map(
    (message) =>
      `${name}=${name.includes('PASSWORD') || name.includes('SECRET') ? '***' : value}: ${message}`,
  );
}
