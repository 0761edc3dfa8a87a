'use strict';
// Low-level binding: locates libpnng, declares its types and functions with koffi.
// Nothing here holds state beyond the loaded library; lib/*.js build the object model on top.

const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');

const LIB_EXT = process.platform === 'win32' ? 'dll' : process.platform === 'darwin' ? 'dylib' : 'so';
const LIB_FILE = process.platform === 'win32' ? 'pnng.dll' : `libpnng.${LIB_EXT}`;
const SYSTEM_NAME =
  process.platform === 'win32' ? 'pnng.dll' : process.platform === 'darwin' ? 'libpnng.0.dylib' : 'libpnng.so.0';

/**
 * Where the library is looked for, in order: $PNNG_LIBRARY (alone, if set), the prebuilt library
 * shipped in the npm package (prebuilds/<platform>-<arch>/), the release build of a source
 * checkout this package sits in, the system library path.
 */
function candidates() {
  if (process.env.PNNG_LIBRARY) return [{ file: process.env.PNNG_LIBRARY, why: 'PNNG_LIBRARY', only: true }];
  const pkgDir = path.resolve(__dirname, '..');
  return [
    { file: path.join(pkgDir, 'prebuilds', `${process.platform}-${process.arch}`, LIB_FILE), why: 'prebuilt in the package', mustExist: true },
    { file: path.resolve(pkgDir, '..', '..', 'target', 'release', LIB_FILE), why: 'source checkout release build', mustExist: true },
    { file: SYSTEM_NAME, why: 'system library path' },
  ];
}

function loadLibrary() {
  const errors = [];
  for (const c of candidates()) {
    if (c.mustExist && !fs.existsSync(c.file)) {
      errors.push(`${c.file} (${c.why}): not found`);
      continue;
    }
    try {
      const lib = koffi.load(c.file);
      return { lib, file: c.file };
    } catch (e) {
      errors.push(`${c.file} (${c.why}): ${e.message}`);
      if (c.only) break;
    }
  }
  const err = new Error('pnng: cannot load libpnng; tried:\n  ' + errors.join('\n  ') +
    '\nSet PNNG_LIBRARY to the full path of libpnng.so.');
  err.code = 'PNNG_LIBRARY_NOT_FOUND';
  throw err;
}

const { lib, file: libraryPath } = loadLibrary();

// ---- types -------------------------------------------------------------------------------------
const handle = (name) => koffi.struct(name, { id: 'uint32_t' });
handle('pnng_socket');
handle('pnng_dialer');
handle('pnng_listener');
handle('pnng_pipe');
handle('pnng_ctx');
koffi.opaque('pnng_msg');
koffi.opaque('pnng_aio');
koffi.opaque('pnng_cq');
koffi.opaque('pnng_tls_config');
koffi.opaque('pnng_stats');
const SockAddr = koffi.struct('pnng_sockaddr', {
  family: 'uint16_t',
  port: 'uint16_t',
  scope_id: 'uint32_t',
  addr: koffi.array('uint8_t', 16, 'Typed'),
  zt_nwid: 'uint64_t',
  zt_nodeid: 'uint64_t',
  path_len: 'size_t',
  path: koffi.array('uint8_t', 128, 'Typed'),
});

// ---- functions: the one table of C declarations --------------------------------------------------
// Every function the binding calls is declared here, once (test/meta.test.js checks each against
// include/pnng.h: name and parameter count). Two spellings are used:
// - the hot path (aio, cq, msg: lib/cq.js, lib/messages.js) passes a handle `struct { uint32_t id }`
//   as a plain uint32_t (same ABI on every platform koffi supports; koffi's struct conversion costs
//   ~60 ns more per call) and writes out-parameters into preallocated typed arrays through `void *`
//   (koffi's _Out_ arrays allocate per call);
// - everything else uses the header's own types with koffi's _Out_ parameters.
const PROTOCOLS = ['pair0', 'pair1', 'req0', 'rep0', 'pub0', 'sub0', 'push0', 'pull0', 'surveyor0', 'respondent0', 'bus0'];

