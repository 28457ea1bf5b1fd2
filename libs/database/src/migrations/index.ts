import { Foundation1764400000000 } from './1764400000000-Foundation';
import { Applications1764400001000 } from './1764400001000-Applications';

/** Every migration, in order. Listed explicitly so that ts-jest and compiled code load the same set. */
export const MIGRATIONS = [Foundation1764400000000, Applications1764400001000];
