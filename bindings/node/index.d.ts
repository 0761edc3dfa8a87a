// Type declarations for pnng (Node.js bindings over libpnng).
/// <reference types="node" />
import { EventEmitter } from 'node:events';

/** Bytes accepted wherever data is sent. Strings are refused (encode them first), as in pynng. */
export type BytesLike = Buffer | ArrayBufferView | ArrayBuffer | SharedArrayBuffer;
/** A subscription topic: a string is UTF-8 encoded, bytes are taken as they are. */
export type Topic = string | BytesLike;
/** Option value types understood by getOption / setOption. */
export type OptionType = 'int' | 'ms' | 'size' | 'bool' | 'string' | 'addr';
export type OptionValue = number | bigint | boolean | string | SockAddr;

/** Options of every asynchronous send / recv. */
export interface OpOptions {
  /** Cancels the operation; the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** Per-operation timeout in ms (overrides the socket's recvTimeout/sendTimeout); -1 = none. */
  timeout?: number;
}

/** Options of sendMsg. */
export interface SendMsgOptions extends OpOptions {
  /**
   * true: the Message's contents go with the send, as a transferred ArrayBuffer does. A received
   * Message nothing has read is sent as it came (no copy at any size); any other sends a copy of
   * its bytes. Either way the Message is left empty (`bytes` has length 0) and cannot be sent
   * again (TypeError), also when the send fails. Default false: the Message is copied and stays.
   */
  transfer?: boolean;
}

/** Options of the blocking (*Sync) calls. */
export interface SyncOptions {
  /** false: fail with TryAgain instead of waiting. Default true. */
  block?: boolean;
}

/** Options every socket constructor accepts. */
export interface SocketOptions {
  listen?: string;
  /** Dials at once, in the background (see Socket.dial). */
  dial?: string;
  /** Only `false` (the default) is accepted: a constructor cannot wait without blocking the event loop. */
  blockOnDial?: false;
  recvTimeout?: number;
  sendTimeout?: number;
  recvBufferSize?: number;
  sendBufferSize?: number;
  recvMaxSize?: number;
  reconnectTimeMin?: number;
  reconnectTimeMax?: number;
  name?: string;
  tlsConfig?: TLSConfig;
  /** Open the raw variant of the protocol (for devices). */
  raw?: boolean;
}

export interface Pair1Options extends SocketOptions {
  polyamorous?: boolean;
}
export interface Req0Options extends SocketOptions {
  resendTime?: number;
}
export interface Sub0Options extends SocketOptions {
  topics?: Topic | Iterable<Topic>;
}
export interface Surveyor0Options extends SocketOptions {
  surveyTime?: number;
}

export type PipeEvent = 'pipeAddPre' | 'pipeAddPost' | 'pipeRemovePost';

/** A socket address (pynng's SockAddr classes in one). */
export class SockAddr {
  private constructor();
  /** PNNG_AF_* number. */
  readonly family: number;
  readonly familyName: 'unspec' | 'inproc' | 'ipc' | 'inet' | 'inet6' | 'zt' | 'abstract' | string;
  /** inet / inet6: the textual address. */
  readonly address?: string;
  /** inet / inet6 / zt: the port (host byte order). */
  readonly port?: number;
  readonly scopeId?: number;
  /** inproc name, ipc path, abstract name. */
  readonly path?: string;
  readonly pathBytes?: Buffer;
  readonly nwid?: number | bigint;
  readonly nodeId?: number | bigint;
  /** "tcp://127.0.0.1:5555", "ipc:///tmp/x", "inproc://name", ... */
  toString(): string;
}