const DECLS = {};
for (const p of PROTOCOLS) {
  DECLS[`${p}_open`] = `int pnng_${p}_open(_Out_ pnng_socket *out)`;
  DECLS[`${p}_open_raw`] = `int pnng_${p}_open_raw(_Out_ pnng_socket *out)`;
}
Object.assign(DECLS, {
  pair1_open_poly: 'int pnng_pair1_open_poly(_Out_ pnng_socket *out)',

  socket_close: 'int pnng_socket_close(pnng_socket s)',
  socket_listen: 'int pnng_socket_listen(pnng_socket s, const char *url, int flags, _Out_ pnng_listener *out)',
  socket_dial: 'int pnng_socket_dial(pnng_socket s, const char *url, int flags, _Out_ pnng_dialer *out)',
  socket_send: 'int pnng_socket_send(uint32_t s, const void *data, size_t len, int flags)',
  socket_recv: 'int pnng_socket_recv(uint32_t s, void *buf, size_t cap, int flags, void *len_out)',
  socket_recv_msg: 'int pnng_socket_recv_msg(uint32_t s, int flags, void *msg_out)',
  socket_send_msg: 'int pnng_socket_send_msg(uint32_t s, void *msg, int flags)',
  socket_pipes: 'int pnng_socket_pipes(pnng_socket s, _Out_ pnng_pipe *buf, size_t cap, _Out_ size_t *len)',
  socket_dialers: 'int pnng_socket_dialers(pnng_socket s, _Out_ pnng_dialer *buf, size_t cap, _Out_ size_t *len)',
  socket_listeners: 'int pnng_socket_listeners(pnng_socket s, _Out_ pnng_listener *buf, size_t cap, _Out_ size_t *len)',
  socket_new_context: 'int pnng_socket_new_context(pnng_socket s, _Out_ pnng_ctx *out)',
  socket_set_bytes: 'int pnng_socket_set_bytes(pnng_socket s, const char *opt, const void *data, size_t len)',
  socket_set_tls: 'int pnng_socket_set_tls(pnng_socket s, pnng_tls_config *cfg)',
  socket_pipe_notify_cq: 'int pnng_socket_pipe_notify_cq(pnng_socket s, int ev, pnng_cq *cq, void *userdata)',
  socket_send_aio: 'int pnng_socket_send_aio(uint32_t s, void *aio)',
  socket_recv_aio: 'int pnng_socket_recv_aio(uint32_t s, void *aio)',
  sub0_subscribe: 'int pnng_sub0_subscribe(pnng_socket s, const void *topic, size_t len)',
  sub0_unsubscribe: 'int pnng_sub0_unsubscribe(pnng_socket s, const void *topic, size_t len)',
  sub0_ctx_subscribe: 'int pnng_sub0_ctx_subscribe(pnng_ctx c, const void *topic, size_t len)',
  sub0_ctx_unsubscribe: 'int pnng_sub0_ctx_unsubscribe(pnng_ctx c, const void *topic, size_t len)',
  device: 'int pnng_device(pnng_socket a, pnng_socket b)',

  dialer_create: 'int pnng_dialer_create(pnng_socket s, const char *url, _Out_ pnng_dialer *out)',
  dialer_start: 'int pnng_dialer_start(pnng_dialer d, int flags)',
  dialer_close: 'int pnng_dialer_close(pnng_dialer d)',
  dialer_set_tls: 'int pnng_dialer_set_tls(pnng_dialer d, pnng_tls_config *cfg)',
  dialer_stats: 'int pnng_dialer_stats(pnng_dialer d, _Out_ pnng_stats **out)',
  listener_create: 'int pnng_listener_create(pnng_socket s, const char *url, _Out_ pnng_listener *out)',
  listener_start: 'int pnng_listener_start(pnng_listener l, int flags)',
  listener_close: 'int pnng_listener_close(pnng_listener l)',
  listener_set_tls: 'int pnng_listener_set_tls(pnng_listener l, pnng_tls_config *cfg)',
  stats_find: 'int pnng_stats_find(pnng_stats *st, const char *name, _Out_ uint64_t *out)',
  stats_free: 'void pnng_stats_free(pnng_stats *st)',

  pipe_send_aio: 'int pnng_pipe_send_aio(uint32_t p, void *aio)',
  pipe_send: 'int pnng_pipe_send(pnng_pipe p, const void *data, size_t len, int flags)',
  pipe_dialer: 'int pnng_pipe_dialer(pnng_pipe p, _Out_ pnng_dialer *out)',
  pipe_listener: 'int pnng_pipe_listener(pnng_pipe p, _Out_ pnng_listener *out)',
  pipe_close: 'int pnng_pipe_close(pnng_pipe p)',

  ctx_close: 'int pnng_ctx_close(pnng_ctx c)',
  ctx_send: 'int pnng_ctx_send(pnng_ctx c, const void *data, size_t len, int flags)',
  ctx_recv_msg: 'int pnng_ctx_recv_msg(uint32_t c, int flags, void *msg_out)',
  ctx_send_aio: 'int pnng_ctx_send_aio(uint32_t c, void *aio)',
  ctx_recv_aio: 'int pnng_ctx_recv_aio(uint32_t c, void *aio)',

  msg_new: 'int pnng_msg_new(const void *data, size_t len, void *msg_out)',
  msg_body: 'void *pnng_msg_body(void *msg)',
  msg_len: 'size_t pnng_msg_len(void *msg)',
  msg_header: 'void *pnng_msg_header(void *msg)',
  msg_header_len: 'size_t pnng_msg_header_len(void *msg)',
  msg_pipe: 'int pnng_msg_pipe(void *msg, void *pipe_out)',
  msg_set_pipe: 'int pnng_msg_set_pipe(void *msg, uint32_t p)',
  msg_free: 'void pnng_msg_free(void *msg)',
  msg_append: 'int pnng_msg_append(void *msg, const void *data, size_t len)',
  msg_clear: 'int pnng_msg_clear(void *msg)',
  msg_header_clear: 'int pnng_msg_header_clear(void *msg)',

  aio_new_cq: 'int pnng_aio_new_cq(pnng_cq *cq, void *userdata, void *aio_out)',
  aio_free: 'void pnng_aio_free(void *aio)',
  aio_set_timeout: 'int pnng_aio_set_timeout(void *aio, int32_t ms)',
  aio_set_msg: 'int pnng_aio_set_msg(void *aio, void *msg)',
  aio_take_msg: 'int pnng_aio_take_msg(void *aio, void *msg_out)',
  aio_take_body: 'int pnng_aio_take_body(void *aio, void *buf, size_t cap, void *info)',
  aio_result: 'int pnng_aio_result(void *aio)',
  aio_cancel: 'void pnng_aio_cancel(void *aio)',

  cq_new: 'int pnng_cq_new(_Out_ pnng_cq **out)',
  cq_fd: 'int pnng_cq_fd(pnng_cq *cq, void *fd_out)',
  cq_pop: 'int pnng_cq_pop(pnng_cq *cq, void *aio_out, void *userdata_out)',
  cq_pop_pipe_event: 'int pnng_cq_pop_pipe_event(pnng_cq *cq, void *pipe_out, void *event_out, void *userdata_out)',
  cq_wait: 'int pnng_cq_wait(pnng_cq *cq, int32_t ms)',
  cq_hold: 'int pnng_cq_hold(pnng_cq *cq, bool hold)',
  // The hot path's option read: the id as uint32_t (same ABI), the name and the out-value as
  // preallocated buffers (lib/contexts.js, reply sockets' readiness).
  socket_get_bool_raw: 'int pnng_socket_get_bool(uint32_t s, const void *opt, void *out)',

  tls_config_new: 'int pnng_tls_config_new(int mode, _Out_ pnng_tls_config **out)',
  tls_config_server_name: 'int pnng_tls_config_server_name(pnng_tls_config *cfg, const char *name)',
  tls_config_ca_chain: 'int pnng_tls_config_ca_chain(pnng_tls_config *cfg, const char *pem, const char *crl)',
  tls_config_own_cert: 'int pnng_tls_config_own_cert(pnng_tls_config *cfg, const char *cert, const char *key, const char *pass)',
  tls_config_ca_file: 'int pnng_tls_config_ca_file(pnng_tls_config *cfg, const char *path)',
  tls_config_cert_key_file: 'int pnng_tls_config_cert_key_file(pnng_tls_config *cfg, const char *path, const char *pass)',
  tls_config_auth_mode: 'int pnng_tls_config_auth_mode(pnng_tls_config *cfg, int mode)',
  tls_config_free: 'void pnng_tls_config_free(pnng_tls_config *cfg)',

  sockaddr_format: 'int pnng_sockaddr_format(pnng_sockaddr *a, void *buf, size_t len)',
  strerror: 'const char *pnng_strerror(int err)',
  version: 'const char *pnng_version()',
  fini: 'void pnng_fini()',
  strfree: 'void pnng_strfree(void *s)',
});

