/**
 * What every source parser yields, one per record of the input: a parsed
 * record, or the reason the record was refused and where it was.
 *
 * Goals: one shape for the importer whatever the source, so a malformed
 * record is reported ("line 12: missing id") and the rest goes in.
 * Non-goals: deciding what to do with rejects (the importer counts them, the
 * CLI prints them).
 */
import type { PaperRecord } from '../domain/paper.js';

/**
 * One record of the input. `at` says where it was: "line 12" (JSONL),
 * "entry 3" (Atom/JSON), "record 5 (oai:arXiv.org:0804.2273)" (OAI-PMH).
 */
export type ParsedItem = { ok: true; at: string; record: PaperRecord } | { ok: false; at: string; reason: string };

/** The input is not this format at all (a wrong file), or empty where that is an error. */
export class FormatError extends Error {
  override name = 'FormatError';
}

/** A refused record. */
export function reject(at: string, reason: string): ParsedItem {
  return { ok: false, at, reason };
}

/** The message of whatever a record's conversion threw, for a reject reason. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