/** TLS configuration (pynng.TLSConfig). */
export interface TLSConfigOptions {
  mode?: number;
  serverName?: string;
  caString?: string;
  ownCertString?: string;
  ownKeyString?: string;
  authMode?: number;
  caFiles?: string | string[];
  certKeyFile?: string;
  passwd?: string;
}
export class TLSConfig {
  static readonly MODE_CLIENT: 0;
  static readonly MODE_SERVER: 1;
  static readonly AUTH_MODE_NONE: 0;
  static readonly AUTH_MODE_OPTIONAL: 1;
  static readonly AUTH_MODE_REQUIRED: 2;
  constructor(mode: number, options?: TLSConfigOptions);
  constructor(options: TLSConfigOptions & { mode: number });
  readonly mode: number;
  setServerName(name: string): void;
  setCaChain(pem: string, crl?: string | null): void;
  setOwnCert(cert: string, key: string, passwd?: string | null): void;
  setAuthMode(mode: number): void;
  addCaFile(path: string): void;
  setCertKeyFile(path: string, passwd?: string | null): void;
  /** Drops this object's reference; sockets it was applied to keep theirs. Idempotent. */
  close(): void;
  [Symbol.dispose](): void;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A received (or to-be-sent) message. Immutable copy of the bytes. */
export class Message {
  constructor(data: BytesLike, pipe?: Pipe | null);
  bytes: Buffer;
  /** Same as bytes (pynng spelling). */
  readonly data: Buffer;
  /** The pipe it came from (received) or the only pipe it goes to (sendMsg). */
  pipe: Pipe | null;
  /** Protocol header (raw sockets). */
  header: Buffer;
  /** The body's length; does not read the body of a received Message nothing has read. */
  readonly byteLength: number;
  /**
   * Gives the contents up now (a received Message's native message is reused at once, not when
   * the garbage collector collects it): the Message is then empty and cannot be sent. Idempotent.
   */
  free(): void;
  [Symbol.dispose](): void;
}

declare abstract class Endpoint {
  protected constructor();
  readonly socket: Socket;
  readonly id: number;
  reconnectTimeMin: number;
  reconnectTimeMax: number;
  recvMaxSize: number;
  readonly url: string;
  readonly localAddress: SockAddr;
  readonly remoteAddress: SockAddr;
  readonly peer: number;
  readonly peerName: string;
  tcpNodelay: boolean;
  tcpKeepalive: boolean;
  /** Write-only: reading throws WriteOnly. */
  tlsConfig: TLSConfig;
  /** TLS endpoint options (write-only; set them before start(), else Busy). */
  tlsCaFile: string;
  tlsCertKeyFile: string;
  tlsAuthMode: number;
  tlsServerName: string;
  getOption(name: string, type?: OptionType): OptionValue;
  setOption(name: string, value: OptionValue | TLSConfig, type?: OptionType): void;
  /** Closes the endpoint. Idempotent. */
  close(): void;
  [Symbol.dispose](): void;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Returned by Socket.dial / createDialer (pynng.Dialer). */
export class Dialer extends Endpoint {
  /**
   * Starts a dialer from createDialer, as Socket.dial does: returns at once and connects in the
   * background; `{ block: true }` returns a promise settled by the first connection attempt.
   */
  start(options: { block: true }): Promise<void>;
  start(options?: { block?: false }): void;
  /** Blocking start (blocks the event loop): block as in Socket.dialSync. */
  startSync(options?: { block?: boolean }): void;
}

/** Returned by Socket.listen / createListener (pynng.Listener). */
export class Listener extends Endpoint {
  start(): void;
  /** The bound TCP port (tcp-bound-port), e.g. after listening on port 0. */
  readonly port: number;
  /** A tcp:// listener's accept queue (tcp-listen-backlog; default: the system's limit). */
  tcpListenBacklog: number;
}

/** One connection (pynng.Pipe). */
export class Pipe {
  private constructor();
  readonly socket: Socket;
  readonly id: number;
  /** True after close() was called on this object. */
  readonly closed: boolean;
  readonly localAddress: SockAddr;
  readonly remoteAddress: SockAddr;
  readonly url: string;
  readonly protocol: number;
  readonly protocolName: string;
  readonly peer: number;
  readonly peerName: string;
  readonly tcpNodelay: boolean;
  readonly tcpKeepalive: boolean;
  /** TLS pipes: whether the peer's certificate was verified, and its common name. */
  readonly tlsVerified: boolean;
  readonly tlsPeerCn: string;
  /** The Dialer that made this pipe, or null. */
  readonly dialer: Dialer | null;
  /** The Listener that accepted this pipe, or null. */
  readonly listener: Listener | null;
  send(data: BytesLike, options?: OpOptions): Promise<void>;
  sendSync(data: BytesLike, options?: SyncOptions): void;
  sendMsg(msg: Message, options?: SendMsgOptions): Promise<void>;
  close(): void;
  getOption(name: string, type?: OptionType): OptionValue;
}

/** A protocol context (pynng.Context), from Socket.newContext(). */
export class Context implements AsyncIterable<Buffer> {
  private constructor();
  readonly socket: Socket;
  readonly id: number;
  readonly closed: boolean;
  recvTimeout: number;
  sendTimeout: number;
  send(data: BytesLike, options?: OpOptions): Promise<void>;
  recv(options?: OpOptions): Promise<Buffer>;
  recvMsg(options?: OpOptions): Promise<Message>;
  /**
   * Receives the next message's bytes into `buffer`, reused by the caller: resolves to
   * `buffer.subarray(0, length)` (as a Buffer), or, for a message longer than `buffer`, to a new
   * Buffer holding all of it (never truncated, never lost). The bytes stay until the next
   * receive into `buffer`.
   */
  recvInto(buffer: Uint8Array, options?: OpOptions): Promise<Buffer>;
  sendMsg(msg: Message, options?: SendMsgOptions): Promise<void>;
  sendSync(data: BytesLike, options?: SyncOptions): void;
  recvSync(options?: SyncOptions): Buffer;
  recvMsgSync(options?: SyncOptions): Message;
  /** Sub0 contexts only. */
  subscribe(topic: Topic): void;
  unsubscribe(topic: Topic): void;
  getOption(name: string, type?: OptionType): OptionValue;
  setOption(name: string, value: OptionValue, type?: Exclude<OptionType, 'addr'>): void;
  close(): void;
  [Symbol.asyncIterator](): AsyncIterator<Buffer>;
  [Symbol.dispose](): void;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The events a Socket emits, each with the Pipe concerned. */
export interface SocketEvents {
  pipeAddPre: [pipe: Pipe];
  pipeAddPost: [pipe: Pipe];
  pipeRemovePost: [pipe: Pipe];
}

/**
 * Base class of the protocol sockets; never instantiated directly. A Node EventEmitter that emits
 * the pipe events. pynng's `Socket.listeners` list is `listenerList()` here (`listeners` is
 * EventEmitter's).
 */
export abstract class Socket extends EventEmitter<SocketEvents> implements AsyncIterable<Buffer> {
  protected constructor(options?: SocketOptions);
  readonly id: number;
  readonly closed: boolean;

