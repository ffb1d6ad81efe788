import { describe, expect, it } from 'vitest';
import { AppError } from '../../worker/lib/errors';
import {
  assertValidMapping,
  autoMapping,
  convertRow,
  missingFields,
  parseAmount,
} from '../../worker/modules/imports/imports.fields';
import { MAX_ROWS } from '../../worker/modules/imports/imports.limits';
import {
  cellText,
  columnLabel,
  decodeUtf8,
  detectDelimiter,
  normaliseLabel,
  parseImportFile,
  readCsv,
  toCsv,
} from '../../worker/modules/imports/imports.parser';
import { BOM, xlsxOf } from '../fixtures/imports/support';

const encode = (text: string) => new TextEncoder().encode(text);

function records(text: string, delimiter = ','): { cells: string[]; row: number }[] {
  const out: { cells: string[]; row: number }[] = [];
  readCsv(text, delimiter, (cells, row) => out.push({ cells, row }));
  return out;
}

async function problemCode(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).status).toBe(422);
  return (error as AppError).errors?.[0]?.code;
}

describe('CSV reading (RFC 4180)', () => {
  it('handles quotes, doubled quotes, delimiters and line breaks inside quoted fields', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","line 1\nline 2\r\nline 3"\n1,2,3';
    expect(records(text)).toEqual([
      { cells: ['a', 'b', 'c'], row: 1 },
      { cells: ['x, y', 'say "hi"', 'line 1\nline 2\r\nline 3'], row: 2 },
      { cells: ['1', '2', '3'], row: 3 },
    ]);
  });

  it('accepts LF, CRLF and CR line ends; a final line break adds no record; empty fields are kept', () => {
    expect(records('a;b\rc;\n;d\r\n', ';').map((record) => record.cells)).toEqual([
      ['a', 'b'],
      ['c', ''],
      ['', 'd'],
    ]);
  });

  it('keeps a quote inside an unquoted field, and text after a closing quote (as Excel does)', () => {
    expect(records('5" disk,"ab"cd').map((record) => record.cells)).toEqual([['5" disk', 'abcd']]);
  });

  it('refuses an unterminated quote with the line it opened on', () => {
    expect(() => records('a,b\n1,"open\n2,3\n')).toThrowError(/line 2/);
  });

  it('detects , ; and tab delimiters, also with the other characters inside values', () => {
    expect(detectDelimiter('Nom,Ville\nA,Paris')).toBe(',');
    expect(detectDelimiter('Nom;Ville;Encours\nA;Paris;1 250,50\nB;Lyon;3,5')).toBe(';');
    expect(detectDelimiter('Nom\tVille\nA, B\tParis')).toBe('\t');
    expect(detectDelimiter('"Nom, complet";Ville\n"Martin, Claire";Paris')).toBe(';');
    expect(detectDelimiter('Nom\nA\nB')).toBe(',');
  });

  it('decodes strict UTF-8, drops the BOM, and refuses other encodings', () => {
    expect(decodeUtf8(encode(`${BOM}Société`))).toBe('Société');
    // "Société" in Windows-1252: é is the single byte 0xE9.
    const latin1 = new Uint8Array([0x53, 0x6f, 0x63, 0x69, 0xe9, 0x74, 0xe9]);
    expect(() => decodeUtf8(latin1)).toThrowError(/not UTF-8 — save it as "CSV UTF-8"/);
    const utf16 = new Uint8Array([0xff, 0xfe, 0x4e, 0x00, 0x6f, 0x00]);
    expect(() => decodeUtf8(utf16)).toThrowError(/not UTF-8/);
  });

  it('writes CSV that reads back the same (quotes only where needed)', () => {
    const rows = [
      ['Row', 'Reasons', 'Nom'],
      ['3', 'a; b', 'Say "hi"\nnext line'],
      ['4', 'plain', ' padded '],
    ];
    const text = toCsv(rows, ';');
    expect(text).toBe('Row;Reasons;Nom\r\n3;"a; b";"Say ""hi""\nnext line"\r\n4;plain;" padded "\r\n');
    expect(records(text, ';').map((record) => record.cells)).toEqual(rows);
  });
});

