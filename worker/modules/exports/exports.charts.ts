/**
 * Native Excel charts for a workbook written by exceljs, which cannot write
 * charts: adds DrawingML parts to the package — one drawing per sheet
 * (xl/drawings/drawingN.xml + its rels) holding chart frames, one part per
 * chart (xl/charts/chartN.xml), the sheet's relationship to its drawing, and
 * their content types. Charts reference the sheet's cells and carry a cache of
 * their values, so they render before any recalculation.
 */
import JSZip from 'jszip';

export interface ChartSpec {
  kind: 'bar' | 'pie';
  title: string;
  /** Cell ranges on the same sheet, e.g. `A3:A9` and `B3:B9`. */
  categoriesRange: string;
  valuesRange: string;
  seriesName: string;
  categories: readonly string[];
  values: readonly number[];
  /** Zero-based cell anchors of the chart frame. */
  from: { col: number; row: number };
  to: { col: number; row: number };
  /** `RRGGBB`, the bar colour. */
  colour: string;
}

const NS = {
  c: 'http://schemas.openxmlformats.org/drawingml/2006/chart',
  a: 'http://schemas.openxmlformats.org/drawingml/2006/main',
  r: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
  xdr: 'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing',
  rel: 'http://schemas.openxmlformats.org/package/2006/relationships',
};
const REL_TYPE = {
  drawing: `${NS.r}/drawing`,
  chart: `${NS.r}/chart`,
};
const CONTENT_TYPE = {
  drawing: 'application/vnd.openxmlformats-officedocument.drawing+xml',
  chart: 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml',
};
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** A pie needs distinct slice colours; these follow the brand blue. */
const PIE_COLOURS = [
  '366092',
  'E46C0A',
  '9BBB59',
  '8064A2',
  '4BACC6',
  'F79646',
  'C0504D',
  '7F7F7F',
  '1F497D',
];

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** `Synthèse` + `A3:A9` → `'Synthèse'!$A$3:$A$9`. */
export function absoluteRef(sheetName: string, range: string): string {
  const absolute = range
    .split(':')
    .map((cell) => cell.replace(/^([A-Z]+)(\d+)$/, '$$$1$$$2'))
    .join(':');
  return `'${sheetName.replaceAll("'", "''")}'!${absolute}`;
}

function strCache(values: readonly string[]): string {
  const points = values.map((value, index) => `<c:pt idx="${index}"><c:v>${escapeXml(value)}</c:v></c:pt>`);
  return `<c:strCache><c:ptCount val="${values.length}"/>${points.join('')}</c:strCache>`;
}

function numCache(values: readonly number[]): string {
  const points = values.map((value, index) => `<c:pt idx="${index}"><c:v>${value}</c:v></c:pt>`);
  return `<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="${values.length}"/>${points.join('')}</c:numCache>`;
}

function richText(text: string, size: number): string {
  return `<c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="${size}" b="1"/></a:pPr><a:r><a:rPr lang="fr-FR" sz="${size}" b="1"/><a:t>${escapeXml(text)}</a:t></a:r></a:p></c:rich>`;
}

