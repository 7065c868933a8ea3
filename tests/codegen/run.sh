#!/bin/sh
# Golden tests of the code generator: 'scry --dry-run -d ir' and '-d bpf'
# for each NAME.bt here against NAME.ir and NAME.bpf.  Pure: no kernel,
# no root: the system is tests/codegen/fake.env (src/cli/env.c).
#   sh tests/codegen/run.sh [--update]
: "${SCRY:?run through tests/run.sh}"
dir=$(cd "$(dirname "$0")" && pwd)
export SCRY_FAKE_ENV="$dir/fake.env"
update=0
[ "${1:-}" = "--update" ] && update=1
status=0
cd "$dir" || exit 1
for bt in *.bt; do
	name=$(basename "$bt" .bt)
	for stage in ir bpf; do
		"$SCRY" --dry-run -d $stage "$bt" > "$dir/$name.$stage.out" 2>&1
		if [ $update = 1 ]; then
			mv "$dir/$name.$stage.out" "$dir/$name.$stage"
			continue
		fi
		if cmp -s "$dir/$name.$stage" "$dir/$name.$stage.out"; then
			echo "PASS: codegen/$name.$stage"
		else
			echo "FAIL: codegen/$name.$stage"
			diff "$dir/$name.$stage" "$dir/$name.$stage.out" | head -20 | sed 's/^/    /'
			status=1
		fi
		rm -f "$dir/$name.$stage.out"
	done
done
exit $status
