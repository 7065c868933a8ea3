# scry — one non-recursive Makefile.
#
#   make                build $(O)/scry (O defaults to build/)
#   make check          unit, language and end-to-end tests (e2e needs root)
#   make fuzz           build the libFuzzer targets (clang)
#   make V=1            show the commands
#   make SAN=1          build with ASan + UBSan
#   make CC=clang       build with clang
#
O ?= build
CC ?= cc
PKG_CONFIG ?= pkg-config

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2);
endif

WARNINGS := -Wall -Wextra -Wformat=2 -Wshadow -Wvla -Wstrict-prototypes \
	    -Wmissing-prototypes -Wwrite-strings -Wno-unused-parameter \
	    -Wno-missing-field-initializers -Werror
CFLAGS ?= -O2 -g
SCRY_VERSION ?= 0.1
override CFLAGS += -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -DSCRY_VERSION=\"$(SCRY_VERSION)\" -Isrc -MMD -MP \
	    $(shell $(PKG_CONFIG) --cflags libbpf libelf 2>/dev/null)
LDLIBS += $(shell $(PKG_CONFIG) --libs libbpf libelf zlib 2>/dev/null || echo -lbpf -lelf -lz)
LDLIBS += -lm
# DWARF of user binaries (sym/dwarf.c)
LDLIBS += $(shell $(PKG_CONFIG) --libs libdw 2>/dev/null || echo -ldw)
# record/report: trace.dat read back with libtracecmd, fields printed by libtraceevent
override CFLAGS += $(shell $(PKG_CONFIG) --cflags libtracecmd libtraceevent 2>/dev/null)
LDLIBS += $(shell $(PKG_CONFIG) --libs libtracecmd libtraceevent libtracefs 2>/dev/null || echo -ltracecmd -ltracefs -ltraceevent)

ifeq ($(SAN),1)
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
override LDFLAGS += -fsanitize=address,undefined
endif

