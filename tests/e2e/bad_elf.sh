#!/bin/sh
# Hostile and missing binaries: one clean error line naming the file, exit
# status 1, nothing on stdout, no crash (the fixtures are corrupted copies of
# user_prog made by tests/fixtures/build-user.sh).
. "$TOP/tests/lib.sh"

if [ ! -f "$FIXTURES/bad_truncated" ]; then
	skip "bad ELF files" "fixtures not built (no <sys/sdt.h>: install systemtap-sdt-dev)"
	exit 0
fi

check() {	# name pattern expected-error-text
	"$SCRY" -l "$2" > "$T_TMP/out" 2> "$T_TMP/err"
	rc=$?
	got="rc=$rc stdout=$(wc -c < "$T_TMP/out") stderr=$(cat "$T_TMP/err")"
	expect_eq "$1" "rc=1 stdout=0 stderr=scry: error: $3" "$got"
}

F=$FIXTURES
for p in uprobe usdt; do
	check "$p: truncated file" "$p:$F/bad_truncated:*" \
		"'$F/bad_truncated': the section header table lies past the end of the file"
	check "$p: truncated ELF header" "$p:$F/bad_tiny:*" \
		"'$F/bad_tiny': truncated or corrupted ELF header"
	check "$p: section header offset past the end" "$p:$F/bad_shoff:*" \
		"'$F/bad_shoff': the section header table lies past the end of the file"
	check "$p: a section's offset past the end" "$p:$F/bad_secoff:*" \
		"'$F/bad_secoff': section $(readelf -SW "$F/user_prog" | sed -n 's/^ *\[ *\([0-9]*\)\] \.dynsym .*/\1/p') ('.dynsym') lies past the end of the file"
	check "$p: a section's size past the end" "$p:$F/bad_secsize:*" \
		"'$F/bad_secsize': section $(readelf -SW "$F/user_prog" | sed -n 's/^ *\[ *\([0-9]*\)\] \.note\.stapsdt .*/\1/p') ('.note.stapsdt') lies past the end of the file"
	check "$p: a text file named like a library" "$p:$F/bad_text.so:*" \
		"'$F/bad_text.so': not an ELF file"
	check "$p: a missing file" "$p:$F/no_such_binary:*" "'$F/no_such_binary': no such file"
	check "$p: a directory" "$p:$F:*" "'$F': is a directory"
	check "$p: a name in neither \$PATH nor the library cache" "$p:no_such_prog_xyz:*" \
		"'no_such_prog_xyz': no such file, program in \$PATH or library"
done
check "usdt: a note whose descsz runs past the section" "usdt:$F/bad_note_descsz:*" \
	"'$F/bad_note_descsz': malformed usdt note (number 1 in .note.stapsdt)"
check "usdt: a note whose namesz runs past the section" "usdt:$F/bad_note_namesz:*" \
	"'$F/bad_note_namesz': malformed usdt note (number 1 in .note.stapsdt)"
check "usdt: an object file is not a binary" "usdt:$F/user_obj.o:*" \
	"'$F/user_obj.o': not an executable or shared library"

