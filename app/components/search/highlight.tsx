import type { ReactNode } from 'react';

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

/**
 * The API's highlights are escaped HTML whose only markup is `<mark>`. Rather
 * than trusting them to innerHTML, they are parsed back into text runs and
 * React renders them (escaping again): a highlight can never inject markup,
 * even if the server had a bug.
 */
export function highlightParts(html: string): { text: string; marked: boolean }[] {
  const parts: { text: string; marked: boolean }[] = [];
  let marked = false;
  for (const piece of html.split(/(<mark>|<\/mark>)/)) {
    if (piece === '<mark>') marked = true;
    else if (piece === '</mark>') marked = false;
    else if (piece) {
      parts.push({ text: piece.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e), marked });
    }
  }
  return parts;
}

/** Text with its matches marked. */
export function Highlighted({ html }: { html: string }): ReactNode {
  return highlightParts(html).map((part, index) =>
    part.marked ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one string never reorder
      <mark key={index}>{part.text}</mark>
    ) : (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one string never reorder
      <span key={index}>{part.text}</span>
    ),
  );
}