  recvTimeout: number;
  sendTimeout: number;
  recvBufferSize: number;
  sendBufferSize: number;
  recvMaxSize: number;
  reconnectTimeMin: number;
  reconnectTimeMax: number;
  name: string;
  readonly raw: boolean;
  readonly protocol: number;
  readonly protocolName: string;
  readonly peer: number;
  readonly peerName: string;
  ttlMax: number;
  readonly recvFd: number;
  readonly sendFd: number;
  tcpNodelay: boolean;
  tcpKeepalive: boolean;
  /** Accept queue of tcp:// listeners started later (tcp-listen-backlog). */
  tcpListenBacklog: number;
  /** Write-only: reading throws WriteOnly. */
  tlsConfig: TLSConfig;

  /**
   * Dials at once: the connection proceeds in the background, retried until it succeeds (a failure
   * is reported once with process.emitWarning, type 'PnngWarning'). `{ block: true }` returns a
   * promise for the Dialer, settled when the first connection is up (rejected, naming the URL, if
   * it fails); it waits off the event loop.
   */
  dial(url: string, options: { block: true }): Promise<Dialer>;
  dial(url: string, options?: { block?: false }): Dialer;
  /**
   * Blocking dial (blocks the event loop; scripts only), pynng's dial(url, block): true = wait,
   * throw on failure; false = background; undefined = try blocking, then go on in the background.
   */
  dialSync(url: string, options?: { block?: boolean }): Dialer;
  listen(url: string, options?: { flags?: number }): Listener;
  createDialer(url: string): Dialer;
  createListener(url: string): Listener;
  /** The live connections, each started by the protocol: a message sent once n are listed can reach all n peers. */
  readonly pipes: Pipe[];
  readonly dialers: Dialer[];
  /** pynng's `Socket.listeners` (the name `listeners` is EventEmitter's). */
  listenerList(): Listener[];

