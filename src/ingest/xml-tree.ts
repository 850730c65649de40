/**
 * XML to a plain tree for the arXiv parsers (Atom and OAI-PMH), through
 * fast-xml-parser, with the few helpers they share.
 *
 * Goals: namespace prefixes dropped ("arxiv:doi" → "doi"), attributes as
 * "@_name", entities (named and numeric) decoded, no number coercion (ids such
 * as "0704.0001" stay strings), a well-formedness check that names the line.
 * Non-goals: streaming (arXiv pages are at most a few MB), schema validation.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FormatError } from './parsed-item.js';

/** A node of the parsed tree: text, or an element with children and "@_attr" keys. */
export type XmlNode = string | { [key: string]: XmlNode | XmlNode[] | undefined };
export type XmlElement = { [key: string]: XmlNode | XmlNode[] | undefined };

/** Elements that may repeat, always given as arrays (names without namespace prefix). */
const REPEATED = new Set(['entry', 'author', 'category', 'link', 'affiliation', 'record', 'version']);

const parser = new XMLParser({
  ignoreAttributes: false,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  htmlEntities: true,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

/** Parses an XML document; throws FormatError naming the line when it is not well-formed. */
export function parseXml(xml: string, what: string): XmlElement {
  const text = xml.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new FormatError(`the ${what} document is empty`);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new FormatError(describeXmlError(text, valid.err, what));
  return parser.parse(text) as XmlElement;
}

/** 1-based line of character offset `pos` in `text`. */
function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * The validator's error in words, at its true line. For elements left open
 * at the end (a truncated file) fast-xml-parser says only "Invalid '[…]'
 * found" at line 1, column 1 when more than one is open: name the line where
 * the document ends, the open elements, and where the innermost one opened.
 */
export function describeXmlError(text: string, err: { code: string; msg: string; line: number; col?: number }, what: string): string {
  const many = /^Invalid '\[(.*)\]' found\.$/.exec(err.msg);
  const one = err.code === 'InvalidTag' ? /^Unclosed tag '(.+)'\.$/.exec(err.msg) : null;
  if (many || one) {
    const open = many ? [...many[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [one![1]];
    const inner = open[open.length - 1];
    const body = text.trimEnd();
    const endLine = lineAt(body, body.length);
    let at = -1;
    for (let i = body.lastIndexOf('<' + inner); i !== -1; i = body.lastIndexOf('<' + inner, i - 1)) {
      if (/[\s/>]/.test(body[i + 1 + inner.length] ?? '>')) { at = i; break; }
      if (i === 0) break;
    }
    const opened = at >= 0 ? ` (<${inner}> opened at line ${lineAt(body, at)})` : '';
    return `not well-formed XML: the document ends at line ${endLine} with ${open.map((t) => `<${t}>`).join(' ')} still open${opened}; ` +
      `is the file truncated? Expected ${what}`;
  }
  const where = err.col ? `line ${err.line}, column ${err.col}` : `line ${err.line}`;
  return `not well-formed XML (${where}: ${err.msg}); expected ${what}`;
}

export function isElement(n: unknown): n is XmlElement {
  return typeof n === 'object' && n !== null && !Array.isArray(n);
}

/** The first child element named `key`, or undefined. */
export function child(n: XmlNode | undefined, key: string): XmlNode | undefined {
  if (!isElement(n)) return undefined;
  const v = n[key];
  return Array.isArray(v) ? v[0] : v;
}

/** All children named `key` (none → []). */
export function children(n: XmlNode | undefined, key: string): XmlNode[] {
  if (!isElement(n)) return [];
  const v = n[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The text of a node (its "#text" when it also has attributes); '' when none. */
export function textOf(n: XmlNode | undefined): string {
  if (n === undefined) return '';
  if (typeof n === 'string') return n;
  const t = n['#text'];
  return typeof t === 'string' ? t : '';
}

/** The text of child `key`, whitespace collapsed; null when absent or blank. */
export function childText(n: XmlNode | undefined, key: string): string | null {
  const t = textOf(child(n, key)).replace(/\s+/g, ' ').trim();
  return t === '' ? null : t;
}

/** An attribute of an element; null when absent. */
export function attr(n: XmlNode | undefined, name: string): string | null {
  if (!isElement(n)) return null;
  const v = n['@_' + name];
  return typeof v === 'string' ? v : null;
}
