import { WorkflowWorld } from '../../support/workflow-fixture';
import { CommandSender } from './commands';
import { FaultBed } from './fault-bed';
import { Applicant } from './households';
import { Refusal } from './journey';
import { mapLimit } from './wait';

/** A command the service acknowledged (2xx): it promised this transition is committed. */
export interface Acknowledged {
  applicationId: string;
  step: 'submit' | 'approve';
  status: string;
  version: number;
  at: number;
}

/**
 * A steady stream of commands: each application is submitted, then approved
 * by its community, over `lanes` concurrent clients that retry faults with the
 * same Idempotency-Key. Every acknowledged command is kept, to be found in the
 * database afterwards.
 */
export class SteadyLoad {
  readonly acknowledged: Acknowledged[] = [];
  readonly refusals: Refusal[] = [];
  readonly sender: CommandSender;

  constructor(
    bed: FaultBed,
    private readonly world: WorkflowWorld,
    private readonly applicant: Applicant,
    private readonly lanes = 16,
  ) {
    this.sender = new CommandSender(bed.client);
  }

  static readonly COMMANDS_PER_APPLICATION = 2;

  async run(ids: string[]): Promise<void> {
    const { community } = this.world;
    await mapLimit(ids, this.lanes, async (id) => {
      if (!(await this.command(id, 'submit', this.applicant.token, undefined))) return;
      await this.command(id, 'approve', community.token, {
        decision: 'approve',
        opinion: '经调查核实',
        signature: community.name,
      });
    });
  }

  private async command(
    id: string,
    step: Acknowledged['step'],
    token: string,
    body: Record<string, unknown> | undefined,
  ): Promise<boolean> {
    const path = `/api/applications/${id}/${step === 'submit' ? 'submit' : 'decisions'}`;
    const reply = await this.sender.post(path, { token, body, idempotencyKey: `${step}-${id}` });
    if (reply.status >= 200 && reply.status < 300) {
      const { status, version } = reply.body as { status: string; version: number };
      this.acknowledged.push({ applicationId: id, step, status, version, at: Date.now() });
      return true;
    }
    this.refusals.push({ step, applicationId: id, status: reply.status, body: reply.body });
    return false;
  }
}
