# counterdesk — build, demo and test.  See README.md.
#   make demo    install what is missing, build, start a private cluster under var/, open the workbench
#   make check   the same for a throwaway cluster, then every test; last line "N passed, N failed"

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share
MANDIR   ?= $(DATADIR)/man
LOCALEDIR ?= $(DATADIR)/locale
SYSCONFDIR ?= /etc
DESTDIR  ?=

CC       ?= cc
BUILD    := build
PKGS     := libpq libsodium ncursesw jansson
PKG_CFLAGS := $(filter-out -D_XOPEN_SOURCE% -D_DEFAULT_SOURCE,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN     := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
DEFS     := -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -D_XOPEN_SOURCE_EXTENDED \
            -DLOCALEDIR='"$(LOCALEDIR)"' -DDATADIR='"$(DATADIR)"' -DSYSCONFDIR='"$(SYSCONFDIR)"'
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 $(DEFS) $(WARN) $(HARDEN) $(PKG_CFLAGS) -Isrc -Iscreens $(CFLAGS)
LDFLAGS_ALL = -pie -Wl,-z,relro,-z,now $(LDFLAGS)
LIBS     := $(PKG_LIBS) -liniparser

SAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

CORE_SRC    := $(filter-out src/main.c src/sync_main.c,$(wildcard src/*.c))
SCREENS_SRC := $(wildcard screens/*.c)
UNIT_SRC    := $(wildcard tests/unit/test_*.c)

CORE_OBJ    := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
SCREENS_OBJ := $(SCREENS_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
ASAN_CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/asan/%.o)
ASAN_UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/asan/tests/%)

PO       := $(wildcard po/*.po)
MO       := $(PO:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/counterdesk.mo)
MAN      := $(wildcard man/*.[1-8])

.PHONY: all deps demo demo-stop demo-reset check unit-tests asan-tests install uninstall \
        bench clean lint-man valgrind

all: $(BUILD)/counterdesk $(BUILD)/counterdesk-sync $(MO)

deps:
	@scripts/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC (asan) $<"
	@$(CC) $(filter-out -O2 $(HARDEN),$(ALL_CFLAGS)) $(SAN_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libcore.a: $(CORE_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/libcore-asan.a: $(ASAN_CORE_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/libscreens.a: $(SCREENS_OBJ)
	@rm -f $@
	@ar rcs $@ $^

# The core's CLI starts the TUI and the screens call the core: link as a group.
$(BUILD)/counterdesk: $(BUILD)/obj/src/main.o $(BUILD)/libscreens.a $(BUILD)/libcore.a
	@echo "LD $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS_ALL) $< -Wl,--start-group $(BUILD)/libscreens.a $(BUILD)/libcore.a -Wl,--end-group $(LIBS) -o $@

# The delivery daemon: the core without the screens.
$(BUILD)/counterdesk-sync: $(BUILD)/obj/src/sync_main.o $(BUILD)/libcore.a
	@echo "LD $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS_ALL) $< $(BUILD)/libcore.a $(LIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libcore.a
	@mkdir -p $(dir $@)
	@echo "LD $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS_ALL) $< $(BUILD)/libcore.a $(LIBS) -lcmocka -o $@

$(BUILD)/asan/tests/%: tests/unit/%.c $(BUILD)/libcore-asan.a
	@mkdir -p $(dir $@)
	@echo "LD (asan) $@"
	@$(CC) $(filter-out -O2 $(HARDEN),$(ALL_CFLAGS)) $(SAN_CFLAGS) $< $(BUILD)/libcore-asan.a $(LIBS) -lcmocka -o $@

# A language is po/LANG.po plus the fragments po/LANG.d/*.po (one per feature,
# so that work on separate features never edits the same file).
.SECONDEXPANSION:
$(BUILD)/locale/%/LC_MESSAGES/counterdesk.mo: po/%.po $$(wildcard po/%.d/*.po)
	@mkdir -p $(dir $@)
	msgcat --use-first -o $@.po $^
	msgfmt --check -o $@ $@.po
	@rm -f $@.po

unit-tests: $(UNIT_BIN)
asan-tests: $(ASAN_UNIT_BIN)

# The demo: a private cluster under var/, reused on the next run.
demo: deps all
	@scripts/cluster.sh up "$(CURDIR)/var"
	@echo "Demo logins: clerk1 clerk2 green1 reviewer.mz reviewer.rs reviewer.yb super1 admin1 kiosk1 (password: <login>-demo)"
	COUNTERDESK_LOCALEDIR="$(CURDIR)/$(BUILD)/locale" $(BUILD)/counterdesk --config "$(CURDIR)/var/counterdesk.ini"

demo-stop:
	@scripts/cluster.sh stop "$(CURDIR)/var"

demo-reset:
	@scripts/cluster.sh destroy "$(CURDIR)/var"

check: deps all unit-tests asan-tests
	@scripts/check.sh

valgrind: unit-tests
	@for t in $(UNIT_BIN); do \
		valgrind -q --leak-check=full --error-exitcode=1 $$t >/dev/null || { echo "valgrind: $$t"; exit 1; }; \
	done; echo "valgrind: no errors, no leaks"

bench: deps all
	@scripts/check.sh --bench

lint-man:
	mandoc -Tlint -W warning $(MAN)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/counterdesk/sql \
		$(DESTDIR)$(DATADIR)/counterdesk/forms $(DESTDIR)$(DATADIR)/counterdesk/holidays \
		$(DESTDIR)$(DATADIR)/doc/counterdesk $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8
	install -m 755 $(BUILD)/counterdesk $(DESTDIR)$(BINDIR)/counterdesk
	install -m 755 $(BUILD)/counterdesk-sync $(DESTDIR)$(BINDIR)/counterdesk-sync
	install -d $(DESTDIR)$(DATADIR)/doc/counterdesk/targets.d
	install -m 644 config/targets.d/*.ini $(DESTDIR)$(DATADIR)/doc/counterdesk/targets.d/
	install -m 644 contrib/counterdesk-sync.service $(DESTDIR)$(DATADIR)/doc/counterdesk/
	cp -R sql/. $(DESTDIR)$(DATADIR)/counterdesk/sql/
	cp -R forms/. $(DESTDIR)$(DATADIR)/counterdesk/forms/
	cp -R config/holidays/. $(DESTDIR)$(DATADIR)/counterdesk/holidays/
	install -m 644 config/counterdesk.ini.example $(DESTDIR)$(DATADIR)/doc/counterdesk/
	if [ -f config/hall.ini ]; then install -m 644 config/hall.ini $(DESTDIR)$(DATADIR)/doc/counterdesk/hall.ini.example; fi
	for m in $(MAN); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}/; done
	for mo in $(MO); do l=$${mo#$(BUILD)/locale/}; \
		install -D -m 644 $$mo $(DESTDIR)$(LOCALEDIR)/$$l; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/counterdesk $(DESTDIR)$(BINDIR)/counterdesk-sync
	rm -rf $(DESTDIR)$(DATADIR)/counterdesk $(DESTDIR)$(DATADIR)/doc/counterdesk
	rm -f $(DESTDIR)$(LOCALEDIR)/*/LC_MESSAGES/counterdesk.mo
	for m in $(MAN); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$$(basename $$m); done

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