export function chartXml(sheetName: string, spec: ChartSpec): string {
  const series = [
    '<c:ser><c:idx val="0"/><c:order val="0"/>',
    `<c:tx><c:v>${escapeXml(spec.seriesName)}</c:v></c:tx>`,
    spec.kind === 'bar'
      ? `<c:spPr><a:solidFill><a:srgbClr val="${spec.colour}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>`
      : spec.categories
          .map(
            (_, index) =>
              `<c:dPt><c:idx val="${index}"/><c:bubble3D val="0"/><c:spPr><a:solidFill><a:srgbClr val="${PIE_COLOURS[index % PIE_COLOURS.length]}"/></a:solidFill></c:spPr></c:dPt>`,
          )
          .join(''),
    spec.kind === 'pie'
      ? '<c:dLbls><c:showLegendKey val="0"/><c:showVal val="0"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="1"/><c:showBubbleSize val="0"/><c:showLeaderLines val="1"/></c:dLbls>'
      : '<c:dLbls><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>',
    `<c:cat><c:strRef><c:f>${escapeXml(absoluteRef(sheetName, spec.categoriesRange))}</c:f>${strCache(spec.categories)}</c:strRef></c:cat>`,
    `<c:val><c:numRef><c:f>${escapeXml(absoluteRef(sheetName, spec.valuesRange))}</c:f>${numCache(spec.values)}</c:numRef></c:val>`,
    '</c:ser>',
  ].join('');
  const plot =
    spec.kind === 'bar'
      ? [
          '<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>',
          series,
          '<c:gapWidth val="60"/><c:axId val="500000001"/><c:axId val="500000002"/></c:barChart>',
          '<c:catAx><c:axId val="500000001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="500000002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>',
          '<c:valAx><c:axId val="500000002"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="500000001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>',
        ].join('')
      : `<c:pieChart><c:varyColors val="1"/>${series}<c:firstSliceAng val="0"/></c:pieChart>`;
  return [
    XML_DECLARATION,
    `<c:chartSpace xmlns:c="${NS.c}" xmlns:a="${NS.a}" xmlns:r="${NS.r}">`,
    '<c:roundedCorners val="0"/>',
    `<c:chart><c:title><c:tx>${richText(spec.title, 1200)}</c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>`,
    `<c:plotArea><c:layout/>${plot}</c:plotArea>`,
    spec.kind === 'pie' ? '<c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend>' : '',
    '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>',
    '</c:chartSpace>',
  ].join('');
}

export function drawingXml(charts: readonly { spec: ChartSpec; relId: string }[]): string {
  const anchors = charts.map(({ spec, relId }, index) =>
    [
      '<xdr:twoCellAnchor editAs="oneCell">',
      `<xdr:from><xdr:col>${spec.from.col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${spec.from.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>`,
      `<xdr:to><xdr:col>${spec.to.col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${spec.to.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>`,
      `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="${index + 2}" name="${escapeXml(spec.title)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>`,
      '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>',
      `<a:graphic><a:graphicData uri="${NS.c}"><c:chart xmlns:c="${NS.c}" xmlns:r="${NS.r}" r:id="${relId}"/></a:graphicData></a:graphic>`,
      '</xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>',
    ].join(''),
  );
  return `${XML_DECLARATION}<xdr:wsDr xmlns:xdr="${NS.xdr}" xmlns:a="${NS.a}">${anchors.join('')}</xdr:wsDr>`;
}

