import { Body, Controller, Get, Ip, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@app/access';
import { ParseUuid } from '@app/http';
import { NoticeBoard, NoticeQueryDto, ObjectionDto, ObjectionsService } from '@app/workflow';

/** The public board and objections: no login (三榜公示). */
@ApiTags('public')
@Public()
@Controller('public/notices')
export class PublicNoticesController {
  constructor(
    private readonly board: NoticeBoard,
    private readonly objections: ObjectionsService,
  ) {}

  @Get()
  list(@Query() query: NoticeQueryDto) {
    return this.board.list(query);
  }

  @Post(':noticeId/objections')
  file(
    @Param('noticeId', ParseUuid()) noticeId: string,
    @Body() dto: ObjectionDto,
    @Ip() ip: string,
  ) {
    return this.objections.file(noticeId, dto, ip);
  }
}
