// A run's description (MLflow's `mlflow.note.content`) as HTML: CommonMark by micromark, which
// escapes raw HTML and drops links with dangerous protocols (javascript:, data:, …) by default.
// Images are turned off too (`![alt](url)` stays a plain link), so a description never makes the
// page fetch something from elsewhere on its own.
import { micromark } from 'micromark';

/** The description's HTML: safe to put in the page as is. */
export function descriptionHtml(text: string): string {
  return micromark(text, { extensions: [{ disable: { null: ['labelStartImage'] } }] });
}

/** Whether a click on this link should leave the app for another site (a new window). */
export function isExternalLink(href: string | null): boolean {
  return href !== null && /^(https?:|mailto:)/i.test(href);
}