// Option accessors for every object kind (pipe: getters only).
for (const obj of ['socket', 'dialer', 'listener', 'pipe', 'ctx']) {
  const H = `pnng_${obj}`;
  const getters = {
    ms: 'int32_t', int: 'int', size: 'size_t', bool: 'bool', string: 'void *', addr: 'pnng_sockaddr',
  };
  for (const [t, ty] of Object.entries(getters)) {
    DECLS[`${obj}_get_${t}`] = `int pnng_${obj}_get_${t}(${H} h, const char *opt, _Out_ ${ty} *out)`;
  }
  if (obj === 'pipe') continue;
  const setters = { ms: 'int32_t', int: 'int', size: 'size_t', bool: 'bool', string: 'const char *' };
  for (const [t, ty] of Object.entries(setters)) {
    DECLS[`${obj}_set_${t}`] = `int pnng_${obj}_set_${t}(${H} h, const char *opt, ${ty} v)`;
  }
}

/** The C function name a declaration binds. */
const cName = (proto) => /([A-Za-z0-9_]+)\s*\(/.exec(proto)[1];

// Optional symbols: the binding works without them (older libraries).
const OPTIONAL = new Set(['msg_header', 'msg_header_len', 'device', 'dialer_stats', 'stats_find', 'stats_free', 'cq_hold']);

const missing = [];
const F = {};
for (const [key, proto] of Object.entries(DECLS)) {
  try {
    F[key] = lib.func(proto);
  } catch (e) {
    const name = cName(proto);
    if (!OPTIONAL.has(key)) missing.push(name);
    const stub = () => {
      const err = new Error(`pnng: ${name} is not available in ${libraryPath} (${e.message})`);
      err.code = 'PNNG_SYMBOL_MISSING';
      throw err;
    };
    stub.async = (...args) => args[args.length - 1](stub());
    stub.missing = true;
    F[key] = stub;
  }
}
// libc's memcpy, resolved through libpnng's dependencies: copies a message body straight into a
// Buffer (~100 ns for 64 B, against ~2 us for koffi.view + slice + Buffer.from). Not part of pnng.
let memcpy = null;
try {
  memcpy = lib.func('void *memcpy(void *dst, const void *src, size_t n)');
} catch {
  memcpy = null;
}
// libc's poll(2), for the readiness probe of reply sockets (lib/contexts.js). Not part of pnng.
let poll = null;
try {
  poll = lib.func('int poll(void *fds, unsigned long nfds, int timeout)');
} catch {
  poll = null;
}

// ---- constants (contract values; checked against include/pnng.h by the tests) ------------------
const C = Object.freeze({
  FLAG_NONBLOCK: 2,
  DIAL_FALLBACK: 0x10000,
  DURATION_INFINITE: -1,
  DURATION_DEFAULT: -2,
  DURATION_ZERO: 0,
  PIPE_EV_ADD_PRE: 0,
  PIPE_EV_ADD_POST: 1,
  PIPE_EV_REM_POST: 2,
  TLS_MODE_CLIENT: 0,
  TLS_MODE_SERVER: 1,
  TLS_AUTH_MODE_NONE: 0,
  TLS_AUTH_MODE_OPTIONAL: 1,
  TLS_AUTH_MODE_REQUIRED: 2,
  AF_UNSPEC: 0,
  AF_INPROC: 1,
  AF_IPC: 2,
  AF_INET: 3,
  AF_INET6: 4,
  AF_ZT: 5,
  AF_ABSTRACT: 6,
  EAGAIN: 8,
  EMSGSIZE: 17,
  ECANCELED: 20,
  EBADTYPE: 30,
  ENOENT: 12,
  ECLOSED: 7,
  ETIMEDOUT: 5,
});

// NNG's worker threads run code from libpnng; when Node tears the process down it unloads the
// library while they still run (measured: ~30% of exits segfaulted). Stop NNG first, as pynng does
// with atexit(nng_fini). Only the main thread does this: a worker's exit must not stop NNG for the
// whole process.
if (require('node:worker_threads').isMainThread) {
  process.on('exit', () => {
    try {
      F.fini();
    } catch {
      /* exiting anyway */
    }
  });
}

module.exports = { koffi, lib, F, C, DECLS, cName, SockAddr, libraryPath, missing, memcpy, poll };
