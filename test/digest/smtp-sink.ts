/**
 * Test helper: a real SMTP server (the `smtp-server` package) on 127.0.0.1
 * port 0 that parses every accepted message with `mailparser`.
 *
 * Modes a test can switch at any time: reject chosen recipients with a 5xx
 * (or 4xx) at RCPT TO; stall (never answer DATA) once `stallAfter` messages
 * were accepted, to freeze a sender mid-batch. Non-goals: TLS, auth.
 */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface SmtpSink {
  url: string;
  port: number;
  /** Accepted and parsed messages, in order of acceptance. */
  messages: ParsedMail[];
  /** Recipients (lowercase) → reply code to reject with at RCPT TO. */
  reject: Map<string, number>;
  /** Accept this many messages, then hold every further DATA forever; null = never stall. */
  stallAfter: number | null;
  /** DATA commands that arrived while stalled. */
  stalled: number;
  /** Wait this long before answering each DATA (a slow server; keeps several senders busy at once). */
  acceptDelayMs: number;
  /** Server errors other than a client resetting its connection. */
  serverErrors: Error[];
  to(address: string): ParsedMail[];
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  waitUntil(pred: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const sink: SmtpSink = {
    url: '',
    port: 0,
    messages: [],
    reject: new Map(),
    stallAfter: null,
    stalled: 0,
    acceptDelayMs: 0,
    serverErrors: [],
    to: (address) => sink.messages.filter((m) => addressesOf(m).includes(address.toLowerCase())),
    waitFor: (count, timeoutMs) => sink.waitUntil(() => sink.messages.length >= count, timeoutMs),
    async waitUntil(pred, timeoutMs = 10_000) {
      const start = Date.now();
      while (!pred()) {
        if (Date.now() - start > timeoutMs) throw new Error(`smtp sink: condition not met within ${timeoutMs} ms (${sink.messages.length} messages)`);
        await new Promise((ok) => setTimeout(ok, 10));
      }
    },
    close: async () => {},
  };
  const closedSessions = new Set<string>();
  let admitted = 0; // DATA commands let through (counted at the start, so parallel connections cannot overshoot stallAfter)
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 200,
    size: 10 * 1024 * 1024,
    onClose(session) {
      closedSessions.add(session.id);
    },
    onRcptTo(address, _session, cb) {
      const code = sink.reject.get(address.address.toLowerCase());
      if (code) {
        const err = new Error(code >= 500 ? `${code} 5.1.1 <${address.address}>: mailbox unavailable` : `${code} 4.2.0 try later`) as Error & { responseCode: number };
        err.responseCode = code;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      if (sink.stallAfter !== null && admitted >= sink.stallAfter) {
        sink.stalled++;
        stream.on('error', () => {}); // the sender may be killed while we hold its message
        stream.resume(); // read the data, never answer
        return;
      }
      admitted++;
      simpleParser(stream).then(async (mail) => {
        if (sink.acceptDelayMs > 0) await new Promise((ok) => setTimeout(ok, sink.acceptDelayMs));
        // A server takes responsibility when its 250 goes out: a message whose sender hung up before
        // that is dropped, as a real server does; one answered on a live connection counts, even if its
        // sender dies before reading the answer.
        if (closedSessions.has(session.id)) return cb();
        sink.messages.push(mail);
        cb();
      }, (err: Error) => cb(err));
    },
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  // A client that dies mid-session (a killed sender) resets its socket; that is the scenario under
  // test, not a failure of the sink.
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') sink.serverErrors.push(err);
  });
  const addr = server.server.address() as AddressInfo;
  sink.port = addr.port;
  sink.url = `smtp://127.0.0.1:${addr.port}`;
  sink.close = () => new Promise<void>((ok) => server.close(() => ok()));
  return sink;
}

export function addressesOf(m: ParsedMail): string[] {
  const list = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
  return list.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
}

/** The first https?:// link in a text that contains `path`. */
export function linkIn(text: string, path: string): string {
  const m = new RegExp(`https?://[^\\s<>"]*${path.replace(/[/?]/g, '\\$&')}[^\\s<>"]*`).exec(text);
  if (!m) throw new Error(`no ${path} link in:\n${text}`);
  return m[0];
}
