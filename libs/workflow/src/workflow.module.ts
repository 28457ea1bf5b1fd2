import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Application, ApplicationsModule } from '@app/applications';
import { CampaignsModule } from '@app/campaigns';
import { WorkingDaysModule } from '@app/working-days';
import { AlertsService } from './alerts/alerts.service';
import { WorkflowCommands } from './commands/workflow-commands';
import { EffectExecutor } from './engine/effect-executor';
import { TransitionEngine } from './engine/transition-engine';
import { HistoryService } from './history/history.service';
import { HistoryStore } from './history/history-store';
import { NoticeBoard } from './notices/notice-board.service';
import { ObjectionsService } from './notices/objections.service';
import { TransitionQueue } from './queue/transition-queue';
import { ManualClockTimers } from './timers/manual-clock-timers';
import { TimerScheduler } from './timers/timer-scheduler';
import { TransitionWorker } from './worker/transition-worker';

const shared = [TransitionQueue, TimerScheduler, HistoryStore];

/** The HTTP side of the workflow: commands that wait for the queue, the public board, history, alerts. */
@Module({
  imports: [TypeOrmModule.forFeature([Application]), ApplicationsModule],
  providers: [
    ...shared,
    WorkflowCommands,
    NoticeBoard,
    ObjectionsService,
    HistoryService,
    AlertsService,
    ManualClockTimers,
  ],
  exports: [
    ...shared,
    WorkflowCommands,
    NoticeBoard,
    ObjectionsService,
    HistoryService,
    AlertsService,
  ],
})
export class WorkflowModule {}

/**
 * The queue side: the engine that applies transitions and the worker that feeds
 * it. The queue, timers and history come from WorkflowModule, so one process
 * running both sides holds one set of queue connections.
 */
@Module({
  imports: [WorkflowModule, ApplicationsModule, CampaignsModule, WorkingDaysModule],
  providers: [EffectExecutor, TransitionEngine, TransitionWorker],
})
export class WorkflowWorkerModule {}
