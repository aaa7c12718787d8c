#!/usr/bin/env bash
# End-to-end test of the card client over real PC/SC: `sedun se ...` against `sedun-card` through
# pcscd and vsmartcard-vpcd (docs/apdu.md; the recipe of reference/standards.md section 11), with
# openssl and opensc-tool as outside witnesses for every certificate, request and signature.
#
#   pcsc_e2e.sh SEDUN SEDUN_CARD
#
# Needs root (pcscd 1.9.9 serves only /run/pcscd) and no other pcscd running (two cannot run side
# by side); otherwise it exits 77, which ctest reports as skipped. It starts its own pcscd with a
# private configuration directory holding only vpcd's reader.conf, and its own card; a trap stops
# exactly those processes, by PID, however the script ends. Nothing else is touched.
set -euo pipefail

usage="usage: pcsc_e2e.sh SEDUN SEDUN_CARD"
SEDUN=$(realpath "${1:?$usage}")
CARD=$(realpath "${2:?$usage}")
export SEDUN_READER='Virtual PCD 00 00'
DISTID=distid:1234567812345678
VPCD_PORT=35963

skip() {
  echo "SKIP: $*"
  exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root: pcscd serves only /run/pcscd"
for tool in pcscd opensc-tool pcsc_scan openssl ss timeout pidof; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/deps)"
done
[ -f /etc/reader.conf.d/vpcd ] || skip "vsmartcard-vpcd is not installed (scripts/deps)"
if pidof pcscd >/dev/null; then
  skip "another pcscd is running (PID $(pidof pcscd)); two cannot run side by side"
fi

WORK=$(mktemp -d /tmp/sedun-e2e.XXXXXX)
PCSCD_PID=""
CARD_PID=""
STEP="setup"

# TERM, then KILL after 5 s; only ever for a PID this script started.
stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT
  stop_pid "$CARD_PID"
  stop_pid "$PCSCD_PID"
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
    echo "FAILED in step: $STEP (exit $rc)"
    for f in out err card.log pcscd.log; do
      if [ -s "$WORK/$f" ]; then
        echo "--- $f (last 30 lines)"
        tail -n 30 "$WORK/$f"
      fi
    done
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() {
  STEP="$*"
  echo "== $*"
}
fail() {
  echo "FAIL: $*"
  exit 1
}

# run WANT CMD...: runs CMD with its output in $WORK/out and $WORK/err and checks its exit code.
run() {
  local want=$1 got=0
  shift
  "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
  if [ "$got" -ne "$want" ]; then
    cat "$WORK/out" "$WORK/err"
    fail "expected exit $want, got $got: $*"
  fi
}
# expect TEXT: the last run's output (stdout or stderr) contains TEXT.
expect() {
  grep -qF -- "$1" "$WORK/out" "$WORK/err" || {
    cat "$WORK/out" "$WORK/err"
    fail "expected \"$1\" in the output"
  }
}
# no_secret TEXT: the last run's output never shows TEXT (a PIN).
no_secret() {
  if grep -qF -- "$1" "$WORK/out" "$WORK/err"; then fail "a PIN appeared in the output"; fi
}

se() { "$SEDUN" se "$@"; }

start_pcscd() {
  pcscd --foreground --debug --apdu -c "$WORK/conf" >>"$WORK/pcscd.log" 2>&1 &
  PCSCD_PID=$!
  for _ in $(seq 100); do
    if [ -n "$(ss -Hltn "sport = :$VPCD_PORT")" ]; then return 0; fi
    if ! kill -0 "$PCSCD_PID" 2>/dev/null; then
      PCSCD_PID=""
      if pidof pcscd >/dev/null; then skip "another pcscd started meanwhile"; fi
      fail "pcscd exited at start"
    fi
    sleep 0.1
  done
  fail "pcscd did not open vpcd's port $VPCD_PORT"
}

stop_pcscd() {
  stop_pid "$PCSCD_PID"
  PCSCD_PID=""
  for _ in $(seq 50); do
    if [ -z "$(ss -Hltn "sport = :$VPCD_PORT")" ]; then return 0; fi
    sleep 0.1
  done
  fail "vpcd's port $VPCD_PORT still open after pcscd stopped"
}

wait_card() {
  local readers
  for _ in $(seq 100); do
    readers=$("$SEDUN" se readers 2>/dev/null || true)
    if [[ "$readers" == *"$SEDUN_READER: card present"* ]]; then return 0; fi
    sleep 0.2
  done
  fail "no card in $SEDUN_READER"
}

cd "$WORK"

step "start pcscd with vpcd only, and the card"
mkdir conf
cp /etc/reader.conf.d/vpcd conf/
start_pcscd
run 0 "$CARD" create --image card.img --issuer-keys-out issuer.keys
"$CARD" run --image card.img --vpcd "127.0.0.1:$VPCD_PORT" >card.log 2>&1 &
CARD_PID=$!
wait_card

