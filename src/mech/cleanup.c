// SPDX-License-Identifier: GPL-2.0
/*
 * Stale tracefs objects.  Tracefs is shared by everyone on the machine and
 * outlives processes, so only what is provably ours and provably orphaned is
 * touched: the name must follow the convention exactly, and the pid in it
 * must not be a running scry.  Nothing is cached between calls.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mech/cleanup.h"
#include "mech/tracefs.h"
#include "util/log.h"
#include "util/strbuf.h"

#define NAME_PREFIX "scry_"
/* MAX_EVENT_NAME_LEN in the kernel; instance names are bounded the same here */
#define NAME_MAX_LEN 64
/* dynamic_events holds one short line per event: this is thousands of them */
#define EVENTS_MAX (4u << 20)
#define TRIGGERS_MAX (64u << 10)

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

int tracefs_scry_name(char *buf, size_t len, const char *what)
{
	const char *p;
	int n;

	if (!what || !*what)
		return -EINVAL;
	for (p = what; *p; p++)
		if (!is_word_char(*p))
			return -EINVAL;
	n = snprintf(buf, len, NAME_PREFIX "%s_%d", what, (int)getpid());
	if (n < 0 || (size_t)n >= len || n > NAME_MAX_LEN)
		return -ENAMETOOLONG;
	return 0;
}

int tracefs_scry_name_parse(const char *name, pid_t *pid)
{
	size_t plen = strlen(NAME_PREFIX), len = strnlen(name, NAME_MAX_LEN + 1);
	const char *under, *p;
	long v = 0;

	if (len > NAME_MAX_LEN || strncmp(name, NAME_PREFIX, plen))
		return -EINVAL;
	under = strrchr(name, '_');
	/* a non-empty what between the prefix and the last '_' */
	if (under < name + plen + 1)
		return -EINVAL;
	for (p = name + plen; p < under; p++)
		if (!is_word_char(*p))
			return -EINVAL;
	/* then a pid in canonical decimal: no sign, no leading zero */
	p = under + 1;
	if (*p < '1' || *p > '9')
		return -EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (*p - '0');
		if (v > INT_MAX)
			return -EINVAL;
	}
	*pid = (pid_t)v;
	return 0;
}

/*
 * Whether pid is a scry run that may still be using what it named.  Our
 * own pid is not: nothing has been created yet, so an object carrying it was
 * left by a killed run whose pid we were given again.  When /proc cannot
 * tell, the answer is yes, so that nothing live is ever removed.
 */
static bool is_live_scry(pid_t pid)
{
	struct strbuf sb = STRBUF_INIT;
	char path[64], exe[PATH_MAX];
	const char *base;
	bool live = true;
	ssize_t n;
	int err;

	if (pid == getpid())
		return false;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	err = strbuf_read_file(&sb, path, 64);
	if (err == -ENOENT || err == -ESRCH) {
		live = false;
		goto out;
	}
	if (err)
		goto out;
	if (!strcmp(strbuf_str(&sb), "scry\n"))
		goto out;
	/* comm is what it was exec'ed as: a scry run under another name has scry's exe */
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n < 0) {
		/* ENOENT: a kernel thread or a zombie, using nothing; else we cannot tell */
		live = errno != ENOENT && errno != ESRCH;
		goto out;
	}
	exe[n] = '\0';
	base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	live = !strcmp(base, "scry") || !strcmp(base, "scry (deleted)");
out:
	strbuf_release(&sb);
	return live;
}

/*
 * Removes every trigger of the event whose directory is dir: each line of
 * its trigger file written back with '!' ("traceon:count=3 if pid == 1" is
 * removed only by exactly that).  0 or -errno, not reported.
 */
static int clear_triggers(const char *dir)
{
	struct strbuf sb = STRBUF_INIT, cmd = STRBUF_INIT;
	char path[PATH_MAX];
	char *line, *next, *end;
	int err, first = 0;

	if (snprintf(path, sizeof(path), "%s/trigger", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	err = strbuf_read_file(&sb, path, TRIGGERS_MAX);
	if (err)
		goto out;
	for (line = sb.buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line == '#' || !*line)
			continue;
		/* hist triggers are listed with their state after them */
		end = line + strlen(line);
		if (end - line > 9 &&
		    (!strcmp(end - 9, " [active]") || !strcmp(end - 9, " [paused]")))
			end[-9] = '\0';
		strbuf_reset(&cmd);
		err = strbuf_addf(&cmd, "!%s", line);
		if (!err)
			err = tracefs_write(path, strbuf_str(&cmd), true);
		if (err && !first)
			first = err;
	}
	err = first;
out:
	strbuf_release(&sb);
	strbuf_release(&cmd);
	return err;
}

/* Disables the event under events_dir ("…/events") and removes its triggers. */
static int quiesce_event(const char *events_dir, const char *group, const char *event)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int err;

	if (snprintf(dir, sizeof(dir), "%s/%s/%s", events_dir, group, event) >= (int)sizeof(dir) ||
	    snprintf(path, sizeof(path), "%s/enable", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (access(dir, F_OK))
		return 0;	/* not in this instance */
	err = tracefs_write(path, "0", true);
	if (!err)
		err = clear_triggers(dir);
	return err;
}

/*
 * An event can be enabled, and carry triggers, in any instance, and the
 * kernel refuses to remove it while it does: quiesce it everywhere.  This
 * runs only for a stale event, so a second readdir of instances/ is fine.
 */
static int quiesce_everywhere(const char *group, const char *event)
{
	char path[PATH_MAX], events[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int err, first;

	first = tracefs_path(path, sizeof(path), "events");
	if (!first)
		first = quiesce_event(path, group, event);
	err = tracefs_path(path, sizeof(path), "instances");
	if (err)
		return first ? first : err;
	d = opendir(path);
	if (!d)
		return first;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(events, sizeof(events), "%s/%s/events", path, de->d_name) >=
		    (int)sizeof(events))
			continue;
		err = quiesce_event(events, group, event);
		if (err && !first)
			first = err;
	}
	closedir(d);
	return first;
}

/*
 * A killed 'scry record' that had to run its tracer in the top-level buffer
 * (a kernel whose instances lack it: function_graph before 6.12) marks that
 * by its instance's name, scry_rectop_<pid>: the tracer and its filters
 * are reset along with the instance.
 */
static void reset_top_tracer(void)
{
	static const char *const files[] = { "set_ftrace_filter", "set_ftrace_pid", "set_event_pid" };
	char path[PATH_MAX];
	size_t i;

	if (!tracefs_path(path, sizeof(path), "current_tracer"))
		tracefs_write(path, "nop", false);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!tracefs_path(path, sizeof(path), files[i]))
			tracefs_write(path, "", false);
	pr_info("reset the top-level tracer left by a killed scry record");
}

