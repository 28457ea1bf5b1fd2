import type { AuditAction, AuditOutcome } from './audit-actions';

export interface AuditActor {
  id: string;
  role: string;
}

export interface AuditTarget {
  type: 'user' | 'region' | 'campaign' | 'application' | 'calendar_day' | 'clock' | 'alert';
  id: string;
}

export interface AuditRequest {
  id: string | null;
  ip: string | null;
}

/** A small, flat detail: codes, ids, statuses, dates and counts, never free text. */
export type AuditDetail = Record<string, string | number | boolean | null>;

export interface AuditEntry {
  action: AuditAction;
  outcome: AuditOutcome;
  /** null: nobody authenticated (a failed login, a 401) or the system (a timer). */
  actor?: AuditActor | null;
  target?: AuditTarget | null;
  request?: AuditRequest | null;
  detail?: AuditDetail;
  /** The transition job whose state change this records: at most one record per job. */
  jobId?: string | null;
}

/**
 * Keys that name personal data or secrets; a detail carrying one is a bug, and
 * recording it fails loudly (in tests first) rather than keep it for years.
 */
const FORBIDDEN_KEY =
  /name|idnumber|id_number|income|password|secret|token|phone|address|content|opinion|signature|corrections|members/i;
/** A resident ID number anywhere in a value (GB 11643: 17 digits and a check character). */
const RESIDENT_ID = /\d{17}[\dXx]/;
export const MAX_DETAIL_BYTES = 1024;
const MAX_VALUE_LENGTH = 120;

export class PersonalDataInAuditError extends Error {
  constructor(reason: string) {
    super(`audit detail refused: ${reason}`);
    this.name = 'PersonalDataInAuditError';
  }
}

export function assertSafeDetail(detail: AuditDetail): void {
  for (const [key, value] of Object.entries(detail)) {
    if (FORBIDDEN_KEY.test(key)) throw new PersonalDataInAuditError(`the key ${key}`);
    if (value !== null && typeof value === 'object') {
      throw new PersonalDataInAuditError(`${key} is not a scalar`);
    }
    if (typeof value === 'string') {
      if (value.length > MAX_VALUE_LENGTH) throw new PersonalDataInAuditError(`${key} is too long`);
      if (RESIDENT_ID.test(value)) throw new PersonalDataInAuditError(`${key} holds an ID number`);
    }
  }
  if (Buffer.byteLength(JSON.stringify(detail)) > MAX_DETAIL_BYTES) {
    throw new PersonalDataInAuditError(`larger than ${MAX_DETAIL_BYTES} bytes`);
  }
}
