/**
 * Exit statuses, the same for every command (Nagios/Icinga plugin convention, so that `check` and
 * a cron'd `report` speak the language monitoring systems understand):
 *   0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad arguments, unreadable input, --strict bad record).
 */
export const EXIT_OK = 0;
export const EXIT_WARNING = 1;
export const EXIT_CRITICAL = 2;
export const EXIT_UNKNOWN = 3;

/** The exit status of a verdict status: WARN 1, CRIT 2, else 0. */
export function exitOfStatus(status: 'OK' | 'WARN' | 'CRIT'): number {
  return status === 'CRIT' ? EXIT_CRITICAL : status === 'WARN' ? EXIT_WARNING : EXIT_OK;
}
