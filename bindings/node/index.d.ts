// Type declarations for pnng (Node.js bindings over libpnng).
/// <reference types="node" />

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

/** Options of the blocking (*Sync) calls. */
export interface SyncOptions {
  /** false: fail with TryAgain instead of waiting. Default true. */
  block?: boolean;
}

/** Options every socket constructor accepts. */
export interface SocketOptions {
  listen?: string;
  dial?: string;
  /** How the `dial` option dials; see Socket.dial. */
  blockOnDial?: boolean;
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
  /** Starts a dialer from createDialer; block as in Socket.dial. */
  start(options?: { block?: boolean }): void;
}

/** Returned by Socket.listen / createListener (pynng.Listener). */
export class Listener extends Endpoint {
  start(): void;
  /** The bound TCP port (tcp-bound-port), e.g. after listening on port 0. */
  readonly port: number;
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
  sendMsg(msg: Message, options?: OpOptions): Promise<void>;
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
  sendMsg(msg: Message, options?: OpOptions): Promise<void>;
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

/**
 * Base class of the protocol sockets; never instantiated directly. It is a Node EventEmitter that
 * emits the pipe events; note that `listeners` is pynng's list of Listener objects, so use
 * `rawListeners(event)` to get event handlers.
 */
export abstract class Socket implements AsyncIterable<Buffer> {
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
  /** Write-only: reading throws WriteOnly. */
  tlsConfig: TLSConfig;

  /** block: true = blocking; false = background retries; undefined = try blocking, then background. */
  dial(url: string, options?: { block?: boolean }): Dialer;
  listen(url: string, options?: { flags?: number }): Listener;
  createDialer(url: string): Dialer;
  createListener(url: string): Listener;
  readonly pipes: Pipe[];
  readonly dialers: Dialer[];
  readonly listeners: Listener[];

  send(data: BytesLike, options?: OpOptions): Promise<void>;
  recv(options?: OpOptions): Promise<Buffer>;
  recvMsg(options?: OpOptions): Promise<Message>;
  sendMsg(msg: Message, options?: OpOptions): Promise<void>;
  /** Blocking calls: they block the event loop (scripts only). */
  sendSync(data: BytesLike, options?: SyncOptions): void;
  recvSync(options?: SyncOptions): Buffer;
  recvMsgSync(options?: SyncOptions): Message;
  sendMsgSync(msg: Message, options?: SyncOptions): void;

  newContext(): Context;
  getOption(name: string, type?: OptionType): OptionValue;
  setOption(name: string, value: OptionValue | BytesLike | TLSConfig, type?: Exclude<OptionType, 'addr'> | 'bytes'): void;

  /** Closes the socket; pending operations reject with Closed. Idempotent. */
  close(): void;
  [Symbol.asyncIterator](): AsyncIterator<Buffer>;
  [Symbol.dispose](): void;
  [Symbol.asyncDispose](): Promise<void>;

  // EventEmitter surface (pipe events)
  on(event: PipeEvent, listener: (pipe: Pipe) => void): this;
  addListener(event: PipeEvent, listener: (pipe: Pipe) => void): this;
  once(event: PipeEvent, listener: (pipe: Pipe) => void): this;
  prependListener(event: PipeEvent, listener: (pipe: Pipe) => void): this;
  off(event: PipeEvent, listener: (pipe: Pipe) => void): this;
  removeListener(event: PipeEvent, listener: (pipe: Pipe) => void): this;
  removeAllListeners(event?: PipeEvent): this;
  emit(event: PipeEvent, pipe: Pipe): boolean;
  listenerCount(event: PipeEvent): number;
  rawListeners(event: PipeEvent): Array<(pipe: Pipe) => void>;
  eventNames(): Array<string | symbol>;
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

/** Any error from libpnng: `.code` is the number, `.name` pynng's exception name. */
export class PnngError extends Error {
  constructor(code: number, message?: string);
  readonly code: number;
  name: string;
  /** ESYSERR range: the system errno. */
  errno?: number;
  /** ETRANERR range: the transport error. */
  transportError?: number;
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

/** Error codes (PNNG_E*). */
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
