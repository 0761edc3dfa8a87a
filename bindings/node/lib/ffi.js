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

/** Where the library is looked for, in order: $PNNG_LIBRARY, the in-tree release build, the system path. */
function candidates() {
  const out = [];
  if (process.env.PNNG_LIBRARY) return [{ file: process.env.PNNG_LIBRARY, why: 'PNNG_LIBRARY', only: true }];
  const pkgDir = path.resolve(__dirname, '..');
  out.push({ file: path.resolve(pkgDir, '..', '..', 'target', 'release', LIB_FILE), why: 'in-tree release build', mustExist: true });
  out.push({ file: SYSTEM_NAME, why: 'system library path' });
  return out;
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

// ---- functions ---------------------------------------------------------------------------------
const missing = [];
/** Declares one function; a symbol the library lacks becomes a stub that throws when called. */
function fn(proto) {
  try {
    return lib.func(proto);
  } catch (e) {
    const m = /([A-Za-z0-9_]+)\s*\(/.exec(proto);
    const name = m ? m[1] : proto;
    missing.push(name);
    const stub = () => {
      const err = new Error(`pnng: ${name} is not available in ${libraryPath} (${e.message})`);
      err.code = 'PNNG_SYMBOL_MISSING';
      throw err;
    };
    stub.async = (...args) => args[args.length - 1](stub());
    stub.missing = true;
    return stub;
  }
}

const F = {};
const PROTOS = ['pair0', 'pair1', 'req0', 'rep0', 'pub0', 'sub0', 'push0', 'pull0', 'surveyor0', 'respondent0', 'bus0'];
for (const p of PROTOS) {
  F[`${p}_open`] = fn(`int pnng_${p}_open(_Out_ pnng_socket *out)`);
  F[`${p}_open_raw`] = fn(`int pnng_${p}_open_raw(_Out_ pnng_socket *out)`);
}
F.pair1_open_poly = fn('int pnng_pair1_open_poly(_Out_ pnng_socket *out)');

Object.assign(F, {
  socket_close: fn('int pnng_socket_close(pnng_socket s)'),
  socket_id: fn('uint32_t pnng_socket_id(pnng_socket s)'),
  socket_listen: fn('int pnng_socket_listen(pnng_socket s, const char *url, int flags, _Out_ pnng_listener *out)'),
  socket_dial: fn('int pnng_socket_dial(pnng_socket s, const char *url, int flags, _Out_ pnng_dialer *out)'),
  socket_send: fn('int pnng_socket_send(pnng_socket s, const void *data, size_t len, int flags)'),
  socket_recv_msg: fn('int pnng_socket_recv_msg(pnng_socket s, int flags, _Out_ pnng_msg **out)'),
  socket_send_msg: fn('int pnng_socket_send_msg(pnng_socket s, pnng_msg *msg, int flags)'),
  socket_pipes: fn('int pnng_socket_pipes(pnng_socket s, _Out_ pnng_pipe *buf, size_t cap, _Out_ size_t *len)'),
  socket_dialers: fn('int pnng_socket_dialers(pnng_socket s, _Out_ pnng_dialer *buf, size_t cap, _Out_ size_t *len)'),
  socket_listeners: fn('int pnng_socket_listeners(pnng_socket s, _Out_ pnng_listener *buf, size_t cap, _Out_ size_t *len)'),
  socket_new_context: fn('int pnng_socket_new_context(pnng_socket s, _Out_ pnng_ctx *out)'),
  socket_set_bytes: fn('int pnng_socket_set_bytes(pnng_socket s, const char *opt, const void *data, size_t len)'),
  socket_set_tls: fn('int pnng_socket_set_tls(pnng_socket s, pnng_tls_config *cfg)'),
  socket_pipe_notify_cq: fn('int pnng_socket_pipe_notify_cq(pnng_socket s, int ev, pnng_cq *cq, void *userdata)'),
  socket_send_aio: fn('int pnng_socket_send_aio(pnng_socket s, pnng_aio *aio)'),
  socket_recv_aio: fn('int pnng_socket_recv_aio(pnng_socket s, pnng_aio *aio)'),
  sub0_subscribe: fn('int pnng_sub0_subscribe(pnng_socket s, const void *topic, size_t len)'),
  sub0_unsubscribe: fn('int pnng_sub0_unsubscribe(pnng_socket s, const void *topic, size_t len)'),
  sub0_ctx_subscribe: fn('int pnng_sub0_ctx_subscribe(pnng_ctx c, const void *topic, size_t len)'),
  sub0_ctx_unsubscribe: fn('int pnng_sub0_ctx_unsubscribe(pnng_ctx c, const void *topic, size_t len)'),

  dialer_create: fn('int pnng_dialer_create(pnng_socket s, const char *url, _Out_ pnng_dialer *out)'),
  dialer_start: fn('int pnng_dialer_start(pnng_dialer d, int flags)'),
  dialer_close: fn('int pnng_dialer_close(pnng_dialer d)'),
  dialer_set_tls: fn('int pnng_dialer_set_tls(pnng_dialer d, pnng_tls_config *cfg)'),
  listener_create: fn('int pnng_listener_create(pnng_socket s, const char *url, _Out_ pnng_listener *out)'),
  listener_start: fn('int pnng_listener_start(pnng_listener l, int flags)'),
  listener_close: fn('int pnng_listener_close(pnng_listener l)'),
  listener_set_tls: fn('int pnng_listener_set_tls(pnng_listener l, pnng_tls_config *cfg)'),

  pipe_send_aio: fn('int pnng_pipe_send_aio(pnng_pipe p, pnng_aio *aio)'),
  pipe_send: fn('int pnng_pipe_send(pnng_pipe p, const void *data, size_t len, int flags)'),
  pipe_socket: fn('int pnng_pipe_socket(pnng_pipe p, _Out_ pnng_socket *out)'),
  pipe_dialer: fn('int pnng_pipe_dialer(pnng_pipe p, _Out_ pnng_dialer *out)'),
  pipe_listener: fn('int pnng_pipe_listener(pnng_pipe p, _Out_ pnng_listener *out)'),
  pipe_close: fn('int pnng_pipe_close(pnng_pipe p)'),

  ctx_close: fn('int pnng_ctx_close(pnng_ctx c)'),
  ctx_send: fn('int pnng_ctx_send(pnng_ctx c, const void *data, size_t len, int flags)'),
  ctx_recv_msg: fn('int pnng_ctx_recv_msg(pnng_ctx c, int flags, _Out_ pnng_msg **out)'),
  ctx_send_aio: fn('int pnng_ctx_send_aio(pnng_ctx c, pnng_aio *aio)'),
  ctx_recv_aio: fn('int pnng_ctx_recv_aio(pnng_ctx c, pnng_aio *aio)'),

  msg_new: fn('int pnng_msg_new(const void *data, size_t len, _Out_ pnng_msg **out)'),
  msg_body: fn('void *pnng_msg_body(pnng_msg *m)'),
  msg_len: fn('size_t pnng_msg_len(pnng_msg *m)'),
  msg_header: fn('void *pnng_msg_header(pnng_msg *m)'),
  msg_header_len: fn('size_t pnng_msg_header_len(pnng_msg *m)'),
  msg_pipe: fn('int pnng_msg_pipe(pnng_msg *m, _Out_ pnng_pipe *out)'),
  msg_set_pipe: fn('int pnng_msg_set_pipe(pnng_msg *m, pnng_pipe p)'),
  msg_free: fn('void pnng_msg_free(pnng_msg *m)'),

  aio_new_cq: fn('int pnng_aio_new_cq(pnng_cq *cq, void *userdata, _Out_ pnng_aio **out)'),
  aio_free: fn('void pnng_aio_free(pnng_aio *aio)'),
  aio_set_timeout: fn('int pnng_aio_set_timeout(pnng_aio *aio, int32_t ms)'),
  aio_set_msg: fn('int pnng_aio_set_msg(pnng_aio *aio, pnng_msg *msg)'),
  aio_take_msg: fn('int pnng_aio_take_msg(pnng_aio *aio, _Out_ pnng_msg **out)'),
  aio_result: fn('int pnng_aio_result(pnng_aio *aio)'),
  aio_cancel: fn('void pnng_aio_cancel(pnng_aio *aio)'),

  cq_new: fn('int pnng_cq_new(_Out_ pnng_cq **out)'),
  cq_pop: fn('int pnng_cq_pop(pnng_cq *cq, _Out_ pnng_aio **aio, _Out_ void **userdata)'),
  cq_pop_pipe_event: fn('int pnng_cq_pop_pipe_event(pnng_cq *cq, _Out_ pnng_pipe *pipe, _Out_ int *ev, _Out_ void **userdata)'),
  cq_wait: fn('int pnng_cq_wait(pnng_cq *cq, int32_t ms)'),
  cq_free: fn('void pnng_cq_free(pnng_cq *cq)'),

  tls_config_new: fn('int pnng_tls_config_new(int mode, _Out_ pnng_tls_config **out)'),
  tls_config_server_name: fn('int pnng_tls_config_server_name(pnng_tls_config *cfg, const char *name)'),
  tls_config_ca_chain: fn('int pnng_tls_config_ca_chain(pnng_tls_config *cfg, const char *pem, const char *crl)'),
  tls_config_own_cert: fn('int pnng_tls_config_own_cert(pnng_tls_config *cfg, const char *cert, const char *key, const char *pass)'),
  tls_config_ca_file: fn('int pnng_tls_config_ca_file(pnng_tls_config *cfg, const char *path)'),
  tls_config_cert_key_file: fn('int pnng_tls_config_cert_key_file(pnng_tls_config *cfg, const char *path, const char *pass)'),
  tls_config_auth_mode: fn('int pnng_tls_config_auth_mode(pnng_tls_config *cfg, int mode)'),
  tls_config_free: fn('void pnng_tls_config_free(pnng_tls_config *cfg)'),

  device_start: fn('int pnng_device_start(pnng_socket a, pnng_socket b)'),
  sockaddr_format: fn('int pnng_sockaddr_format(pnng_sockaddr *a, void *buf, size_t len)'),
  strerror: fn('const char *pnng_strerror(int err)'),
  version: fn('const char *pnng_version()'),
  fini: fn('void pnng_fini()'),
  strfree: fn('void pnng_strfree(void *s)'),
});

// Option accessors for every object kind (pipe: getters only).
for (const obj of ['socket', 'dialer', 'listener', 'pipe', 'ctx']) {
  const H = `pnng_${obj}`;
  const getters = {
    ms: `int pnng_${obj}_get_ms(${H} h, const char *opt, _Out_ int32_t *out)`,
    int: `int pnng_${obj}_get_int(${H} h, const char *opt, _Out_ int *out)`,
    size: `int pnng_${obj}_get_size(${H} h, const char *opt, _Out_ size_t *out)`,
    bool: `int pnng_${obj}_get_bool(${H} h, const char *opt, _Out_ bool *out)`,
    string: `int pnng_${obj}_get_string(${H} h, const char *opt, _Out_ void **out)`,
    addr: `int pnng_${obj}_get_addr(${H} h, const char *opt, _Out_ pnng_sockaddr *out)`,
  };
  for (const [t, proto] of Object.entries(getters)) F[`${obj}_get_${t}`] = fn(proto);
  if (obj === 'pipe') continue;
  const setters = {
    ms: `int pnng_${obj}_set_ms(${H} h, const char *opt, int32_t v)`,
    int: `int pnng_${obj}_set_int(${H} h, const char *opt, int v)`,
    size: `int pnng_${obj}_set_size(${H} h, const char *opt, size_t v)`,
    bool: `int pnng_${obj}_set_bool(${H} h, const char *opt, bool v)`,
    string: `int pnng_${obj}_set_string(${H} h, const char *opt, const char *v)`,
  };
  for (const [t, proto] of Object.entries(setters)) F[`${obj}_set_${t}`] = fn(proto);
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

/** Copies `len` bytes at native address `ptr` into a fresh Buffer. */
function copyOut(ptr, len) {
  if (!len) return Buffer.alloc(0);
  return Buffer.from(koffi.view(ptr, len).slice(0));
}

module.exports = { koffi, lib, F, C, SockAddr, libraryPath, missing, copyOut };
