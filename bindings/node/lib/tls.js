'use strict';
// TLS configuration (pnng_tls_config).

const { F, C } = require('./ffi');
const { check, makeError, codes } = require('./errors');
const { defineDispose } = require('./util');

const tlsRegistry = new FinalizationRegistry((ptr) => F.tls_config_free(ptr));

/**
 * TLS configuration (pynng.TLSConfig). `new TLSConfig(TLSConfig.MODE_CLIENT, { serverName, caString, ... })`
 * or `new TLSConfig({ mode, ... })`.
 */
class TLSConfig {
  constructor(mode, opts = {}) {
    if (mode !== null && typeof mode === 'object') {
      opts = mode;
      mode = opts.mode;
    }
    const { serverName, caString, ownCertString, ownKeyString, authMode, caFiles, certKeyFile, passwd } = opts;
    const known = new Set(['mode', 'serverName', 'caString', 'ownCertString', 'ownKeyString', 'authMode', 'caFiles', 'certKeyFile', 'passwd']);
    for (const k of Object.keys(opts)) if (!known.has(k)) throw new TypeError(`TLSConfig: unknown option '${k}'`);
    if (mode !== TLSConfig.MODE_CLIENT && mode !== TLSConfig.MODE_SERVER) {
      throw new TypeError('TLSConfig mode must be TLSConfig.MODE_CLIENT or TLSConfig.MODE_SERVER');
    }
    if (caString != null && caFiles != null) throw new TypeError('caString and caFiles cannot both be given');
    if ((ownCertString != null || ownKeyString != null) && certKeyFile != null) {
      throw new TypeError('ownCertString/ownKeyString and certKeyFile cannot both be given');
    }
    if ((ownCertString == null) !== (ownKeyString == null)) {
      throw new TypeError('ownCertString and ownKeyString must be given together');
    }
    const out = [null];
    check(F.tls_config_new(mode, out));
    Object.defineProperty(this, '_ptr', { value: out[0], writable: true, enumerable: false });
    this.mode = mode;
    tlsRegistry.register(this, this._ptr, this);
    try {
      if (serverName != null) this.setServerName(serverName);
      if (caString != null) this.setCaChain(caString);
      if (ownCertString != null) this.setOwnCert(ownCertString, ownKeyString, passwd);
      if (authMode != null) this.setAuthMode(authMode);
      if (caFiles != null) for (const f of typeof caFiles === 'string' ? [caFiles] : caFiles) this.addCaFile(f);
      if (certKeyFile != null) this.setCertKeyFile(certKeyFile, passwd);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  _p() {
    if (this._ptr === null) throw makeError(codes.ECLOSED, 'TLSConfig was closed');
    return this._ptr;
  }

  setServerName(name) {
    if (typeof name !== 'string') throw new TypeError('server name must be a string');
    check(F.tls_config_server_name(this._p(), name));
  }

  setCaChain(pem, crl = null) {
    check(F.tls_config_ca_chain(this._p(), String(pem), crl == null ? null : String(crl)));
  }

  setOwnCert(cert, key, passwd = null) {
    check(F.tls_config_own_cert(this._p(), String(cert), String(key), passwd == null ? null : String(passwd)));
  }

  setAuthMode(mode) {
    if (!Number.isInteger(mode)) throw new TypeError('auth mode must be an integer');
    check(F.tls_config_auth_mode(this._p(), mode));
  }

  addCaFile(file) {
    check(F.tls_config_ca_file(this._p(), String(file)));
  }

  setCertKeyFile(file, passwd = null) {
    check(F.tls_config_cert_key_file(this._p(), String(file), passwd == null ? null : String(passwd)));
  }

  /** Drops this object's reference (sockets it was applied to keep their own). Idempotent. */
  close() {
    if (this._ptr === null) return;
    tlsRegistry.unregister(this);
    F.tls_config_free(this._ptr);
    this._ptr = null;
  }
}
TLSConfig.MODE_CLIENT = C.TLS_MODE_CLIENT;
TLSConfig.MODE_SERVER = C.TLS_MODE_SERVER;
TLSConfig.AUTH_MODE_NONE = C.TLS_AUTH_MODE_NONE;
TLSConfig.AUTH_MODE_OPTIONAL = C.TLS_AUTH_MODE_OPTIONAL;
TLSConfig.AUTH_MODE_REQUIRED = C.TLS_AUTH_MODE_REQUIRED;
defineDispose(TLSConfig);

function tlsPtr(cfg) {
  if (!(cfg instanceof TLSConfig)) throw new TypeError('tlsConfig must be a TLSConfig');
  return cfg._p();
}

module.exports = { TLSConfig, tlsPtr };
