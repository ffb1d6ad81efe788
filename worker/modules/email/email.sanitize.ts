/**
 * Sanitises stored email HTML with the runtime's own streaming parser
 * (HTMLRewriter, lol-html): no scripts or active content, no event handlers,
 * no `javascript:`/`data:` URLs, no CSS expressions. Outlook's conditional
 * comments are kept (they are comments, not markup a client executes).
 */

const DROPPED_ELEMENTS = [
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'base',
  'link',
  'svg',
  'math',
  'noscript',
  'template',
  'portal',
];

const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'background',
  'action',
  'poster',
  'cite',
  'longdesc',
  'xlink:href',
]);
const SAFE_URL = /^(https?:|mailto:|cid:|#|\{\{[a-z_.]+\}\})/i;
const DANGEROUS_CSS = /expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding/i;

function isDroppedAttribute(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (lower.startsWith('on') || lower === 'srcdoc' || lower === 'formaction') return true;
  if (URL_ATTRIBUTES.has(lower)) {
    // Browsers ignore control characters and spaces inside a scheme: "java\tscript:" is javascript:.
    const compact = [...value].filter((char) => char.charCodeAt(0) > 0x20 && char !== '\u007f').join('');
    return compact !== '' && !SAFE_URL.test(compact);
  }
  if (lower === 'style') return DANGEROUS_CSS.test(value);
  return false;
}

export async function sanitizeEmailHtml(html: string): Promise<string> {
  const rewriter = new HTMLRewriter()
    .on(DROPPED_ELEMENTS.join(','), {
      element(element) {
        element.remove();
      },
    })
    .on('meta', {
      element(element) {
        if ((element.getAttribute('http-equiv') ?? '').toLowerCase() === 'refresh') element.remove();
      },
    })
    .on('style', {
      text(chunk) {
        if (DANGEROUS_CSS.test(chunk.text) || /@import/i.test(chunk.text)) chunk.remove();
      },
    })
    .on('*', {
      element(element) {
        const doomed: string[] = [];
        // The DOM lib's Element type shadows lol-html's here; its `attributes` yields [name, value] pairs.
        for (const [name, value] of element.attributes as unknown as Iterable<[string, string]>) {
          if (isDroppedAttribute(name, value)) doomed.push(name);
        }
        for (const name of doomed) element.removeAttribute(name);
      },
    });
  return rewriter.transform(new Response(html, { headers: { 'Content-Type': 'text/html' } })).text();
}
