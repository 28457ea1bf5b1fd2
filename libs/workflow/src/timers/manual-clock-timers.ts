import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock, ManualClock } from '@app/clock';
import { TimerScheduler } from './timer-scheduler';

/** Under the manual clock, moving it fires every timer due by then before the clock endpoint answers. */
@Injectable()
export class ManualClockTimers implements OnModuleInit {
  constructor(
    private readonly clock: Clock,
    private readonly scheduler: TimerScheduler,
  ) {}

  onModuleInit(): void {
    if (this.clock instanceof ManualClock) {
      this.clock.onAdvance(async (now) => {
        await this.scheduler.fireDue(now);
      });
    }
  }
}
