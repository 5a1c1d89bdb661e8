// Plain text typed into the runs filter (`adamw`, `bert base`) is not MLflow's search grammar;
// rather than an error it searches run names: `attributes.run_name ILIKE '%adamw%'`. Text that
// looks like an expression (a comparator, a field prefix, LIKE/IN/IS NULL) goes to the store as
// typed, so its mistakes are still reported.
import { quoteValue } from './grouping';

/** What the store is asked, and the name search it came from (null: the text was a filter). */
export interface FilterQuery {
  filter: string;
  nameSearch: string | null;
}

const COMPARATOR = /[=<>!]/;
const FIELD_PREFIX = /^\s*(`|(attributes?|attr|metrics?|params?|parameters?|tags?|datasets?|run)\.)/i;
const OPERATOR = /\b(i?like|in)\s*[('"]|\bis\s+(not\s+)?null\b/i;

/** True when `text` reads as a filter expression rather than words of a run name. */
export function isExpression(text: string): boolean {
  return COMPARATOR.test(text) || FIELD_PREFIX.test(text) || OPERATOR.test(text);
}

/** The filter for what the user typed: an expression as it is, plain text as a run-name search. */
export function filterQuery(typed: string): FilterQuery {
  const text = typed.trim();
  if (text === '' || isExpression(text)) return { filter: text, nameSearch: null };
  return { filter: `attributes.run_name ILIKE ${quoteValue(`%${text}%`)}`, nameSearch: text };
}