static int cleanup_instances(void)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	int err = 0;
	pid_t pid;
	DIR *d;

	if (tracefs_path(dir, sizeof(dir), "instances"))
		return 0;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;	/* a kernel without instances */
		err = -errno;
		pr_warn("cannot read '%s': %s", dir, strerror(errno));
		return err;
	}
	while ((de = readdir(d))) {
		if (tracefs_scry_name_parse(de->d_name, &pid) || is_live_scry(pid))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		if (!strncmp(de->d_name, "scry_rectop_", 12))
			reset_top_tracer();
		if (rmdir(path)) {
			if (errno == ENOENT || errno == ENODEV)
				continue;	/* its owner removed it as it ended, just now */
			if (!err)
				err = -errno;
			pr_warn("cannot remove tracefs instance '%s' left by a killed scry: %s",
				de->d_name, strerror(errno));
			continue;
		}
		pr_info("removed tracefs instance '%s' left by a killed scry", de->d_name);
	}
	closedir(d);
	return err;
}

/* A group or event name from an events file, safe to put in a path. */
static bool is_event_name(const char *s, size_t len)
{
	size_t i;

	if (!len || len > NAME_MAX_LEN || s[0] == '.')
		return false;
	for (i = 0; i < len; i++)
		if (!is_word_char(s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

/*
 * One line of kprobe_events, uprobe_events or dynamic_events:
 * "p:GROUP/EVENT /bin/true:0x23d0 ARGS".  Removes the event when it is
 * stale; 0 or -errno (reported).
 */
static int cleanup_event_line(const char *file, const char *line)
{
	char group[NAME_MAX_LEN + 1], event[NAME_MAX_LEN + 1], cmd[2 * NAME_MAX_LEN + 8];
	const char *spec = strchr(line, ':'), *slash, *end;
	pid_t pid;
	int err;

	end = line + strcspn(line, " ");
	if (!spec || spec > end)
		return 0;	/* "name fields": a synthetic event, never ours */
	spec++;
	slash = memchr(spec, '/', (size_t)(end - spec));
	if (!slash || !is_event_name(spec, (size_t)(slash - spec)) ||
	    !is_event_name(slash + 1, (size_t)(end - slash - 1)))
		return 0;
	memcpy(group, spec, (size_t)(slash - spec));
	group[slash - spec] = '\0';
	memcpy(event, slash + 1, (size_t)(end - slash - 1));
	event[end - slash - 1] = '\0';
	if (tracefs_scry_name_parse(group, &pid) && tracefs_scry_name_parse(event, &pid))
		return 0;
	if (is_live_scry(pid))
		return 0;
	/* not fatal: the removal says whether it mattered */
	quiesce_everywhere(group, event);
	snprintf(cmd, sizeof(cmd), "-:%s/%s", group, event);
	err = tracefs_write(file, cmd, true);
	if (err) {
		pr_warn("cannot remove event '%s/%s' left by a killed scry: %s", group, event,
			strerror(-err));
		return err;
	}
	pr_info("removed event '%s/%s' left by a killed scry", group, event);
	return 0;
}

/* 0 when rel does not exist; else 0 or the first -errno (each reported). */
static int cleanup_events_file(const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	char path[PATH_MAX];
	char *line, *next;
	int err, first = 0;

	if (tracefs_path(path, sizeof(path), rel))
		return 0;
	err = strbuf_read_file(&sb, path, EVENTS_MAX);
	if (err) {
		if (err == -ENOENT)
			err = 0;
		else
			pr_warn("cannot read '%s': %s", path, strerror(-err));
		goto out;
	}
	for (line = sb.buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		err = cleanup_event_line(path, line);
		if (err && !first)
			first = err;
	}
	err = first;
out:
	strbuf_release(&sb);
	return err;
}

int tracefs_cleanup_stale(void)
{
	const char *env = getenv("SCRY_TRACEFS");
	char path[PATH_MAX];
	int err, first;

	if (env && *env)
		return 0;	/* a read-only copy, not the kernel's */
	if (!tracefs_dir(false))
		return 0;
	/*
	 * Instances first: removing one drops what was enabled in it, which
	 * would otherwise keep its events busy.
	 */
	first = cleanup_instances();
	/* dynamic_events lists kprobes and uprobes both, where the kernel has it */
	if (!tracefs_path(path, sizeof(path), "dynamic_events") && !access(path, F_OK)) {
		err = cleanup_events_file("dynamic_events");
		first = first ? first : err;
	} else {
		err = cleanup_events_file("kprobe_events");
		first = first ? first : err;
		err = cleanup_events_file("uprobe_events");
		first = first ? first : err;
	}
	return first;
}
