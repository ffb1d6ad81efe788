/**
 * Merge variables: `{{person.first_name}}` or `{{person.first_name|Madame, Monsieur}}`
 * (text after `|` is the fallback when the value is empty). Stored HTML and
 * text keep the placeholders; they are filled per recipient at send time.
 */

export const TEMPLATE_VARIABLES = [
  'person.first_name',
  'person.last_name',
  'person.email',
  'person.job_title',
  'person.city',
  'organisation.name',
  'organisation.city',
  'unsubscribe_url',
  'preferences_url',
] as const;

export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type VariableValues = Partial<Record<TemplateVariable, string | null>>;

const PLACEHOLDER = /\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*(?:\|([^}]*))?\}\}/g;

export function isTemplateVariable(name: string): name is TemplateVariable {
  return (TEMPLATE_VARIABLES as readonly string[]).includes(name);
}

/** Variables a text uses that do not exist (the editor and the API report them). */
export function unknownVariables(text: string): string[] {
  const unknown = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!isTemplateVariable(name)) unknown.add(name);
  }
  return [...unknown];
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * Fills placeholders. In `html` mode values are escaped (a first name cannot
 * inject markup); the fallback is already in the document's own escaping.
 */
export function fillVariables(source: string, values: VariableValues, mode: 'html' | 'text'): string {
  return source.replace(PLACEHOLDER, (_whole, name: string, fallback: string | undefined) => {
    const value = isTemplateVariable(name) ? values[name] : undefined;
    if (value != null && value.trim() !== '') return mode === 'html' ? escapeHtml(value) : value;
    return (fallback ?? '').trim();
  });
}