  send(data: BytesLike, options?: OpOptions): Promise<void>;
  recv(options?: OpOptions): Promise<Buffer>;
  recvMsg(options?: OpOptions): Promise<Message>;
  /**
   * Receives the next message's bytes into `buffer`, reused by the caller: resolves to
   * `buffer.subarray(0, length)` (as a Buffer), or, for a message longer than `buffer`, to a new
   * Buffer holding all of it (never truncated, never lost). The bytes stay until the next
   * receive into `buffer`.
   */
  recvInto(buffer: Uint8Array, options?: OpOptions): Promise<Buffer>;
  sendMsg(msg: Message, options?: SendMsgOptions): Promise<void>;
  /** Blocking calls: they block the event loop (scripts only). */
  sendSync(data: BytesLike, options?: SyncOptions): void;
  recvSync(options?: SyncOptions): Buffer;
  recvMsgSync(options?: SyncOptions): Message;
  sendMsgSync(msg: Message, options?: SyncOptions & { transfer?: boolean }): void;

  newContext(): Context;
  getOption(name: string, type?: OptionType): OptionValue;
  setOption(name: string, value: OptionValue | BytesLike | TLSConfig, type?: Exclude<OptionType, 'addr'> | 'bytes'): void;

  /** Closes the socket; pending operations reject with Closed. Idempotent. */
  close(): void;
  [Symbol.asyncIterator](): AsyncIterator<Buffer>;
  [Symbol.dispose](): void;
  [Symbol.asyncDispose](): Promise<void>;
}

export class Pair0 extends Socket {
  constructor(options?: SocketOptions);
}
export class Pair1 extends Socket {
  constructor(options?: Pair1Options);
  readonly polyamorous: boolean;
}
export class Req0 extends Socket {
  constructor(options?: Req0Options);
  resendTime: number;
}
export class Rep0 extends Socket {
  constructor(options?: SocketOptions);
}
export class Pub0 extends Socket {
  constructor(options?: SocketOptions);
}
export class Sub0 extends Socket {
  constructor(options?: Sub0Options);
  subscribe(topic: Topic): void;
  unsubscribe(topic: Topic): void;
}
export class Push0 extends Socket {
  constructor(options?: SocketOptions);
}
export class Pull0 extends Socket {
  constructor(options?: SocketOptions);
}
export class Surveyor0 extends Socket {
  constructor(options?: Surveyor0Options);
  surveyTime: number;
}
export class Respondent0 extends Socket {
  constructor(options?: SocketOptions);
}
export class Bus0 extends Socket {
  constructor(options?: SocketOptions);
}

/** NNG's error names: the string `code` of a PnngError. */
export type ErrorCode = Exclude<keyof typeof codes, 'ESYSERR' | 'ETRANERR'> | 'ESYSERR' | 'ETRANERR' | 'EUNKNOWN';

/**
 * Any error from libpnng, in Node's shape: `.code` is NNG's error name ('ETIMEDOUT', 'ECLOSED',
 * ...), `.errno` the number (`codes.*`), `.name` pynng's exception name ('Timeout', ...).
 */
export class PnngError extends Error {
  constructor(errno: number, message?: string, info?: { op?: string; url?: string });
  readonly code: ErrorCode;
  readonly errno: number;
  name: string;
  /** What the failed operation was ('dial', 'listen'), when it was about an address. */
  readonly op?: string;
  /** The URL the failed operation was about (dial, listen, createDialer, createListener, start). */
  readonly url?: string;
  /** ESYSERR range: the system errno. */
  readonly systemErrno?: number;
  /** ETRANERR range: the transport error. */
  readonly transportError?: number;
}
/** Rejection reason of an operation cancelled through an AbortSignal. */
export class AbortError extends Error {
  constructor(message?: string, options?: { cause?: unknown });
  readonly code: 'ABORT_ERR';
}

export class Interrupted extends PnngError {}
export class NoMemory extends PnngError {}
export class InvalidOperation extends PnngError {}
export class Busy extends PnngError {}
export class Timeout extends PnngError {}
export class ConnectionRefused extends PnngError {}
export class Closed extends PnngError {}
export class TryAgain extends PnngError {}
export class NotSupported extends PnngError {}
export class AddressInUse extends PnngError {}
export class BadState extends PnngError {}
export class NoEntry extends PnngError {}
export class ProtocolError extends PnngError {}
export class DestinationUnreachable extends PnngError {}
export class AddressInvalid extends PnngError {}
export class PermissionDenied extends PnngError {}
export class MessageTooLarge extends PnngError {}
export class ConnectionAborted extends PnngError {}
export class ConnectionReset extends PnngError {}
export class Canceled extends PnngError {}
export class OutOfFiles extends PnngError {}
export class OutOfSpace extends PnngError {}
export class AlreadyExists extends PnngError {}
export class ReadOnly extends PnngError {}
export class WriteOnly extends PnngError {}
export class CryptoError extends PnngError {}
export class AuthenticationError extends PnngError {}
export class NoArgument extends PnngError {}
export class Ambiguous extends PnngError {}
export class BadType extends PnngError {}
export class ConnectionShutdown extends PnngError {}
export class Internal extends PnngError {}
export class SystemError extends PnngError {}
export class TransportError extends PnngError {}
export class UnknownError extends PnngError {}

/** The error classes by pynng name. */
export const errors: Readonly<Record<string, typeof PnngError>>;

/** Error numbers (PNNG_E*), the `errno` of a PnngError. */
export const codes: Readonly<{
  EINTR: 1; ENOMEM: 2; EINVAL: 3; EBUSY: 4; ETIMEDOUT: 5; ECONNREFUSED: 6; ECLOSED: 7; EAGAIN: 8;
  ENOTSUP: 9; EADDRINUSE: 10; ESTATE: 11; ENOENT: 12; EPROTO: 13; EUNREACHABLE: 14; EADDRINVAL: 15;
  EPERM: 16; EMSGSIZE: 17; ECONNABORTED: 18; ECONNRESET: 19; ECANCELED: 20; ENOFILES: 21; ENOSPC: 22;
  EEXIST: 23; EREADONLY: 24; EWRITEONLY: 25; ECRYPTO: 26; EPEERAUTH: 27; ENOARG: 28; EAMBIGUOUS: 29;
  EBADTYPE: 30; ECONNSHUT: 31; EINTERNAL: 1000; ESYSERR: 0x10000000; ETRANERR: 0x20000000;
}>;

/** pynng exception name for a code ('Timeout', 'SystemError', ...). */
export function errorName(code: number): string;
/** The library's message for a code. */
export function strerror(code: number): string;

export const constants: Readonly<{
  FLAG_NONBLOCK: number;
  DIAL_FALLBACK: number;
  DURATION_INFINITE: number;
  DURATION_DEFAULT: number;
  DURATION_ZERO: number;
  PIPE_EV_ADD_PRE: number;
  PIPE_EV_ADD_POST: number;
  PIPE_EV_REM_POST: number;
  TLS_MODE_CLIENT: number;
  TLS_MODE_SERVER: number;
  TLS_AUTH_MODE_NONE: number;
  TLS_AUTH_MODE_OPTIONAL: number;
  TLS_AUTH_MODE_REQUIRED: number;
  AF_UNSPEC: number;
  AF_INPROC: number;
  AF_IPC: number;
  AF_INET: number;
  AF_INET6: number;
  AF_ZT: number;
  AF_ABSTRACT: number;
  [name: string]: number;
}>;

/** NNG's option names (the PNNG_OPT_* macros without the prefix), e.g. options.RECVTIMEO === 'recv-timeout'. */
export const options: Readonly<Record<string, string>>;

/** Forwards between two raw sockets on a worker thread; resolves when one of them closes. */
export function device(a: Socket, b: Socket): Promise<void>;
/** "pnng X.Y.Z (NNG 1.12.0)". */
export function version(): string;
/** The libpnng file that was loaded. */
export const libraryPath: string;