function relationshipsXml(relations: readonly { id: string; type: string; target: string }[]): string {
  const items = relations.map(
    (relation) =>
      `<Relationship Id="${relation.id}" Type="${relation.type}" Target="${escapeXml(relation.target)}"/>`,
  );
  return `${XML_DECLARATION}<Relationships xmlns="${NS.rel}">${items.join('')}</Relationships>`;
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function unescapeXml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

async function readText(zip: JSZip, path: string): Promise<string> {
  const file = zip.file(path);
  if (!file) throw new Error(`xlsx part missing: ${path}`);
  return file.async('string');
}

/** `xl/worksheets/sheet2.xml` of the sheet named `name`, through workbook.xml and its rels. */
async function sheetPath(zip: JSZip, name: string): Promise<string> {
  const workbook = await readText(zip, 'xl/workbook.xml');
  const sheetTag = (workbook.match(/<sheet\s[^>]*\/>/g) ?? []).find(
    (tag) => unescapeXml(attribute(tag, 'name') ?? '') === name,
  );
  const relId = sheetTag ? attribute(sheetTag, 'r:id') : undefined;
  if (!relId) throw new Error(`no sheet named ${name}`);
  const rels = await readText(zip, 'xl/_rels/workbook.xml.rels');
  const relTag = (rels.match(/<Relationship\s[^>]*\/>/g) ?? []).find((tag) => attribute(tag, 'Id') === relId);
  const target = relTag ? attribute(relTag, 'Target') : undefined;
  if (!target) throw new Error(`no relationship ${relId} in workbook.xml.rels`);
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

function freeNumber(zip: JSZip, folder: string, prefix: string): number {
  let n = 1;
  while (zip.file(`${folder}/${prefix}${n}.xml`)) n++;
  return n;
}

/** Adds `charts` to the sheet named `sheetName` of an xlsx package; returns the new package. */
export async function addCharts(
  xlsx: Uint8Array | ArrayBuffer,
  sheetName: string,
  charts: readonly ChartSpec[],
): Promise<Uint8Array> {
  if (charts.length === 0) return xlsx instanceof Uint8Array ? xlsx : new Uint8Array(xlsx);
  const zip = await JSZip.loadAsync(xlsx);
  const sheet = await sheetPath(zip, sheetName);
  const sheetFile = sheet.slice(sheet.lastIndexOf('/') + 1);
  const sheetRelsPath = `${sheet.slice(0, sheet.lastIndexOf('/'))}/_rels/${sheetFile}.rels`;

  const drawingNumber = freeNumber(zip, 'xl/drawings', 'drawing');
  const drawingPath = `xl/drawings/drawing${drawingNumber}.xml`;
  const overrides: { part: string; type: string }[] = [
    { part: `/${drawingPath}`, type: CONTENT_TYPE.drawing },
  ];
  const drawingRelations: { id: string; type: string; target: string }[] = [];
  const frames: { spec: ChartSpec; relId: string }[] = [];
  let chartNumber = freeNumber(zip, 'xl/charts', 'chart');
  for (const [index, spec] of charts.entries()) {
    const relId = `rId${index + 1}`;
    zip.file(`xl/charts/chart${chartNumber}.xml`, chartXml(sheetName, spec));
    overrides.push({ part: `/xl/charts/chart${chartNumber}.xml`, type: CONTENT_TYPE.chart });
    drawingRelations.push({ id: relId, type: REL_TYPE.chart, target: `../charts/chart${chartNumber}.xml` });
    frames.push({ spec, relId });
    chartNumber++;
  }
  zip.file(drawingPath, drawingXml(frames));
  zip.file(`xl/drawings/_rels/drawing${drawingNumber}.xml.rels`, relationshipsXml(drawingRelations));

  // The sheet → drawing relationship, in the sheet's rels (created if the sheet had none).
  const existingRels = zip.file(sheetRelsPath) ? await readText(zip, sheetRelsPath) : null;
  const usedIds = new Set((existingRels?.match(/Id="([^"]+)"/g) ?? []).map((match) => match.slice(4, -1)));
  let drawingRelId = 'rIdDrawing1';
  for (let n = 1; usedIds.has(drawingRelId); n++) drawingRelId = `rIdDrawing${n + 1}`;
  const drawingRelation = `<Relationship Id="${drawingRelId}" Type="${REL_TYPE.drawing}" Target="../drawings/drawing${drawingNumber}.xml"/>`;
  zip.file(
    sheetRelsPath,
    existingRels
      ? existingRels.replace('</Relationships>', `${drawingRelation}</Relationships>`)
      : `${XML_DECLARATION}<Relationships xmlns="${NS.rel}">${drawingRelation}</Relationships>`,
  );

  // <drawing> goes after page setup and before legacyDrawing/tableParts/extLst (CT_Worksheet order).
  const sheetXml = await readText(zip, sheet);
  if (/<drawing\s/.test(sheetXml)) throw new Error(`${sheetName} already has a drawing`);
  const withNamespace = sheetXml.includes(`xmlns:r="${NS.r}"`)
    ? sheetXml
    : sheetXml.replace(/<worksheet\b/, `<worksheet xmlns:r="${NS.r}"`);
  const drawingTag = `<drawing r:id="${drawingRelId}"/>`;
  const before =
    /<(legacyDrawing|legacyDrawingHF|picture|oleObjects|controls|webPublishItems|tableParts|extLst)\b/.exec(
      withNamespace,
    );
  zip.file(
    sheet,
    before
      ? `${withNamespace.slice(0, before.index)}${drawingTag}${withNamespace.slice(before.index)}`
      : withNamespace.replace('</worksheet>', `${drawingTag}</worksheet>`),
  );

  const types = await readText(zip, '[Content_Types].xml');
  const additions = overrides
    .map((override) => `<Override PartName="${override.part}" ContentType="${override.type}"/>`)
    .join('');
  zip.file('[Content_Types].xml', types.replace('</Types>', `${additions}</Types>`));

  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}
