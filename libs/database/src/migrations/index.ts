import { Foundation1764400000000 } from './1764400000000-Foundation';
import { Applications1764400001000 } from './1764400001000-Applications';
import { Workflow1764400002000 } from './1764400002000-Workflow';
import { Audit1764400003000 } from './1764400003000-Audit';
import { RegisterExports1764400004000 } from './1764400004000-RegisterExports';
import { HistoryHead1764400005000 } from './1764400005000-HistoryHead';
import { PendingIndexes1764400006000 } from './1764400006000-PendingIndexes';
import { RefusedTimerAlerts1764400007000 } from './1764400007000-RefusedTimerAlerts';
import { AlertAcknowledgement1764400008000 } from './1764400008000-AlertAcknowledgement';
import { ExpectFunction1764400009000 } from './1764400009000-ExpectFunction';
import { LighterTransitionWrites1764400010000 } from './1764400010000-LighterTransitionWrites';

/** Every migration, in order. Listed explicitly so that ts-jest and compiled code load the same set. */
export const MIGRATIONS = [
  Foundation1764400000000,
  Applications1764400001000,
  Workflow1764400002000,
  Audit1764400003000,
  RegisterExports1764400004000,
  HistoryHead1764400005000,
  PendingIndexes1764400006000,
  RefusedTimerAlerts1764400007000,
  AlertAcknowledgement1764400008000,
  ExpectFunction1764400009000,
  LighterTransitionWrites1764400010000,
];
