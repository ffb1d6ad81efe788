import { Body } from '@react-email/body';
import { Button } from '@react-email/button';
import { Column } from '@react-email/column';
import { Container } from '@react-email/container';
import { Head } from '@react-email/head';
import { Heading } from '@react-email/heading';
import { Hr } from '@react-email/hr';
import { Html } from '@react-email/html';
import { Img } from '@react-email/img';
import { Link } from '@react-email/link';
import { Preview } from '@react-email/preview';
import { Row } from '@react-email/row';
import { Section } from '@react-email/section';
import { Text } from '@react-email/text';
import type { CSSProperties, ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { Block, LeafBlock } from './email.blocks';

/**
 * Block document → email HTML through React Email's components (tables,
 * Outlook conditionals and client quirks are theirs, not ours), and → the
 * plain-text part. Pure and synchronous: the editor runs the same function in
 * the browser for its live preview; the server sanitises what it stores.
 */

export interface TemplateDocument {
  subject: string;
  preheader?: string | null;
  blocks: Block[];
  /** Footer lines (sender's postal address) under the unsubscribe link. */
  footer?: string;
  locale?: 'fr' | 'en';
}

const FONT = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const LINK_PATTERN = /^(https?:\/\/[^\s<>"']+|mailto:[^\s<>"']+|\{\{[a-z_.]+\}\})$/i;
const INLINE = /\*\*(.+?)\*\*|_(.+?)_|\[([^\]]+)\]\(([^)\s]+)\)/g;

/** Columns stack on narrow screens; clients without media queries keep two columns. */
const RESPONSIVE_CSS =
  '@media only screen and (max-width:620px){.stack{display:block!important;width:100%!important;box-sizing:border-box}.fluid{width:100%!important;height:auto!important}}';

const FOOTER_TEXT = {
  fr: {
    unsubscribe: 'Se désabonner',
    preferences: 'Gérer mes préférences',
    why: 'Vous recevez cet e-mail car vous êtes en relation avec Alforis.',
  },
  en: {
    unsubscribe: 'Unsubscribe',
    preferences: 'Manage preferences',
    why: 'You receive this email because you are in touch with Alforis.',
  },
};

/** `**bold**`, `_italic_` and `[label](url)` to React nodes; anything else stays text. */
function inline(text: string, keyPrefix: string): ReactNode[] {
  const nodes: ReactNode[] = [];
  text.split('\n').forEach((line, lineIndex) => {
    // biome-ignore lint/suspicious/noArrayIndexKey: rendered once to static markup; lines never reorder
    if (lineIndex > 0) nodes.push(<br key={`${keyPrefix}-br${lineIndex}`} />);
    let last = 0;
    for (const match of line.matchAll(INLINE)) {
      const start = match.index ?? 0;
      if (start > last) nodes.push(line.slice(last, start));
      const key = `${keyPrefix}-${lineIndex}-${start}`;
      if (match[1] !== undefined) nodes.push(<strong key={key}>{match[1]}</strong>);
      else if (match[2] !== undefined) nodes.push(<em key={key}>{match[2]}</em>);
      else if (match[3] !== undefined && match[4] !== undefined && LINK_PATTERN.test(match[4])) {
        nodes.push(
          <Link key={key} href={match[4]} style={{ color: '#1f4e79', textDecoration: 'underline' }}>
            {match[3]}
          </Link>,
        );
      } else nodes.push(match[0]);
      last = start + match[0].length;
    }
    if (last < line.length) nodes.push(line.slice(last));
  });
  return nodes;
}

const HEADING_SIZES = { 1: 26, 2: 21, 3: 17 } as const;

function Leaf({ block }: { block: LeafBlock }) {
  switch (block.type) {
    case 'heading':
      return (
        <Heading
          as={`h${block.level}`}
          style={{
            fontFamily: FONT,
            fontSize: HEADING_SIZES[block.level],
            lineHeight: 1.3,
            color: '#14213d',
            textAlign: block.align,
            margin: '16px 0 8px',
          }}
        >
          {inline(block.text, block.id)}
        </Heading>
      );
    case 'text':
      return (
        <Text
          style={{
            fontFamily: FONT,
            fontSize: 15,
            lineHeight: '24px',
            color: '#2b2d42',
            textAlign: block.align,
            margin: '8px 0',
          }}
        >
          {inline(block.text, block.id)}
        </Text>
      );
    case 'button':
      return (
        <Section style={{ textAlign: block.align, margin: '16px 0' }}>
          <Button
            href={block.url}
            style={{
              backgroundColor: block.color,
              color: '#ffffff',
              fontFamily: FONT,
              fontSize: 15,
              fontWeight: 600,
              borderRadius: 4,
              padding: '12px 22px',
            }}
          >
            {block.label}
          </Button>
        </Section>
      );
    case 'image': {
      const image = (
        <Img
          className="fluid"
          src={block.src}
          alt={block.alt}
          width={block.width}
          style={{ maxWidth: '100%', height: 'auto', margin: '8px auto' }}
        />
      );
      return block.href ? <Link href={block.href}>{image}</Link> : image;
    }
    case 'divider':
      return <Hr style={{ borderTop: '1px solid #d9dee5', margin: '20px 0' }} />;
    case 'spacer':
      return <Section style={{ height: block.height, lineHeight: `${block.height}px` }}>&nbsp;</Section>;
  }
}

function TopBlock({ block }: { block: Block }) {
  switch (block.type) {
    case 'columns': {
      const cell: CSSProperties = { width: '50%', verticalAlign: 'top', padding: '0 8px' };
      return (
        <Section>
          <Row>
            <Column className="stack" style={cell}>
              {block.left.map((child) => (
                <Leaf key={child.id} block={child} />
              ))}
            </Column>
            <Column className="stack" style={cell}>
              {block.right.map((child) => (
                <Leaf key={child.id} block={child} />
              ))}
            </Column>
          </Row>
        </Section>
      );
    }
    case 'section':
      return (
        <Section style={{ backgroundColor: block.background, padding: '8px 20px', borderRadius: 4 }}>
          {block.blocks.map((child) => (
            <Leaf key={child.id} block={child} />
          ))}
        </Section>
      );
    default:
      return <Leaf block={block} />;
  }
}

export function EmailDocument({ document }: { document: TemplateDocument }) {
  const words = FOOTER_TEXT[document.locale ?? 'fr'];
  const small: CSSProperties = { fontFamily: FONT, fontSize: 12, lineHeight: '18px', color: '#6b7280' };
  return (
    <Html lang={document.locale ?? 'fr'}>
      <Head>
        <title>{document.subject}</title>
        <style>{RESPONSIVE_CSS}</style>
      </Head>
      <Body style={{ backgroundColor: '#ffffff', margin: 0, padding: 0 }}>
        {document.preheader ? <Preview>{document.preheader}</Preview> : null}
        <Container style={{ maxWidth: 600, padding: '16px' }}>
          {document.blocks.map((block) => (
            <TopBlock key={block.id} block={block} />
          ))}
          <Hr style={{ borderTop: '1px solid #e5e7eb', margin: '28px 0 12px' }} />
          <Text style={small}>
            {words.why}
            <br />
            <Link href="{{unsubscribe_url}}" style={{ color: '#6b7280', textDecoration: 'underline' }}>
              {words.unsubscribe}
            </Link>
            {' · '}
            <Link href="{{preferences_url}}" style={{ color: '#6b7280', textDecoration: 'underline' }}>
              {words.preferences}
            </Link>
            {document.footer ? (
              <>
                <br />
                {document.footer}
              </>
            ) : null}
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

/** The full HTML document (XHTML doctype, as email clients expect). */
export function renderEmailHtml(document: TemplateDocument): string {
  return `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">${renderToStaticMarkup(
    <EmailDocument document={document} />,
  )}`;
}

function plainInline(text: string): string {
  return text.replace(INLINE, (whole, bold, italic, label, url) => {
    if (bold !== undefined) return bold;
    if (italic !== undefined) return italic;
    if (label !== undefined && url !== undefined) return `${label} (${url})`;
    return whole;
  });
}

function leafText(block: LeafBlock): string | null {
  switch (block.type) {
    case 'heading': {
      const heading = plainInline(block.text);
      return `${heading}\n${'='.repeat(Math.min(heading.length, 60))}`;
    }
    case 'text':
      return plainInline(block.text);
    case 'button':
      return `${block.label} : ${block.url}`;
    case 'image':
      if (!block.alt && !block.href) return null;
      return block.href ? `${block.alt || block.href} : ${block.href}` : `[${block.alt}]`;
    case 'divider':
      return '----------------------------------------';
    case 'spacer':
      return null;
  }
}

/** The text/plain part, built from the blocks rather than scraped from HTML. */
export function renderEmailText(document: TemplateDocument): string {
  const words = FOOTER_TEXT[document.locale ?? 'fr'];
  const parts: string[] = [];
  for (const block of document.blocks) {
    const leaves =
      block.type === 'columns'
        ? [...block.left, ...block.right]
        : block.type === 'section'
          ? block.blocks
          : [block];
    for (const leaf of leaves) {
      const text = leafText(leaf);
      if (text !== null && text.trim() !== '') parts.push(text.trim());
    }
  }
  parts.push('--');
  parts.push(words.why);
  parts.push(`${words.unsubscribe} : {{unsubscribe_url}}`);
  parts.push(`${words.preferences} : {{preferences_url}}`);
  if (document.footer) parts.push(document.footer);
  return `${parts.join('\n\n')}\n`;
}