step "outside PC/SC tools see the reader and the application"
run 0 timeout 20 pcsc_scan -r
expect "$SEDUN_READER"
run 0 timeout 20 opensc-tool -r "$SEDUN_READER" -s '00 A4 04 00 07 F0 53 45 44 55 4E 01'
expect "SW1=0x90, SW2=0x00"
run 0 se readers
expect "$SEDUN_READER: card present"
run 0 se info
expect "lifecycle: factory"

step "certificates: root, issuing CA, server (openssl, SM3withSM2 with the default ID)"
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >ca.ext
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' >sign.ext
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyEncipherment,dataEncipherment\n' >enc.ext
openssl genpkey -algorithm SM2 -out root.key 2>/dev/null
openssl req -x509 -new -key root.key -sm3 -sigopt "$DISTID" -days 30 -out root.pem \
  -subj "/C=CN/O=sedun e2e/CN=sedun e2e root" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
issue() { # NAME SUBJECT CA EXT: key, request and certificate NAME.pem signed by CA
  openssl genpkey -algorithm SM2 -out "$1.key" 2>/dev/null
  openssl req -new -key "$1.key" -sm3 -sigopt "$DISTID" -subj "$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 30 \
    -sm3 -sigopt "$DISTID" -vfyopt "$DISTID" -extfile "$4" -out "$1.pem" 2>/dev/null
}
issue ca "/C=CN/O=sedun e2e/CN=sedun e2e issuing CA" root ca.ext
issue server "/C=CN/O=sedun e2e/CN=bank.sedun.example" root sign.ext

step "personalise"
printf '123456\n' >user.pin
printf 'admin-pin-1\n' >admin.pin
run 0 se personalise --issuer-keys issuer.keys --trust-anchor root.pem --server-cert server.pem \
  --user-pin-file user.pin --admin-pin-file admin.pin --retry-limit 3 --client-keys-out client.keys
expect "personalised"
[ "$(stat -c %a client.keys)" = 600 ] || fail "client key file is not mode 0600"
[ "$(tr -d '\n' <client.keys | wc -c)" -eq 96 ] || fail "client key file is not 48 bytes of hex"
export SEDUN_CLIENT_KEYS="$WORK/client.keys"
run 2 se personalise --issuer-keys issuer.keys --trust-anchor root.pem --server-cert server.pem \
  --user-pin-file user.pin --admin-pin-file admin.pin --client-keys-out client2.keys
expect "factory"
run 0 se info
expect "lifecycle: personalised"
expect "user PIN tries left: 3"

step "PIN verify"
run 0 se pin verify --pin-file user.pin
expect "PIN verified"
run 0 se info
expect "lifecycle: in use"

step "container, key pair in the card, certification request"
export SEDUN_PIN=123456
run 0 se container create --container main
run 2 se container create --container main
expect "6A89"
run 0 se keygen --container main --slot sign --pubout sign.pub.pem
run 0 se csr --container main --slot sign --subject "/C=CN/O=sedun e2e/CN=e2e user" --out user.csr
run 0 openssl req -in user.csr -verify -vfyopt "$DISTID" -noout
openssl req -in user.csr -noout -pubkey >csr.pub.pem
cmp -s csr.pub.pem sign.pub.pem || fail "the request's key is not the generated key"

step "issue the user certificate and install it with its chain"
openssl x509 -req -in user.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
  -sm3 -sigopt "$DISTID" -vfyopt "$DISTID" -extfile sign.ext -out user.pem 2>/dev/null
cat user.pem ca.pem >user-chain.pem
run 2 se cert import --container main --slot sign --cert server.pem
run 0 se cert import --container main --slot sign --cert user-chain.pem
run 0 se container list
expect "sign certificate: serial"
run 0 se cert export --container main --slot sign --der --out exported.der
openssl x509 -in user.pem -outform DER -out user.der
cmp -s exported.der user.der || fail "exported certificate differs from the issued one"
serial=$(openssl x509 -in user.pem -noout -serial | cut -d= -f2)
run 0 se cert read --serial "$serial"
expect "container: main"
run 0 se cert read --at now
expect "container: main"

