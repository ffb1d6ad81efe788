import { z } from '@hono/zod-openapi';

/**
 * The block document of a template: what the visual editor edits and what the
 * renderer turns into email HTML. Text is plain text with a tiny inline markup
 * (`**bold**`, `_italic_`, `[label](https://…)`) rendered as React elements, so
 * no author-supplied HTML ever reaches the output.
 */

/** Only web and mail links; `javascript:`, `data:` and relative URLs are refused. */
export const safeUrl = z
  .string()
  .trim()
  .max(2_000)
  .refine(
    (value) => /^(https?:\/\/[^\s<>"']+|mailto:[^\s<>"']+|\{\{[a-z_.]+\}\})$/i.test(value),
    'An https://, http:// or mailto: address',
  );

const align = z.enum(['left', 'center', 'right']).default('left');
const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'A colour like #1f4e79')
  .default('#1f4e79');
const id = z.string().min(1).max(40);

export const headingBlock = z.object({
  id,
  type: z.literal('heading'),
  text: z.string().max(300),
  level: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(1),
  align,
});
export const textBlock = z.object({ id, type: z.literal('text'), text: z.string().max(10_000), align });
export const buttonBlock = z.object({
  id,
  type: z.literal('button'),
  label: z.string().min(1).max(120),
  url: safeUrl,
  align,
  color,
});
export const imageBlock = z.object({
  id,
  type: z.literal('image'),
  src: safeUrl,
  alt: z.string().max(300).default(''),
  href: safeUrl.nullable().optional(),
  width: z.number().int().min(20).max(600).default(600),
});
export const dividerBlock = z.object({ id, type: z.literal('divider') });
export const spacerBlock = z.object({
  id,
  type: z.literal('spacer'),
  height: z.number().int().min(4).max(120).default(24),
});

export const leafBlock = z.discriminatedUnion('type', [
  headingBlock,
  textBlock,
  buttonBlock,
  imageBlock,
  dividerBlock,
  spacerBlock,
]);

export const columnsBlock = z.object({
  id,
  type: z.literal('columns'),
  left: z.array(leafBlock).max(20),
  right: z.array(leafBlock).max(20),
});

export const sectionBlock = z.object({
  id,
  type: z.literal('section'),
  background: color.default('#f4f6f8'),
  blocks: z.array(leafBlock).max(30),
});

export const block = z.discriminatedUnion('type', [
  headingBlock,
  textBlock,
  buttonBlock,
  imageBlock,
  dividerBlock,
  spacerBlock,
  columnsBlock,
  sectionBlock,
]);

export const blockDocument = z.array(block).max(100).openapi('EmailBlocks', {
  description:
    'Blocks top to bottom: heading, text, button, image, divider, spacer, columns (left/right), section (background)',
});

export type LeafBlock = z.infer<typeof leafBlock>;
export type Block = z.infer<typeof block>;
export type BlockType = Block['type'];

export const BLOCK_TYPES: BlockType[] = [
  'heading',
  'text',
  'button',
  'image',
  'divider',
  'spacer',
  'columns',
  'section',
];

/** A new block of a type with sensible content, as the editor inserts it. */
export function newBlock(type: BlockType, blockId: string): Block {
  switch (type) {
    case 'heading':
      return { id: blockId, type, text: 'Titre', level: 1, align: 'left' };
    case 'text':
      return { id: blockId, type, text: 'Bonjour {{person.first_name|Madame, Monsieur}},', align: 'left' };
    case 'button':
      return {
        id: blockId,
        type,
        label: 'En savoir plus',
        url: 'https://www.alforis.fr',
        align: 'center',
        color: '#1f4e79',
      };
    case 'image':
      return {
        id: blockId,
        type,
        src: 'https://www.alforis.fr/images/email-banner.png',
        alt: '',
        href: null,
        width: 600,
      };
    case 'divider':
      return { id: blockId, type };
    case 'spacer':
      return { id: blockId, type, height: 24 };
    case 'columns':
      return {
        id: blockId,
        type,
        left: [{ id: `${blockId}-l`, type: 'text', text: 'Colonne de gauche', align: 'left' }],
        right: [{ id: `${blockId}-r`, type: 'text', text: 'Colonne de droite', align: 'left' }],
      };
    case 'section':
      return {
        id: blockId,
        type,
        background: '#f4f6f8',
        blocks: [{ id: `${blockId}-t`, type: 'text', text: 'Texte de la section', align: 'left' }],
      };
  }
}
