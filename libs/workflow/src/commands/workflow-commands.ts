import { Injectable } from '@nestjs/common';
import { AuthUser } from '@app/access';
import { Clock } from '@app/clock';
import { ApplicationView } from '@app/applications';
import { AppError, ErrorBody } from '@app/http';
import { JobActor, TransitionJobName, TransitionJobs } from '@app/queue';
import { TransitionQueue } from '../queue/transition-queue';
import { DecisionDto, ResolutionDto, SignedOpinionDto } from './decision.dto';

/**
 * The HTTP side of every transition: checks what needs no state (the
 * signature), enqueues the command, waits for the worker's outcome and turns
 * a refusal back into the contract's error.
 */
@Injectable()
export class WorkflowCommands {
  constructor(
    private readonly transitions: TransitionQueue,
    private readonly clock: Clock,
  ) {}

  /** The caller, and when they asked (see JobActor.askedAt). */
  private actorOf(u: AuthUser): JobActor {
    return {
      userId: u.id,
      role: u.role,
      name: u.name,
      regionPath: u.regionPath,
      askedAt: this.clock.now().toISOString(),
    };
  }

  submit(user: AuthUser, applicationId: string, key?: string): Promise<ApplicationView> {
    return this.run('submit', { applicationId, actor: this.actorOf(user) }, user, key);
  }

  withdraw(user: AuthUser, applicationId: string, key?: string): Promise<ApplicationView> {
    return this.run('withdraw', { applicationId, actor: this.actorOf(user) }, user, key);
  }

  decide(
    user: AuthUser,
    applicationId: string,
    dto: DecisionDto,
    key?: string,
  ): Promise<ApplicationView> {
    requireOwnSignature(user, dto);
    const { decision, opinion, signature, corrections } = dto;
    return this.run(
      'decide',
      { applicationId, actor: this.actorOf(user), decision, opinion, signature, corrections },
      user,
      key,
    );
  }

  resolveObjection(
    user: AuthUser,
    applicationId: string,
    objectionId: string,
    dto: ResolutionDto,
    key?: string,
  ) {
    requireOwnSignature(user, dto);
    const { upheld, opinion, signature } = dto;
    return this.run(
      'resolveObjection',
      { applicationId, objectionId, actor: this.actorOf(user), upheld, opinion, signature },
      user,
      key,
    );
  }

  revoke(
    user: AuthUser,
    applicationId: string,
    dto: SignedOpinionDto,
    key?: string,
  ): Promise<ApplicationView> {
    requireOwnSignature(user, dto);
    return this.run(
      'revoke',
      { applicationId, actor: this.actorOf(user), ...pick(dto) },
      user,
      key,
    );
  }

  recordChange(
    user: AuthUser,
    applicationId: string,
    dto: SignedOpinionDto,
    key?: string,
  ): Promise<ApplicationView> {
    requireOwnSignature(user, dto);
    return this.run(
      'recordChange',
      { applicationId, actor: this.actorOf(user), ...pick(dto) },
      user,
      key,
    );
  }

  private async run<N extends TransitionJobName>(
    name: N,
    data: TransitionJobs[N],
    user: AuthUser,
    key?: string,
  ) {
    const outcome = await this.transitions.run(
      name,
      data,
      TransitionQueue.commandJob(name, user.id, targetOf(data), key),
    );
    if (outcome.statusCode >= 400) {
      const body = outcome.body as ErrorBody;
      throw new AppError(outcome.statusCode, body.code, body.message, body.details);
    }
    return outcome.body as ApplicationView;
  }
}

/** The record is the reviewer's own: the signature must be their registered name. */
function requireOwnSignature(user: AuthUser, dto: SignedOpinionDto): void {
  if (dto.signature !== user.name) {
    throw AppError.unprocessable(
      'SIGNATURE_MISMATCH',
      'The signature must be your registered name',
    );
  }
}

const pick = (dto: SignedOpinionDto) => ({ opinion: dto.opinion, signature: dto.signature });

/** What a command acts on: the application, and the objection for a resolution. */
function targetOf(data: { applicationId: string; objectionId?: string }): string {
  return data.objectionId ? `${data.applicationId}/${data.objectionId}` : data.applicationId;
}
