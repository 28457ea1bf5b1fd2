import { StatisticsScopeQueryDto } from './scope-query.dto';

/** The query of GET /api/statistics/register.csv and register.xlsx. */
export class RegisterQueryDto extends StatisticsScopeQueryDto {}
