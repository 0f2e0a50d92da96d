#!/usr/bin/env bash
# A real TLS front (Debian's nginx, installed here with apt-get when missing; that needs root or
# sudo) in front of a running MLflow server, with a private CA this script makes, for
# tests/tls_front.rs. Every listener is on loopback; the CA, certificates and logs are in DIR.
#
#   scripts/tls-front.sh start <DIR> <UPSTREAM_PORT>   # prints TOLLGATE_TEST_TLS_FRONT=<DIR>/front.json
#   scripts/tls-front.sh stop  <DIR>
#
# Listeners (ports in front.json):
#   auth      https://localhost:P   needs `Bearer tollgate-front-token` or basic
#                                   front-user:front-pw1, else 401
#   mtls      https://localhost:P   needs a client certificate signed by the CA
#   redirect  https://localhost:P   needs the credentials too, then 307s every request to `other` (307 keeps a POST a POST)
#   other     https://127.0.0.1:P   another host: logs the Authorization header it receives
# The server certificate names only `localhost`, so https://127.0.0.1 on the auth port is the
# wrong hostname; `other` has its own certificate for 127.0.0.1, from the same CA.
set -euo pipefail

cmd="${1:-}" dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start <DIR> <UPSTREAM_PORT> | stop <DIR>" >&2; exit 2; }
die() { echo "tls-front.sh: $*" >&2; exit 1; }

nginx_bin() { command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true; }

install() {
    [[ -n "$(nginx_bin)" ]] && return 0
    echo "tls-front.sh: installing Debian's nginx-light package" >&2
    local sudo=()
    [[ "$(id -u)" == 0 ]] || sudo=(sudo -n)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 \
        || die "apt-get update failed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >&2 \
        || die "cannot install nginx-light (needs root or passwordless sudo)"
    [[ -n "$(nginx_bin)" ]] || die "nginx-light installed but no nginx binary"
    # The package starts a system nginx on port 80; this script needs only the binary.
    "${sudo[@]}" nginx -s quit >/dev/null 2>&1 || true
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A certificate for SAN, signed by the CA; $1 = file stem, $2 = subjectAltName, $3 = usage.
issue() {
    local stem="$1" san="$2" usage="$3"
    openssl req -new -newkey rsa:2048 -nodes -keyout "$dir/$stem-key.pem" -out "$dir/$stem.csr" \
        -subj "/CN=tollgate test $stem" 2>/dev/null
    printf 'subjectAltName=%s\nextendedKeyUsage=%s\nbasicConstraints=CA:FALSE\n' "$san" "$usage" >"$dir/$stem.ext"
    openssl x509 -req -in "$dir/$stem.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
        -CAcreateserial -days 30 -sha256 -extfile "$dir/$stem.ext" -out "$dir/$stem.pem" 2>/dev/null
}

case "$cmd" in
stop)
    [[ -f "$dir/nginx.pid" ]] || exit 0
    kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
    rm -f "$dir/nginx.pid"
    ;;
start)
    upstream="${3:?upstream port}"
    install
    "$0" stop "$dir"
    rm -rf "$dir"
    mkdir -p "$dir/tmp"
    dir="$(cd "$dir" && pwd)"
    chmod 777 "$dir/tmp" # nginx's workers run as nobody when the master is root

    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" \
        -days 30 -sha256 -subj "/CN=tollgate test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null \
        || die "openssl cannot make the CA"
    issue server "DNS:localhost" serverAuth
    issue other "IP:127.0.0.1" serverAuth
    issue client "DNS:tollgate-client" clientAuth
    # MLFLOW_TRACKING_CLIENT_CERT_PATH takes one file: the certificate and its key.
    cat "$dir/client.pem" "$dir/client-key.pem" >"$dir/client-bundle.pem"
    # A client certificate from a CA the front does not trust.
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/stranger-key.pem" -out "$dir/stranger.pem" \
        -days 30 -subj "/CN=tollgate stranger" 2>/dev/null
    cat "$dir/stranger.pem" "$dir/stranger-key.pem" >"$dir/stranger-bundle.pem"

    auth_port="$(free_port)" mtls_port="$(free_port)" redirect_port="$(free_port)" other_port="$(free_port)"
    basic="$(printf 'front-user:front-pw1' | base64)"
    user_line=""
    [[ "$(id -u)" == 0 ]] && user_line="user nobody nogroup;"
    cat >"$dir/nginx.conf" <<CONF