# Every layer but the command line is the library; the command line links it.
LIB_DIRS := src/util src/out src/sym src/mech src/probe src/lang src/codegen src/runtime src/net
LIB_SRCS := $(sort $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c $(d)/*/*.c)))
CLI_SRCS := $(sort $(wildcard src/cli/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(O)/%.o)
LIB := $(O)/libscry.a

UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/unit/%)

FIXTURE_SRCS := $(sort $(wildcard tests/fixtures/*.c))

FUZZ_SRCS := $(sort $(wildcard fuzz/*.c))
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=$(O)/fuzz/%)

all: $(O)/scry

# scry --version: what git describe says at build time (else SCRY_VERSION),
# rewritten only when it changes so that only what prints it is rebuilt.
SCRY_GIT_VERSION := $(or $(shell git describe --tags --always --dirty 2>/dev/null),$(SCRY_VERSION))
override CFLAGS += -I$(O)/gen
$(O)/gen/cli/version.h: FORCE
	@mkdir -p $(@D)
	@v='#define SCRY_GIT_VERSION "$(SCRY_GIT_VERSION)"'; \
	 [ "$$(cat $@ 2>/dev/null)" = "$$v" ] || echo "$$v" > $@
$(CLI_OBJS): | $(O)/gen/cli/version.h
.PHONY: FORCE
FORCE:

# scry itself links libbpf, libelf, libz, libm and libtraceevent in (the
# Debian .a files): no dynamic loader work for them at every start (bench/:
# exec to first event).  libtracecmd, for `scry report` only, is opened when
# first used (src/cli/tracecmd_dl.c) and binds to the libtraceevent exported
# here.  STATIC_LIBS=0 links everything as shared libraries; libraries
# added to LDLIBS stay shared.
STATIC_LIBS ?= 1
SCRY_SHARED_LIBS := -lbpf -lelf -lz -lm -ltracecmd -ltracefs -ltraceevent
ifeq ($(STATIC_LIBS),1)
SCRY_LDLIBS := -Wl,--export-dynamic-symbol=tep_* -Wl,--export-dynamic-symbol=kbuffer_* \
	-Wl,--export-dynamic-symbol=trace_seq_* \
	-Wl,-Bstatic -lbpf -lelf -lz -Wl,--whole-archive -ltraceevent -Wl,--no-whole-archive \
	-Wl,-Bdynamic -lm $(filter-out $(SCRY_SHARED_LIBS),$(LDLIBS)) -ldl
else
SCRY_LDLIBS := $(filter-out -ltracecmd,$(LDLIBS)) -ldl
endif

$(O)/scry: $(CLI_OBJS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(SCRY_LDLIBS)

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(O)/tests/unit/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

# Fixtures are built by tests/fixtures/build.sh (they need special flags:
# frame pointers, <sys/sdt.h>, shared libraries, corrupted copies).
fixtures: $(O)/scry
	$(Q)O=$(O) CC=$(CC) sh tests/fixtures/build.sh

check: $(O)/scry $(UNIT_BINS) fixtures
	$(Q)O=$(O) sh tests/run.sh

# libFuzzer targets: always clang, always with sanitizers, own object dir.
FUZZ_O := $(O)/fuzz-obj
FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Isrc -g -O1 -MMD -MP -fsanitize=fuzzer-no-link,address,undefined \
	$(shell $(PKG_CONFIG) --cflags libbpf libelf 2>/dev/null)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_O)/%.o)

$(FUZZ_O)/%.o: %.c
	@mkdir -p $(@D)
	$(call msg,FUZZCC,$@)
	$(Q)clang $(FUZZ_CFLAGS) -c -o $@ $<

$(O)/fuzz/%: fuzz/%.c $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	$(call msg,FUZZLD,$@)
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJS) $(LDLIBS)

fuzz: $(FUZZ_BINS)

clean:
	$(call msg,CLEAN,$(O))
	$(Q)rm -rf $(O)

.PHONY: all check fixtures fuzz clean
.DELETE_ON_ERROR:
# keep the fuzz build's objects between runs
.SECONDARY:

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_BINS:=.d)

# ---- libscry-usdt: dynamic USDT probes (lib/usdt/, docs/usdt-dynamic.md) ----
#
#   make usdt                 $(O)/lib/libscry-usdt.{so,a}, the Node.js addon
#   make install PREFIX=P     header, libraries, Python module, Node.js addon
#
PREFIX ?= /usr/local
NODE_INC ?= /usr/include/node
USDT_SRCS := lib/usdt/build.c lib/usdt/usdt.c
USDT_OBJS := $(USDT_SRCS:%.c=$(O)/%.o)
USDT_CFLAGS = -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -fPIC -fvisibility=hidden -Ilib/usdt -MMD -MP \
	      $(filter-out -std=% -I% -D% -M% -W%,$(CFLAGS))
USDT_SO := $(O)/lib/libscry-usdt.so.0
USDT_A := $(O)/lib/libscry-usdt.a
USDT_NODE := $(O)/lib/node/scry_usdt/scry_usdt.node
USDT_NODE_FILES := $(addprefix $(O)/lib/node/scry_usdt/,index.js package.json binding.gyp)
USDT_ALL := $(USDT_SO) $(O)/lib/libscry-usdt.so $(USDT_A)
ifneq ($(wildcard $(NODE_INC)/node_api.h),)
USDT_ALL += $(USDT_NODE) $(USDT_NODE_FILES)
endif

all: usdt
check: usdt
usdt: $(USDT_ALL)

$(O)/lib/usdt/%.o: lib/usdt/%.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(USDT_CFLAGS) -c -o $@ $<

$(USDT_SO): $(USDT_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,-soname,libscry-usdt.so.0 -Wl,--no-undefined -o $@ $^ -ldl

$(O)/lib/libscry-usdt.so: $(USDT_SO)
	$(Q)ln -sf libscry-usdt.so.0 $@

$(USDT_A): $(USDT_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# The N-API addon, built by the C compiler against the distribution's node
# headers (node-gyp users: lib/usdt/node/binding.gyp builds the same).
$(USDT_NODE): lib/usdt/node/scry_usdt_node.c $(USDT_OBJS)
	@mkdir -p $(@D)
	$(call msg,NODE,$@)
	$(Q)$(CC) $(USDT_CFLAGS) -isystem $(NODE_INC) -DNAPI_VERSION=8 -shared $(LDFLAGS) \
		-o $@ $< $(USDT_OBJS) -ldl

$(O)/lib/node/scry_usdt/%: lib/usdt/node/%
	@mkdir -p $(@D)
	$(Q)cp $< $@

install: install-usdt
install-usdt: usdt
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/lib/python3/dist-packages
	install -m 644 lib/usdt/scry_usdt.h $(DESTDIR)$(PREFIX)/include/
	install -m 755 $(USDT_SO) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libscry-usdt.so.0 $(DESTDIR)$(PREFIX)/lib/libscry-usdt.so
	install -m 644 $(USDT_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 lib/usdt/python/scry_usdt.py $(DESTDIR)$(PREFIX)/lib/python3/dist-packages/
	if [ -f $(USDT_NODE) ]; then \
		install -d $(DESTDIR)$(PREFIX)/lib/node_modules/scry_usdt && \
		install -m 755 $(USDT_NODE) $(DESTDIR)$(PREFIX)/lib/node_modules/scry_usdt/ && \
		install -m 644 $(USDT_NODE_FILES) $(DESTDIR)$(PREFIX)/lib/node_modules/scry_usdt/; \
	fi

# The builder's fuzz target: objects read back by scry's readers (fuzz/usdt_build.c).
$(O)/fuzz/usdt_build: fuzz/usdt_build.c $(FUZZ_LIB_OBJS) $(FUZZ_O)/lib/usdt/build.o
	@mkdir -p $(@D)
	$(call msg,FUZZLD,$@)
	$(Q)clang $(FUZZ_CFLAGS) -Ilib/usdt -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJS) \
		$(FUZZ_O)/lib/usdt/build.o $(LDLIBS)

# The unit test reads the builder's objects back with scry's own ELF readers.
$(O)/tests/unit/usdt_dynamic: tests/unit/usdt_dynamic.c $(LIB) $(USDT_A)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests -Ilib/usdt -o $@ $< $(LIB) $(USDT_A) $(LDFLAGS) $(LDLIBS) -ldl -lpthread

.PHONY: usdt install install-usdt
-include $(USDT_OBJS:.o=.d) $(USDT_NODE:.node=.d)

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, the man pages, the
# bash completion.
PREFIX ?= /usr/local
MAN_PAGES := $(sort $(wildcard docs/man/*.8))
install: $(O)/scry
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -D -m 755 $(O)/scry $(DESTDIR)$(PREFIX)/bin/scry
	$(Q)install -d $(DESTDIR)$(PREFIX)/share/man/man8
	$(Q)install -m 644 $(MAN_PAGES) $(DESTDIR)$(PREFIX)/share/man/man8/
	$(Q)install -D -m 644 completion/scry.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/scry

uninstall:
	$(Q)rm -f $(DESTDIR)$(PREFIX)/bin/scry $(DESTDIR)$(PREFIX)/share/bash-completion/completions/scry \
		$(addprefix $(DESTDIR)$(PREFIX)/share/man/man8/,$(notdir $(MAN_PAGES)))
.PHONY: install uninstall
-include $(FUZZ_LIB_OBJS:.o=.d)
