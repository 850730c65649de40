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
  if (valid !== true) {
    throw new FormatError(`not well-formed XML (line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}); expected ${what}`);
  }
  return parser.parse(text) as XmlElement;
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
