import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppError } from '@app/http';
import { CreateRegionDto, RegionNode } from './region.dto';
import { PARENT_LEVEL, Region, RegionLevel } from './region.entity';

@Injectable()
export class RegionsService {
  constructor(@InjectRepository(Region) private readonly regions: Repository<Region>) {}

  async create(dto: CreateRegionDto): Promise<Region> {
    const parent = await this.parentFor(dto.level, dto.parentId);
    if (await this.regions.exist({ where: { code: dto.code } })) {
      throw codeTaken(dto.code);
    }
    const id = crypto.randomUUID();
    const saving = this.regions.save(
      this.regions.create({
        id,
        code: dto.code,
        name: dto.name,
        level: dto.level,
        parentId: parent?.id ?? null,
        path: `${parent?.path ?? '/'}${id}/`,
      }),
    );
    return saving.catch((e: unknown) => {
      // Two requests with the same code at once: the unique index decides, same answer as the pre-check.
      if ((e as { constraint?: string }).constraint === 'regions_code_key')
        throw codeTaken(dto.code);
      throw e;
    });
  }

  async tree(): Promise<RegionNode[]> {
    return buildTree(await this.regions.find({ order: { code: 'ASC' } }));
  }

  /** The region with every region below it, as one node. */
  async subtree(root: Region): Promise<RegionNode> {
    const all = await this.regions
      .createQueryBuilder('r')
      .where('r.path LIKE :prefix', { prefix: `${root.path}%` })
      .orderBy('r.code', 'ASC')
      .getMany();
    return buildTree(all)[0];
  }

  findById(id: string): Promise<Region | null> {
    return this.regions.findOneBy({ id });
  }

  /** The region, which must exist and be of the given level; else a 422 with `code`. */
  async requireLevel(id: string, level: RegionLevel, code: string): Promise<Region> {
    const region = await this.findById(id);
    if (!region || region.level !== level) {
      throw AppError.unprocessable(code, `Region ${id} is not a ${level}`);
    }
    return region;
  }

  private async parentFor(
    level: RegionLevel,
    parentId: string | undefined,
  ): Promise<Region | null> {
    const parentLevel = PARENT_LEVEL[level];
    if (parentLevel === null) {
      if (parentId) throw AppError.unprocessable('INVALID_PARENT', 'A county has no parent');
      return null;
    }
    if (!parentId)
      throw AppError.unprocessable('INVALID_PARENT', `A ${level} needs a parent ${parentLevel}`);
    return this.requireLevel(parentId, parentLevel, 'INVALID_PARENT');
  }
}

/** Nests regions under their parents; a region whose parent is not in the list is a root. */
function buildTree(all: Region[]): RegionNode[] {
  const nodes = new Map<string, RegionNode>(
    all.map((r) => [r.id, { id: r.id, code: r.code, name: r.name, level: r.level, children: [] }]),
  );
  const roots: RegionNode[] = [];
  for (const region of all) {
    const node = nodes.get(region.id)!;
    const parent = region.parentId ? nodes.get(region.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

function codeTaken(code: string): AppError {
  return AppError.conflict('REGION_CODE_TAKEN', `A region with code ${code} exists`);
}