describe('file shape', () => {
  it('numbers rows as a spreadsheet does, skips blank rows and drops empty unnamed columns', async () => {
    const file = await parseImportFile(
      encode(`${BOM}\n;;\nNom;Ville;;\n"Caisse\nA";Paris;;\n\n;;;\nB;Lyon;;\n`),
      'csv',
    );
    expect(file).toMatchObject({ delimiter: ';', headerRow: 3, headers: ['Nom', 'Ville'] });
    expect(file.rows).toEqual([
      { row: 4, cells: ['Caisse\nA', 'Paris'] },
      { row: 7, cells: ['B', 'Lyon'] },
    ]);
  });

  it('flags rows with values beyond the header', async () => {
    const file = await parseImportFile(encode('Nom,Ville\nA,Paris,extra,more\nB,Lyon,,\n'), 'csv');
    expect(file.rows).toEqual([
      { row: 2, cells: ['A', 'Paris'], extraValues: 2 },
      { row: 3, cells: ['B', 'Lyon'] },
    ]);
  });

  it('refuses empty files, header-only files, blank and duplicate headers, and too many rows', async () => {
    expect(await problemCode(parseImportFile(new Uint8Array(), 'csv'))).toBe('empty_file');
    expect(await problemCode(parseImportFile(encode('\r\n\r\n ; \n'), 'csv'))).toBe('empty_file');
    expect(await problemCode(parseImportFile(encode('Nom;Ville\n'), 'csv'))).toBe('no_data_rows');
    expect(await problemCode(parseImportFile(encode('Nom;;Ville\nA;x;Paris'), 'csv'))).toBe('blank_header');
    expect(await problemCode(parseImportFile(encode('Nom;Email;EMAIL \nA;x;y'), 'csv'))).toBe(
      'duplicate_header',
    );
    const big = `Nom\n${'A\n'.repeat(MAX_ROWS)}`;
    expect((await parseImportFile(encode(big), 'csv')).rows).toHaveLength(MAX_ROWS);
    expect(await problemCode(parseImportFile(encode(`${big}B\n`), 'csv'))).toBe('too_many_rows');
  });

  it('tells an Excel workbook sent as CSV', async () => {
    const xlsx = await xlsxOf([['Nom'], ['A']]);
    expect(await problemCode(parseImportFile(xlsx, 'csv'))).toBe('file_type_mismatch');
  });

  it('labels columns like a spreadsheet', () => {
    expect([0, 25, 26, 27, 701, 702].map(columnLabel)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
});

describe('XLSX reading', () => {
  it('reads the first worksheet from its first non-empty row, with sensible cell values', async () => {
    const bytes = await xlsxOf(
      [
        ['Nom', 'Créé le', 'Encours', 'Site web', 'Note', 'Total', 'Horodatage'],
        [
          'Caisse é',
          new Date(Date.UTC(2026, 0, 15)),
          1250000.5,
          { text: 'crc.fr', hyperlink: 'https://crc.fr' },
          { richText: [{ text: 'Très ' }, { text: 'important', font: { bold: true } }] },
          { formula: 'C3*2', result: 2500001 },
          new Date(Date.UTC(2026, 0, 15, 9, 30)),
        ],
        [0.1 + 0.2, true, null, { text: 'a@b.fr', hyperlink: 'mailto:a@b.fr' }],
      ],
      {
        extraSheet: true,
        before: (sheet) => {
          sheet.addRow([]);
          sheet.addRow([]);
        },
      },
    );
    const file = await parseImportFile(bytes, 'xlsx');
    expect(file).toMatchObject({
      fileType: 'xlsx',
      delimiter: null,
      headerRow: 3,
      headers: ['Nom', 'Créé le', 'Encours', 'Site web', 'Note', 'Total', 'Horodatage'],
    });
    expect(file.rows[0]).toEqual({
      row: 4,
      cells: [
        'Caisse é',
        '2026-01-15',
        '1250000.5',
        'crc.fr',
        'Très important',
        '2500001',
        '2026-01-15T09:30:00.000Z',
      ],
    });
    expect(file.rows[1]?.cells.slice(0, 4)).toEqual(['0.3', 'true', '', 'a@b.fr']);
  });

  it('refuses broken, non-zip and zip-bomb workbooks', async () => {
    const good = await xlsxOf([['Nom'], ['A']]);
    expect(await problemCode(parseImportFile(good.slice(0, good.length / 2), 'xlsx'))).toBe(
      'xlsx_unreadable',
    );
    expect(await problemCode(parseImportFile(encode('Nom;Ville\nA;B'), 'xlsx'))).toBe('xlsx_unreadable');
    // A legacy .xls / password-protected workbook is an OLE compound file.
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    expect(await problemCode(parseImportFile(ole, 'xlsx'))).toBe('xlsx_unreadable');
    // Claim 2 GB of uncompressed content in the central directory.
    const bomb = good.slice();
    const view = new DataView(bomb.buffer);
    for (let i = 0; i < bomb.length - 4; i++) {
      if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, 0x7fffffff, true);
    }
    expect(await problemCode(parseImportFile(bomb, 'xlsx'))).toBe('xlsx_too_large');
  });

  it('turns cell values into text like Excel shows them', () => {
    expect(cellText(12)).toBe('12');
    expect(cellText(1e21)).toBe('1e+21');
    expect(cellText(null)).toBe('');
    expect(cellText({ error: '#N/A' } as never)).toBe('');
    expect(cellText({ formula: 'A1' } as never)).toBe('');
  });
});

describe('automatic mapping', () => {
  it('maps French and English organisation headers, ignoring case, accents and punctuation', () => {
    const headers = [
      'Raison sociale',
      'Nom',
      'Type(s)',
      'Catégorie',
      'Site Web',
      'VILLE',
      'Pays',
      'E-mail',
      'Téléphone',
      'Encours (EUR)',
      'Devise',
      'Étiquettes',
      'Identifiant externe',
      'Commentaires',
      'Colonne inconnue',
    ];
    expect(autoMapping('organisations', headers)).toEqual({
      'Raison sociale': 'legalName',
      Nom: 'name',
      'Type(s)': 'types',
      Catégorie: 'category',
      'Site Web': 'website',
      VILLE: 'city',
      Pays: 'country',
      'E-mail': 'email',
      Téléphone: 'phone',
      'Encours (EUR)': 'aumAmount',
      Devise: 'aumCurrency',
      Étiquettes: 'tags',
      'Identifiant externe': 'externalId',
      Commentaires: 'notes',
      'Colonne inconnue': null,
    });
    expect(autoMapping('organisations', ['Name', 'Website', 'City', 'AUM', 'External ID', 'Tags'])).toEqual({
      Name: 'name',
      Website: 'website',
      City: 'city',
      AUM: 'aumAmount',
      'External ID': 'externalId',
      Tags: 'tags',
    });
  });

  it('gives a lone "Raison sociale" the required name; a weak "Code" is the external id only when nothing better', () => {
    expect(autoMapping('organisations', ['Raison sociale', 'Type'])).toEqual({
      'Raison sociale': 'name',
      Type: 'types',
    });
    expect(autoMapping('organisations', ['Nom', 'Code'])).toEqual({ Nom: 'name', Code: 'externalId' });
    expect(autoMapping('organisations', ['Nom', 'Code', 'External ID'])).toEqual({
      Nom: 'name',
      Code: null,
      'External ID': 'externalId',
    });
  });

  it('maps people headers: "Nom" is the last name, "Société" the organisation', () => {
    const headers = [
      'Prénom',
      'Nom',
      'E-mail',
      'Email perso',
      'Téléphone',
      'Portable',
      'Fonction',
      'Société',
      'Langue',
    ];
    expect(autoMapping('people', headers)).toEqual({
      Prénom: 'firstName',
      Nom: 'lastName',
      'E-mail': 'workEmail',
      'Email perso': 'personalEmail',
      Téléphone: 'workPhone',
      Portable: 'mobilePhone',
      Fonction: 'jobTitle',
      Société: 'organisation',
      Langue: 'language',
    });
    expect(autoMapping('people', ['First name', 'Last name', 'Email', 'Organisation', 'Job title'])).toEqual({
      'First name': 'firstName',
      'Last name': 'lastName',
      Email: 'workEmail',
      Organisation: 'organisation',
      'Job title': 'jobTitle',
    });
    expect(missingFields('people', { Prénom: 'firstName' })).toEqual(['lastName']);
  });

  it('validates an edited mapping', () => {
    const headers = ['Nom', 'Type', 'Ville'];
    expect(assertValidMapping('organisations', headers, { Nom: 'name', Type: 'types' })).toEqual({
      Nom: 'name',
      Type: 'types',
      Ville: null,
    });
    const codes = (mapping: Record<string, string | null>) => {
      try {
        assertValidMapping('organisations', headers, mapping);
        return [];
      } catch (error) {
        return (error as AppError).errors?.map((item) => item.code);
      }
    };
    expect(codes({ Nom: 'name', Type: 'types', Ville: 'nope' })).toEqual(['unknown_field']);
    expect(codes({ Nom: 'name', Type: 'types', Ville: 'name' })).toEqual(['duplicate_field']);
    expect(codes({ Nom: 'name', Autre: 'city', Type: 'types' })).toEqual(['unknown_header']);
    expect(codes({ Nom: 'name' })).toEqual(['required_field_unmapped']);
  });

  it('normalises labels', () => {
    expect(normaliseLabel('  Étiquettes / Tags ')).toBe('etiquettes tags');
    expect(normaliseLabel('E-MAIL')).toBe('e mail');
  });
});

describe('cell conversion', () => {
  it('reads French and English amounts without guessing', () => {
    expect(parseAmount('1 250 000,50 €')).toBe('1250000.50');
    expect(parseAmount('1\u202f250\u00a0000')).toBe('1250000.00');
    expect(parseAmount('1,250,000.5')).toBe('1250000.50');
    expect(parseAmount('1.250.000,5')).toBe('1250000.50');
    expect(parseAmount('12.5')).toBe('12.50');
    expect(parseAmount('12,5')).toBe('12.50');
    expect(parseAmount('EUR 5')).toBeNull();
    expect(parseAmount('1,250')).toBeNull();
    expect(parseAmount('-5')).toBeNull();
    expect(parseAmount('abc')).toBeNull();
  });

  it('splits lists, translates values and builds the API input; empty cells are left out', () => {
    const headers = ['Nom', 'Types', 'Pays', 'Catégorie', 'Statut', 'Encours', 'Tags', 'Ville'];
    const mapping = autoMapping('organisations', headers);
    const converted = convertRow('organisations', mapping, headers, [
      ' Caisse A ',
      'Investisseur; distributeur',
      'Belgique',
      'Caisse de retraite',
      'Actif',
      '1 000,5',
      'retraite, institutionnel;retraite',
      '',
    ]);
    expect(converted.input).toEqual({
      name: 'Caisse A',
      types: ['investor', 'distributor'],
      country: 'BE',
      category: 'pension_fund',
      status: 'active',
      aum: { amount: '1000.50', currency: 'EUR' },
      tags: ['retraite', 'institutionnel'],
    });
    expect(converted.values.city).toBe('');
    const unreadable = convertRow('organisations', mapping, headers, [
      'B',
      'investor',
      '',
      '',
      '',
      '1,250',
      '',
      '',
    ]);
    expect(unreadable.problems).toEqual([
      expect.stringMatching(/^aum\.amount \("Encours"\): "1,250" is not an amount/),
    ]);
    const people = convertRow(
      'people',
      { Langue: 'language', Société: 'organisation' },
      ['Langue', 'Société'],
      ['Anglais', 'Caisse A'],
    );
    expect(people).toMatchObject({ input: { language: 'en' }, organisationRef: 'Caisse A' });
  });
});
