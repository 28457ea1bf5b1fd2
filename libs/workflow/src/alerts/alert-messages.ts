import { formatShanghaiInstant } from '@app/calendar';
import { LEVEL_LABELS, ReviewLevel } from '@app/domain';
import type { TimerKind } from '../timers/timer-store';

const TIMER_EVENTS: Record<TimerKind, string> = {
  review_deadline: '审核期限届满',
  notice_end: '公示期满',
};

/** An overdue review, raised to the level above. */
export function overdueMessage(level: ReviewLevel): string {
  return `${LEVEL_LABELS[level]}审核已超期`;
}

/**
 * A timer the engine refused to apply: what was due and when, and why it was
 * refused (the refusal's code and message, as recorded for its job).
 */
export function refusedTimerMessage(
  timer: { kind: TimerKind; level: ReviewLevel; dueAt: Date },
  refusal: { code: string; message: string },
): string {
  return (
    `${LEVEL_LABELS[timer.level]}${TIMER_EVENTS[timer.kind]}（${formatShanghaiInstant(timer.dueAt)}）` +
    `后的处理未能执行：${refusal.code} ${refusal.message}。原因排除后自动重试。`
  );
}
