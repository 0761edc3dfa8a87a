#!/usr/bin/env bash
# Makes throw-away test certificates for the TLS examples: a private CA, a server certificate
# for localhost / 127.0.0.1, and a client certificate for mutual TLS. usage: gen_certs.sh DIR
set -euo pipefail
dir=${1:?usage: gen_certs.sh DIR}
mkdir -p "$dir" && cd "$dir"
[ -f client.crt ] && exit 0
key=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
openssl req -x509 "${key[@]}" -keyout ca.key -out ca.crt -days 30 -subj "/CN=pnng example CA" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > server.ext
printf 'extendedKeyUsage=clientAuth\n' > client.ext
for who in server client; do
    openssl req "${key[@]}" -keyout $who.key -out $who.csr -subj "/CN=pnng example $who" 2>/dev/null
    openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
        -extfile $who.ext -out $who.crt 2>/dev/null
done
