#!/bin/sh
# fprocess of the benchmark function under jfaas: nginx on the $PORT jfaas gives it.
dir=$(cd "$(dirname "$0")" && pwd)
sed -e "s|__PORT__|$PORT|g" -e "s|__DIR__|$BENCH_TMP|g" "$dir/function-nginx.conf.tmpl" > "$BENCH_TMP/fn-$PORT.conf"
exec nginx -c "$BENCH_TMP/fn-$PORT.conf"
