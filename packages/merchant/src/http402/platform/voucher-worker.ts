import { type KeyObject, verify } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { SigningAlgorithm } from '@tallystick/protocol';

/**
 * The worker's whole program (plain JavaScript, no imports but Node's: it
 * runs the same under tsx, vitest and plain Node). It takes one batch per
 * message, verifies every signature in it with node:crypto and answers one
 * byte per signature (1 = valid), in order. Keys arrive as SPKI DER and are
 * imported once each.
 *
 * A batch: u32 count, then per signature u8 alg (1 = ES256 with a DER
 * signature, 2 = EdDSA), u16 key length, u32 data length, u16 signature
 * length, then the key, the signed bytes and the signature.
 */
const WORKER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const KEYS_MAX = ${4096};
const keys = new Map();
parentPort.on('message', (batch) => {
  const bytes = Buffer.from(batch);
  const count = bytes.readUInt32BE(0);
  const results = new Uint8Array(count);
  let at = 4;
  for (let i = 0; i < count; i++) {
    const alg = bytes[at];
    const keyLength = bytes.readUInt16BE(at + 1);
    const dataLength = bytes.readUInt32BE(at + 3);
    const signatureLength = bytes.readUInt16BE(at + 7);
    at += 9;
    const keyId = bytes.toString('latin1', at, at + keyLength);
    let key = keys.get(keyId);
    try {
      if (key === undefined) {
        key = createPublicKey({ key: bytes.subarray(at, at + keyLength), format: 'der', type: 'spki' });
        if (keys.size >= KEYS_MAX) keys.clear();
        keys.set(keyId, key);
      }
      at += keyLength;
      const data = bytes.subarray(at, at + dataLength);
      at += dataLength;
      const signature = bytes.subarray(at, at + signatureLength);
      at += signatureLength;
      results[i] = verify(alg === 1 ? 'sha256' : null, data, key, signature) ? 1 : 0;
    } catch {
      results[i] = 0;
      at = -1;
      break;
    }
  }
  // A batch that could not be read to its end is refused whole (it never is: the main thread wrote it).
  if (at !== bytes.length) results.fill(0);
  parentPort.postMessage(results, [results.buffer]);
});
`;

/**
 * One signature to check: the key (and its SPKI DER, which the worker imports
 * once), the signed bytes (latin1: a JWS signing input) and the signature
 * as node:crypto takes it (DER for ES256).
 */
interface Job {
  readonly alg: SigningAlgorithm;
  readonly keyDer: Buffer;
  readonly key: KeyObject;
  readonly data: string;
  readonly signature: Buffer;
  readonly done: (ok: boolean) => void;
}

const HEAD_BYTES = 9;
/** Signatures per message at most; a longer queue goes in several. */
const BATCH_MAX = 256;
/**
 * Batches at the worker at once. More signatures wait on the main thread and
 * go over in one message when an answer comes back: under load a batch grows
 * to what arrived while the worker was busy (fewer wake-ups on both sides:
 * kernel CPU per voucher 14-25 µs against 22-25 µs unbounded, in the HTTP
 * bench), with no wait when the worker is idle.
 */
const IN_FLIGHT_MAX = 2;

/**
 * Voucher signatures verified on one worker thread, in batches: every
 * signature asked for during one turn of the event loop goes to the worker
 * in one message (one wake-up), and all answers of a batch come back in one
 * (one wake-up), instead of a thread-pool task and a completion per voucher.
 * At most `IN_FLIGHT_MAX` batches are out at a time; what arrives meanwhile
 * makes the next batch.
 * The second core does the ~70 µs of P-256 arithmetic per voucher; the event
 * loop's share is copying the signed bytes into the batch.
 *
 * If the worker fails or exits, the signatures it held and every later one
 * are verified inline (node:crypto, same answers): a failure never accepts
 * a voucher and never refuses a valid one.
 */
export class BatchedSignatureVerifier {
  #worker: Worker | undefined;
  #failed = false;
  #queue: Job[] = [];
  /** Batches sent and not answered, oldest first (a port delivers in order). */
  readonly #inFlight: Job[][] = [];
  #flushScheduled = false;
  readonly #flush = () => {
    this.#flushScheduled = false;
    this.#send();
  };

  /**
   * Calls `done` (later, never synchronously unless the worker failed) with
   * whether `signature` (DER for ES256) is `alg`'s signature of `data`
   * (latin1) by `key`, whose SPKI DER is `keyDer`.
   */
  verify(
    alg: SigningAlgorithm,
    key: KeyObject,
    keyDer: Buffer,
    data: string,
    signature: Buffer,
    done: (ok: boolean) => void,
  ): void {
    const job: Job = { alg, key, keyDer, data, signature, done };
    if (this.#failed) {
      done(verifyInline(job));
      return;
    }
    this.#queue.push(job);
    if (this.#queue.length >= BATCH_MAX) {
      this.#send();
      return;
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      // After the poll phase: the batch holds every voucher read in this turn of the loop.
      setImmediate(this.#flush);
    }
  }

  /** Stops the worker; signatures still out are verified inline. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#fail();
    await worker?.terminate();
  }

  #send(): void {
    while (this.#queue.length > 0 && (this.#failed || this.#inFlight.length < IN_FLIGHT_MAX)) {
      const jobs = this.#queue.length <= BATCH_MAX ? this.#queue : this.#queue.slice(0, BATCH_MAX);
      this.#queue = jobs === this.#queue ? [] : this.#queue.slice(BATCH_MAX);
      const worker = this.#failed ? undefined : this.#ensureWorker();
      if (worker === undefined) {
        for (const job of jobs) job.done(verifyInline(job));
        continue;
      }
      const batch = encodeBatch(jobs);
      if (this.#inFlight.length === 0) worker.ref();
      this.#inFlight.push(jobs);
      worker.postMessage(batch, [batch]);
    }
  }

  #ensureWorker(): Worker | undefined {
    if (this.#worker !== undefined) return this.#worker;
    try {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.unref();
      worker.on('message', (results: Uint8Array) => this.#answer(results));
      worker.on('error', () => this.#fail());
      worker.on('exit', () => this.#fail());
      this.#worker = worker;
      return worker;
    } catch {
      this.#failed = true;
      return undefined;
    }
  }

  #answer(results: Uint8Array): void {
    const jobs = this.#inFlight.shift();
    if (jobs === undefined) return;
    if (this.#inFlight.length === 0) this.#worker?.unref();
    if (this.#queue.length > 0 && !this.#flushScheduled) this.#send();
    const valid = results.length === jobs.length;
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i] as Job;
      // A short answer is a broken worker: check inline rather than trust or refuse.
      job.done(valid ? results[i] === 1 : verifyInline(job));
    }
  }

  /** The worker is gone: what it held, and everything from now on, is verified inline. */
  #fail(): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#worker?.unref();
    this.#worker = undefined;
    const held = this.#inFlight.splice(0);
    for (const jobs of held) for (const job of jobs) job.done(verifyInline(job));
    // Those waiting for a batch to come back go now too (inline).
    this.#send();
  }
}

function encodeBatch(jobs: readonly Job[]): ArrayBuffer {
  let size = 4;
  for (const job of jobs) size += HEAD_BYTES + job.keyDer.length + job.data.length + job.signature.length;
  const bytes = Buffer.from(new ArrayBuffer(size));
  bytes.writeUInt32BE(jobs.length, 0);
  let at = 4;
  for (const job of jobs) {
    bytes[at] = job.alg === 'ES256' ? 1 : 2;
    bytes.writeUInt16BE(job.keyDer.length, at + 1);
    bytes.writeUInt32BE(job.data.length, at + 3);
    bytes.writeUInt16BE(job.signature.length, at + 7);
    at += HEAD_BYTES;
    at += job.keyDer.copy(bytes, at);
    at += bytes.write(job.data, at, 'latin1');
    at += job.signature.copy(bytes, at);
  }
  return bytes.buffer as ArrayBuffer;
}

function verifyInline(job: Job): boolean {
  try {
    return verify(
      job.alg === 'ES256' ? 'sha256' : null,
      Buffer.from(job.data, 'latin1'),
      job.key,
      job.signature,
    );
  } catch {
    return false;
  }
}

let shared: BatchedSignatureVerifier | undefined;

/** The process's one batched verifier (its worker starts with the first signature). */
export function sharedSignatureVerifier(): BatchedSignatureVerifier {
  shared ??= new BatchedSignatureVerifier();
  return shared;
}
