/**
 * The interim lexical engine of a process whose block-max index was never
 * built in its folder: it answers with the backend's own full-text engine
 * (PostgreSQL's weighted tsvector, written with every paper, so always
 * current) while the index is built in the background, and hands every
 * request to the index once the index is built and nearly current.
 *
 * Goals: a fresh node on a large database answers every search with complete
 * results at once, instead of answering from a half-built index for minutes;
 * the switch happens between two requests and never goes back. Non-goals:
 * equal ranking during the interim (the fallback ranks with ts_rank; see
 * store/postgres/postgres-search.ts), building the index (block-max-engine.ts).
 */
import type { LexicalEngine, LexicalRequest, LexicalResult } from '../store/lexical-engine.js';

export class InterimEngine implements LexicalEngine {
  private switched = false;

  /**
   * `built` says whether `primary` may answer now; asked before requests until it says yes once.
   */
  constructor(private readonly fallback: LexicalEngine, private readonly primary: LexicalEngine,
    private readonly built: () => Promise<boolean>) {}

  get name(): string {
    return this.switched ? this.primary.name : `${this.fallback.name} (while the ${this.primary.name} index builds)`;
  }

  /** Whether the index answers now. */
  get usingIndex(): boolean {
    return this.switched;
  }

  private async target(): Promise<LexicalEngine> {
    if (!this.switched && await this.built()) this.switched = true;
    return this.switched ? this.primary : this.fallback;
  }

  async search(req: LexicalRequest): Promise<LexicalResult> {
    return (await this.target()).search(req);
  }

  async documentFrequencies(words: string[], cap?: number): Promise<{ docs: number; df: number[] }> {
    return (await this.target()).documentFrequencies(words, cap);
  }

  /**
   * The index's backlog once it answers; before, the fallback's own (PostgreSQL: papers whose search
   * vectors are not filled yet — after migrate-db or a bulk import that is every paper, and /readyz
   * must not send a load balancer's traffic to a node answering from an incomplete, busy fallback:
   * the quiet cluster bench's PostgreSQL rows had a timeout per connection that way).
   */
  async lag(): Promise<number> {
    if (this.switched) return this.primary.lag ? this.primary.lag() : 0;
    return this.fallback.lag ? this.fallback.lag() : 0;
  }

  async close(): Promise<void> {
    await this.primary.close?.();
    await this.fallback.close?.();
  }
}