step "sign in the card, verify with openssl and in the card"
printf 'transfer 100.00 CNY to 6222 0000 0000 0001' >msg
run 0 se sign --container main --in msg --out msg.sig
run 0 openssl dgst -sm3 -verify sign.pub.pem -sigopt "$DISTID" -signature msg.sig msg
expect "Verified OK"
# The card validates the certificate against its trust anchor: alone, the user certificate does
# not reach the root (6982); with its chain it does.
run 2 se verify --cert user.pem --in msg --sig msg.sig
expect "6982"
run 0 se verify --cert user-chain.pem --in msg --sig msg.sig
expect "signature valid"
run 0 se verify --container main --in msg --sig msg.sig
printf 'transfer 900.00 CNY to 6222 0000 0000 0001' >msg.altered
run 1 se verify --cert user-chain.pem --in msg.altered --sig msg.sig
# A message longer than one APDU, sent as a chain and as one extended APDU.
head -c 3000 /dev/urandom >long.msg
run 0 se sign --container main --in long.msg --out long.sig
run 0 openssl dgst -sm3 -verify sign.pub.pem -sigopt "$DISTID" -signature long.sig long.msg
run 0 se sign --extended --container main --in long.msg --out long2.sig
run 0 openssl dgst -sm3 -verify sign.pub.pem -sigopt "$DISTID" -signature long2.sig long.msg
# A signer ID other than the default.
run 0 se sign --container main --id alice@bank.example --in msg --out id.sig
run 0 openssl dgst -sm3 -verify sign.pub.pem -sigopt distid:alice@bank.example -signature id.sig msg

step "film-shield signing: the card checks the server's signature first"
openssl dgst -sm3 -sign server.key -sigopt "$DISTID" -out msg.server.sig msg
run 0 se sign --container main --in msg --server-sig msg.server.sig --out msg.fs.sig
run 0 openssl dgst -sm3 -verify sign.pub.pem -sigopt "$DISTID" -signature msg.fs.sig msg
run 1 se sign --container main --in msg.altered --server-sig msg.server.sig --out bad.sig
expect "6988"

step "encryption key pair: openssl encrypts, the card decrypts; the card encrypts"
run 0 se keygen --container main --slot encrypt --pubout enc.pub.pem
run 0 se csr --container main --slot encrypt --subject "/C=CN/O=sedun e2e/CN=e2e user enc" --out enc.csr
openssl x509 -req -in enc.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
  -sm3 -sigopt "$DISTID" -vfyopt "$DISTID" -extfile enc.ext -out enc.pem 2>/dev/null
cat enc.pem ca.pem >enc-chain.pem
run 0 se cert import --container main --slot encrypt --cert enc-chain.pem
printf 'account 6222 0000 0000 0001' >secret.txt
openssl pkeyutl -encrypt -pubin -inkey enc.pub.pem -in secret.txt -out secret.ct
run 0 se decrypt --container main --in secret.ct --out secret.out
cmp -s secret.txt secret.out || fail "decrypted text differs"
[ "$(stat -c %a secret.out)" = 600 ] || fail "plaintext file is not mode 0600"
run 2 se encrypt --cert enc-chain.pem --in secret.txt --out card.ct --reader "No Such Reader"
expect "No Such Reader"
run 0 se encrypt --cert enc-chain.pem --in secret.txt --out card.ct
run 0 se decrypt --container main --in card.ct --out card.out
cmp -s secret.txt card.out || fail "card round trip differs"

step "no channel keys, no PIN: refused without touching the PIN counter"
run 2 env -u SEDUN_PIN "$SEDUN" se sign --container main --in msg --out x.sig
expect "SEDUN_PIN"
run 2 env -u SEDUN_CLIENT_KEYS "$SEDUN" se container list
expect "--client-keys"

step "wrong PIN x 3 -> blocked -> unblock with the administrator PIN"
run 1 env SEDUN_PIN=999999 "$SEDUN" se pin verify
expect "2 tries left"
no_secret 999999
run 1 env SEDUN_PIN=999999 "$SEDUN" se sign --container main --in msg --out x.sig
expect "1 try left"
run 1 env SEDUN_PIN=999999 "$SEDUN" se pin verify
expect "0 tries left"
run 2 se pin verify
expect "PIN blocked"
run 0 se info
expect "lifecycle: locked"
expect "user PIN tries left: 0"
run 2 se sign --container main --in msg --out x.sig
printf '654321\n' >new.pin
run 0 se pin unblock --admin-pin-file admin.pin --new-pin-file new.pin
expect "unblocked"
no_secret admin-pin-1
run 1 se pin verify
run 0 se pin verify --pin-file new.pin
run 0 se pin change --pin-file new.pin --new-pin-file user.pin
run 0 se pin verify
run 0 se info
expect "user PIN tries left: 3"

step "restart pcscd under the card: it reconnects"
stop_pcscd
kill -0 "$CARD_PID" 2>/dev/null || fail "sedun-card exited when pcscd stopped"
start_pcscd
wait_card
run 0 se info
expect "lifecycle: in use"
run 0 se sign --container main --in msg --out after.sig
run 0 openssl dgst -sm3 -verify sign.pub.pem -sigopt "$DISTID" -signature after.sig msg

step "delete certificate and container"
run 0 se cert delete --container main --slot encrypt
run 2 se cert export --container main --slot encrypt
expect "6A88"
run 0 se container delete --container main
run 0 se container list
expect "no containers"

STEP="done"
echo "PASS: pcsc end-to-end"
