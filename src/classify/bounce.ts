/**
 * Hard or soft. PowerMTA does not define it (pmta-accounting.md §4); we follow the community
 * default of port25-bouncehandler: a `b` record is hard when its bounceCat is one of these.
 * Every other category, known or not, is soft. Operators can configure the set.
 */
export const DEFAULT_HARD_CATEGORIES: readonly string[] = ['bad-mailbox', 'bad-domain', 'inactive-mailbox', 'routing-errors'];
