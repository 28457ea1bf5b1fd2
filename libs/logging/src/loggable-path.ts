const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A calendar date, as in `/api/calendar/overrides/2025-10-01`. */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const MASKED_SEGMENT = ':masked';

/**
 * The request's path as it may be logged: without the query string, and with
 * every segment that is not one of the service's route words (`RouteWords`),
 * a UUID or a date replaced by `:masked`. A client may put anything in a
 * path: an ID number where an application's id belongs
 * (`/api/applications/3601241980…`, a 400) or a name in a path no route has
 * (`/api/users/zhangsan`, a 404) would otherwise be written to the log as
 * typed. The ids the service itself hands out stay, so that a line still says
 * which application it was about.
 */
export function loggablePath(url: string, routeWords: { has(segment: string): boolean }): string {
  const path = url.split('?')[0];
  return path
    .split('/')
    .map((segment) =>
      segment === '' || UUID.test(segment) || DATE.test(segment) || routeWords.has(segment)
        ? segment
        : MASKED_SEGMENT,
    )
    .join('/');
}
