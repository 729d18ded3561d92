#!/bin/sh
# fprocess of the benchmark function under jfaas: nginx on the $PORT jfaas gives it.
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$BENCH_TMP
# In its sandbox the function sees its own /tmp, not the bench's temp directory.
[ -d "$tmp" ] && [ -w "$tmp" ] || tmp=$(mktemp -d)
sed -e "s|__PORT__|$PORT|g" -e "s|__DIR__|$tmp|g" "$dir/function-nginx.conf.tmpl" > "$tmp/fn-$PORT.conf"
exec nginx -c "$tmp/fn-$PORT.conf"