$user_line
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 256; }
http {
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    log_format headers '\$server_port "\$request" \$status auth="\$http_authorization"';
    access_log $dir/access.log headers;
    ssl_protocols TLSv1.2 TLSv1.3;
    proxy_buffering off;
    proxy_http_version 1.1;

    # The credentials the front accepts; anything else is 401.
    map \$http_authorization \$front_credentials_ok {
        default 0;
        "Bearer tollgate-front-token" 1;
        "Basic $basic" 1;
    }

    server {
        listen 127.0.0.1:$auth_port ssl;
        server_name localhost;
        ssl_certificate $dir/server.pem;
        ssl_certificate_key $dir/server-key.pem;
        location / {
            if (\$front_credentials_ok = 0) {
                add_header WWW-Authenticate 'Bearer realm="tollgate-front"' always;
                return 401 "credentials required\n";
            }
            proxy_pass http://127.0.0.1:$upstream;
        }
    }
    server {
        listen 127.0.0.1:$mtls_port ssl;
        server_name localhost;
        ssl_certificate $dir/server.pem;
        ssl_certificate_key $dir/server-key.pem;
        ssl_client_certificate $dir/ca.pem;
        ssl_verify_client on;
        location / { proxy_pass http://127.0.0.1:$upstream; }
    }
    server {
        listen 127.0.0.1:$redirect_port ssl;
        server_name localhost;
        ssl_certificate $dir/server.pem;
        ssl_certificate_key $dir/server-key.pem;
        location / {
            if (\$front_credentials_ok = 0) { return 401 "credentials required\n"; }
            return 307 https://127.0.0.1:$other_port\$request_uri;
        }
    }
    server {
        listen 127.0.0.1:$other_port ssl;
        ssl_certificate $dir/other.pem;
        ssl_certificate_key $dir/other-key.pem;
        access_log $dir/other-access.log headers;
        location / { proxy_pass http://127.0.0.1:$upstream; }
    }
}
CONF
    nginx="$(nginx_bin)"
    "$nginx" -t -q -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" 2>"$dir/check.log" \
        || { cat "$dir/check.log" >&2; die "nginx rejects its configuration"; }
    "$nginx" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" \
        || { tail -20 "$dir/error.log" >&2; die "nginx did not start"; }
    for _ in $(seq 1 50); do
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$dir/ca.pem" \
            -H 'Authorization: Bearer tollgate-front-token' "https://localhost:$auth_port/health" || true)"
        [[ "$code" == 200 ]] && break
        sleep 0.2
    done
    [[ "$code" == 200 ]] || { tail -20 "$dir/error.log" >&2; die "the front does not reach MLflow on port $upstream (HTTP $code)"; }
    cat >"$dir/front.json" <<JSON
{
  "ca": "$dir/ca.pem",
  "client_cert": "$dir/client-bundle.pem",
  "stranger_cert": "$dir/stranger-bundle.pem",
  "token": "tollgate-front-token",
  "username": "front-user",
  "password": "front-pw1",
  "auth_url": "https://localhost:$auth_port",
  "wrong_host_url": "https://127.0.0.1:$auth_port",
  "mtls_url": "https://localhost:$mtls_port",
  "redirect_url": "https://localhost:$redirect_port",
  "other_url": "https://127.0.0.1:$other_port",
  "access_log": "$dir/access.log",
  "other_access_log": "$dir/other-access.log"
}
JSON
    echo "TOLLGATE_TEST_TLS_FRONT=$dir/front.json"
    ;;
*) die "unknown command $cmd" ;;
esac
