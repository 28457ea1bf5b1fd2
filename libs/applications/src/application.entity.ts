import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { bigintAsNumber } from '@app/database';
import type {
  ApplicationStatus,
  MemberDeclaration,
  PropertyDeclaration,
  ReviewLevel,
} from '@app/domain';

/** The declaration as stored: the domain's units (fen, 0.01 m²), property ids assigned. */
export interface StoredHousehold {
  members: MemberDeclaration[];
  properties: PropertyDeclaration[];
}

/** Area tier column: 0 stands for the no-housing tier, otherwise the bound in 0.01 m². */
export const NO_HOUSING_TIER = 0;

@Entity('applications')
export class Application {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  campaignId!: string;

  @Column({ type: 'uuid' })
  communityId!: string;

  /** The community's materialised path: jurisdiction checks are a prefix test on it. */
  @Column()
  regionPath!: string;

  @Column({ type: 'uuid' })
  applicantUserId!: string;

  @Column({ type: 'varchar' })
  status!: ApplicationStatus;

  @Column({ type: 'varchar', nullable: true })
  level!: ReviewLevel | null;

  /** Bumped by every change; a write names the version it read (optimistic concurrency). */
  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'jsonb' })
  household!: StoredHousehold;

  @Column({ type: 'smallint' })
  persons!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  householdIncomeFen!: number;

  @Column({ type: 'int' })
  countedAreaCenti!: number;

  @Column({ type: 'smallint', nullable: true })
  incomeTier!: number | null;

  @Column({ type: 'int', nullable: true })
  areaTier!: number | null;

  @Column()
  eligible!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  noticeEndsAt!: Date | null;

  @Column({ type: 'varchar', nullable: true })
  archiveNo!: string | null;

  /** When the current level's deadline passed without a decision (flag only: it decides nothing). */
  @Column({ type: 'timestamptz', nullable: true })
  overdueSince!: Date | null;

  /** The notice period is over but objections are pending: it goes on when the last is dismissed. */
  @Column({ default: false })
  noticeWaiting!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  approvedAt!: Date | null;

  /** The campaign's parameters and the figures the approval was decided on. */
  @Column({ type: 'jsonb', nullable: true })
  approvalSnapshot!: Record<string, unknown> | null;

  /**
   * The history chain's length and last hash, written only with an appended
   * entry, by the transition's one UPDATE (never by `save()`): the next entry
   * links to them, and verification checks the chain ends there.
   */
  @Column({ type: 'int', default: 0, insert: false, update: false })
  historyLength!: number;

  @Column({ type: 'char', length: 64, nullable: true, insert: false, update: false })
  historyHead!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
