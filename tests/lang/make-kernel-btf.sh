#!/bin/sh
# Regenerates tests/lang/kernel.btf (the fake kernel's BTF of the golden
# tests) from kernel_types.c with gcc -gbtf.  Run by hand after editing it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -gbtf -c -o "$tmp/k.o" "$here/kernel_types.c"
objcopy --dump-section .BTF="$here/kernel.btf" "$tmp/k.o"
