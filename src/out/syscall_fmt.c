// SPDX-License-Identifier: GPL-2.0
/*
 * System calls as strace prints them.  See syscall_fmt.h.
 *
 * The argument kinds of a call are one letter each (table below); the
 * flag and enum tables are scry's own, written from the kernel's uapi
 * headers.  Calls without a table row get the layout of their syscall
 * tracepoint's format (pointers in hex, integers in decimal).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/syscall_fmt.h"

static const char *const names[SC_MAX_NR] = {
#define X(nr, name) [nr] = #name,
#include "out/syscall_names_x86_64.h"
#undef X
};

/*
 * Argument kinds:
 *   i int   l long   u unsigned   x pointer (NULL or 0x..)   h hex   d dirfd (AT_FDCWD)
 *   p path or string (read in the kernel; the first is str[0], the second str[1])
 *   o open flags   m mode if O_CREAT/O_TMPFILE   M mode   A access mode   a AT_* flags
 *   b buffer in, its length is the next argument   B buffer out, ret bytes
 *   S struct stat out   T struct timespec in   t struct timespec out   L struct rlimit out
 *   W wait status out   w wait options   R RLIMIT_*   k ARCH_*   g GRND_*   G signal
 *   r PROT_*   F MAP_*   e SEEK_*   I ioctl request   f F_* command   n AF_*   y SOCK_*
 *   P int[2] out (pipe)   C clock id   z struct sockaddr in, its length next   c clone (whole call)
 *   E execve (whole call)   _ not shown
 * The return kind: d decimal, x hex (addresses), q "?" (no return).
 */
struct sc_desc {
	const char *name;
	const char *args;
	char ret;
	unsigned int classes;
};

#define F SC_FILE
#define N SC_NETWORK
#define P SC_PROCESS
#define M SC_MEMORY
#define S SC_SIGNAL
#define D SC_DESC
static const struct sc_desc table[] = {
	{ "read", "iBu", 'd', D },
	{ "write", "ibu", 'd', D },
	{ "open", "pom", 'd', D | F },
	{ "close", "i", 'd', D },
	{ "stat", "pS", 'd', F | SC_STAT },
	{ "fstat", "iS", 'd', D | SC_STAT },
	{ "lstat", "pS", 'd', F | SC_STAT },
	{ "poll", "xui", 'd', D },
	{ "lseek", "ile", 'd', D },
	{ "mmap", "xurFih", 'x', D | M },
	{ "mprotect", "xur", 'd', M },
	{ "munmap", "xu", 'd', M },
	{ "brk", "x", 'x', M },
	{ "rt_sigaction", "Gxxu", 'd', S },
	{ "rt_sigprocmask", "qxxu", 'd', S },
	{ "rt_sigreturn", "", 'd', S },
	{ "ioctl", "iIh", 'd', D },
	{ "pread64", "iBul", 'd', D },
	{ "pwrite64", "ibul", 'd', D },
	{ "readv", "ixi", 'd', D },
	{ "writev", "ixi", 'd', D },
	{ "access", "pA", 'd', F },
	{ "pipe", "P", 'd', D },
	{ "select", "ixxxx", 'd', D },
	{ "sched_yield", "", 'd', 0 },
	{ "mremap", "xuuhx", 'x', M },
	{ "msync", "xuh", 'd', M },
	{ "mincore", "xux", 'd', M },
	{ "madvise", "xui", 'd', M },
	{ "dup", "i", 'd', D },
	{ "dup2", "ii", 'd', D },
	{ "pause", "", 'd', S },
	{ "nanosleep", "Tx", 'd', SC_CLOCK },
	{ "getpid", "", 'd', P },
	{ "socket", "nyi", 'd', N | D },
	{ "connect", "izu", 'd', N | D },
	{ "accept", "ixx", 'd', N | D },
	{ "sendto", "ibuhxi", 'd', N | D },
	{ "recvfrom", "iBuhxx", 'd', N | D },
	{ "sendmsg", "ixh", 'd', N | D },
	{ "recvmsg", "ixh", 'd', N | D },
	{ "shutdown", "ii", 'd', N | D },
	{ "bind", "izu", 'd', N | D },
	{ "listen", "ii", 'd', N | D },
	{ "getsockname", "ixx", 'd', N | D },
	{ "getpeername", "ixx", 'd', N | D },
	{ "socketpair", "nyix", 'd', N | D },
	{ "setsockopt", "iiixi", 'd', N | D },
	{ "getsockopt", "iiixx", 'd', N | D },
	{ "clone", "c", 'd', P },
	{ "fork", "", 'd', P },
	{ "vfork", "", 'd', P },
	{ "execve", "E", 'd', F | P },
	{ "exit", "i", 'q', P },
	{ "wait4", "iWwx", 'd', P },
	{ "kill", "iG", 'd', P | S },
	{ "uname", "x", 'd', 0 },
	{ "fcntl", "ifh", 'd', D },
	{ "flock", "ii", 'd', D },
	{ "fsync", "i", 'd', D },
	{ "fdatasync", "i", 'd', D },
	{ "truncate", "pl", 'd', F },
	{ "ftruncate", "il", 'd', D },
	{ "getdents64", "ixu", 'd', D },
	{ "getcwd", "xu", 'd', F },
	{ "chdir", "p", 'd', F },
	{ "fchdir", "i", 'd', D },
	{ "rename", "pp", 'd', F },
	{ "mkdir", "pM", 'd', F },
	{ "rmdir", "p", 'd', F },
	{ "creat", "pM", 'd', D | F },
	{ "link", "pp", 'd', F },
	{ "unlink", "p", 'd', F },
	{ "symlink", "pp", 'd', F },
	{ "readlink", "pBu", 'd', F },
	{ "chmod", "pM", 'd', F },
	{ "fchmod", "iM", 'd', D },
	{ "chown", "pii", 'd', F },
	{ "fchown", "iii", 'd', D },
	{ "umask", "M", 'd', 0 },
	{ "getuid", "", 'd', SC_CREDS },
	{ "getgid", "", 'd', SC_CREDS },
	{ "geteuid", "", 'd', SC_CREDS },
	{ "getegid", "", 'd', SC_CREDS },
	{ "getppid", "", 'd', 0 },
	{ "getpgrp", "", 'd', 0 },
	{ "setsid", "", 'd', 0 },
	{ "rt_sigpending", "xu", 'd', S },
	{ "rt_sigsuspend", "xu", 'd', S },
	{ "sigaltstack", "xx", 'd', S },
	{ "statfs", "px", 'd', F },
	{ "fstatfs", "ix", 'd', D },
	{ "arch_prctl", "kh", 'd', 0 },
	{ "gettid", "", 'd', 0 },
	{ "tkill", "iG", 'd', P | S },
	{ "futex", "X", 'd', 0 },
	{ "set_tid_address", "x", 'd', 0 },
	{ "clock_gettime", "Ct", 'd', SC_CLOCK },
	{ "clock_nanosleep", "CiTx", 'd', SC_CLOCK },
	{ "exit_group", "i", 'q', P },
	{ "tgkill", "iiG", 'd', P | S },
	{ "openat", "dpom", 'd', D | F },
	{ "mkdirat", "dpM", 'd', D | F },
	{ "newfstatat", "dpSa", 'd', D | F | SC_STAT },
	{ "unlinkat", "dpa", 'd', D | F },
	{ "renameat", "dpdp", 'd', D | F },
	{ "linkat", "dpdpa", 'd', D | F },
	{ "symlinkat", "pdp", 'd', D | F },
	{ "readlinkat", "dpBu", 'd', D | F },
	{ "fchmodat", "dpM", 'd', D | F },
	{ "faccessat", "dpA", 'd', D | F },
	{ "faccessat2", "dpAa", 'd', D | F },
	{ "set_robust_list", "xu", 'd', 0 },
	{ "pipe2", "Po", 'd', D },
	{ "dup3", "iio", 'd', D },
	{ "accept4", "ixxh", 'd', N | D },
	{ "prlimit64", "iRxL", 'd', 0 },
	{ "getrandom", "Hug", 'd', 0 },
	{ "execveat", "dpxxa", 'd', D | F | P },
	{ "rseq", "xhih", 'd', 0 },
	{ "clone3", "xu", 'd', P },
	{ "statx", "dpjJY", 'd', D | F | SC_STAT },
	{ "renameat2", "dpdph", 'd', D | F },
	{ "openat2", "dpxu", 'd', D | F },
	{ "sched_getaffinity", "iux", 'd', 0 },
	{ "epoll_wait", "ixii", 'd', D },
	{ "epoll_pwait", "ixiixu", 'd', D },
	{ "epoll_create1", "o", 'd', D },
	{ "epoll_ctl", "iiix", 'd', D },
	{ "eventfd2", "uo", 'd', D },
	{ "wait4", "iWwx", 'd', P },
	{ "waitid", "iixhx", 'd', P },
	{ "sendfile", "iixu", 'd', D | N },
	{ "utimensat", "dpxa", 'd', D | F },
	{ "inotify_add_watch", "iph", 'd', D | F },
	{ "chroot", "p", 'd', F },
	{ "mount", "pppux", 'd', F },
	{ "umount2", "pi", 'd', F },
	{ "memfd_create", "pu", 'd', D },
	{ "pidfd_open", "iu", 'd', D | P },
	{ "pidfd_send_signal", "iGxu", 'd', D | S | P },
	{ "rt_sigqueueinfo", "iGx", 'd', P | S },
	{ "rt_tgsigqueueinfo", "iiGx", 'd', P | S },
	{ "signalfd4", "ixuo", 'd', D | S },
	{ "rt_sigtimedwait", "xxxu", 'd', S },
	{ "alarm", "u", 'd', 0 },
	{ "unshare", "h", 'd', 0 },
	{ "mlock", "xu", 'd', M },
	{ "munlock", "xu", 'd', M },
	{ "mlockall", "h", 'd', M },
	{ "munlockall", "", 'd', M },
	{ "mbind", "xuixuu", 'd', M },
	{ "pkey_mprotect", "xuri", 'd', M },
	{ "remap_file_pages", "xuuuh", 'd', M },
	{ "shmat", "ixh", 'x', SC_IPC | M },
	{ "shmdt", "x", 'd', SC_IPC | M },
	{ "shmget", "iuh", 'd', SC_IPC },
	{ "perf_event_open", "xiiih", 'd', D },
	{ "getsid", "i", 'd', 0 },
	{ "setpgid", "ii", 'd', 0 },
	{ "getpgid", "i", 'd', 0 },
	{ "setuid", "i", 'd', SC_CREDS },
	{ "setgid", "i", 'd', SC_CREDS },
	{ "recvmmsg", "ixuhx", 'd', N | D },
	{ "sendmmsg", "ixuh", 'd', N | D },
	{ "copy_file_range", "ixixuu", 'd', D },
	{ "splice", "ixixuh", 'd', D },
	{ "timerfd_create", "Co", 'd', D },
	{ "fallocate", "iill", 'd', D },
	{ "fadvise64", "illV", 'd', D },
	{ "readahead", "ilu", 'd', D },
	{ "close_range", "uuu", 'd', D },
};
#undef F
#undef N
#undef P
#undef M
#undef S
#undef D

/* Per number: the table row, or a generic layout from the tracepoint format. */
struct sc_slot {
	const struct sc_desc *d;
	char generic[8];
	bool has_generic;
};

static struct sc_slot slots[SC_MAX_NR];
static bool slots_ready;

static void slots_init(void)
{
	size_t i;
	int nr;

	if (slots_ready)
		return;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		nr = sc_nr(table[i].name);
		if (nr >= 0 && !slots[nr].d)
			slots[nr].d = &table[i];
	}
	slots_ready = true;
}

const char *sc_name(int nr)
{
	return nr >= 0 && nr < SC_MAX_NR ? names[nr] : NULL;
}

int sc_nr(const char *name)
{
	int i;

	for (i = 0; i < SC_MAX_NR; i++)
		if (names[i] && !strcmp(names[i], name))
			return i;
	return -1;
}

/* The classes of calls scry has no row for, from strace's lists. */
static unsigned int extra_classes(const char *n)
{
	static const char *const file[] = { "lchown", "utime", "utimes", "mknod", "mknodat",
		"fchownat", "futimesat", "setxattr", "lsetxattr", "getxattr", "lgetxattr",
		"listxattr", "llistxattr", "removexattr", "lremovexattr", "swapon", "swapoff",
		"pivot_root", "acct", "quotactl", "name_to_handle_at", "uselib", "open_tree",
		"move_mount", "fspick", "mount_setattr", "fanotify_mark", "fchmodat2", "statmount",
		"setxattrat", "getxattrat", "listxattrat", "removexattrat", "open_tree_attr", NULL };
	static const char *const signal[] = { "rt_sigreturn", "signalfd", NULL };
	const char *const *p;

	for (p = file; *p; p++)
		if (!strcmp(*p, n))
			return SC_FILE;
	for (p = signal; *p; p++)
		if (!strcmp(*p, n))
			return SC_SIGNAL;
	return 0;
}

unsigned int sc_classes(int nr)
{
	slots_init();
	if (nr < 0 || nr >= SC_MAX_NR)
		return 0;
	if (slots[nr].d)
		return slots[nr].d->classes;
	return names[nr] ? extra_classes(names[nr]) : 0;
}

bool sc_known(int nr)
{
	slots_init();
	return nr >= 0 && nr < SC_MAX_NR && (slots[nr].d || slots[nr].has_generic);
}

int sc_set_generic(int nr, int nargs, const bool *is_ptr, const bool *is_str)
{
	int i;

	slots_init();
	if (nr < 0 || nr >= SC_MAX_NR || nargs < 0 || nargs > 6)
		return -EINVAL;
	if (slots[nr].d)
		return 0;
	for (i = 0; i < nargs; i++)
		slots[nr].generic[i] = is_str[i] ? 'p' : is_ptr[i] ? 'x' : 'l';
	slots[nr].generic[nargs] = '\0';
	slots[nr].has_generic = true;
	return 0;
}

static const char *kinds_of(int nr, char *ret)
{
	slots_init();
	*ret = 'd';
	if (nr < 0 || nr >= SC_MAX_NR)
		return NULL;
	if (slots[nr].d) {
		*ret = slots[nr].d->ret;
		return slots[nr].d->args;
	}
	return slots[nr].has_generic ? slots[nr].generic : NULL;
}

void sc_layout(int nr, int *str0, int *str1, int *win)
{
	const char *k;
	char ret;
	int i;

	*str0 = *str1 = *win = -1;
	k = kinds_of(nr, &ret);
	if (!k)
		return;
	if (!strcmp(k, "E")) {
		*str0 = 0;
		return;
	}
	if (!strcmp(k, "c")) {
		*win = 2;	/* parent_tid */
		return;
	}
	for (i = 0; k[i] && i < 6; i++) {
		if (k[i] == 'p') {
			if (*str0 < 0)
				*str0 = i;
			else if (*str1 < 0)
				*str1 = i;
		} else if (strchr("bBHStTLWPzY", k[i]) && *win < 0) {
			*win = i;
		}
	}
}

/* ---- flag tables ---- */

struct xlat {
	uint64_t v;
	const char *name;
};

#define XE(v) { v, #v }
#define XEND { 0, NULL }

/* strace's order (O_TMPFILE holds O_DIRECTORY's bit: before it) */
static const struct xlat open_flags[] = {
	{ 0100, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" }, { 01000, "O_TRUNC" },
	{ 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" }, { 04010000, "O_SYNC" }, { 010000, "O_DSYNC" },
	{ 040000, "O_DIRECT" }, { 0100000, "O_LARGEFILE" }, { 0400000, "O_NOFOLLOW" },
	{ 01000000, "O_NOATIME" }, { 02000000, "O_CLOEXEC" }, { 010000000, "O_PATH" },
	{ 020200000, "O_TMPFILE" }, { 0200000, "O_DIRECTORY" }, { 020000, "FASYNC" }, XEND,
};

static const struct xlat prot_flags[] = {
	{ 1, "PROT_READ" }, { 2, "PROT_WRITE" }, { 4, "PROT_EXEC" }, { 8, "PROT_SEM" },
	{ 0x01000000, "PROT_GROWSDOWN" }, { 0x02000000, "PROT_GROWSUP" }, XEND,
};

static const struct xlat map_flags[] = {
	{ 0x10, "MAP_FIXED" }, { 0x20, "MAP_ANONYMOUS" }, { 0x40, "MAP_32BIT" },
	{ 0x100, "MAP_GROWSDOWN" }, { 0x800, "MAP_DENYWRITE" }, { 0x1000, "MAP_EXECUTABLE" },
	{ 0x2000, "MAP_LOCKED" }, { 0x4000, "MAP_NORESERVE" }, { 0x8000, "MAP_POPULATE" },
	{ 0x10000, "MAP_NONBLOCK" }, { 0x20000, "MAP_STACK" }, { 0x40000, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" }, { 0x100000, "MAP_FIXED_NOREPLACE" },
	{ 0x4000000, "MAP_UNINITIALIZED" }, XEND,
};

static const struct xlat at_flags[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_REMOVEDIR" }, { 0x400, "AT_SYMLINK_FOLLOW" },
	{ 0x800, "AT_NO_AUTOMOUNT" }, { 0x1000, "AT_EMPTY_PATH" }, { 0x8000, "AT_RECURSIVE" }, XEND,
};

static const struct xlat access_flags[] = {
	{ 4, "R_OK" }, { 2, "W_OK" }, { 1, "X_OK" }, XEND,
};

static const struct xlat clone_flags[] = {
	{ 0x100, "CLONE_VM" }, { 0x200, "CLONE_FS" }, { 0x400, "CLONE_FILES" },
	{ 0x800, "CLONE_SIGHAND" }, { 0x1000, "CLONE_PIDFD" }, { 0x2000, "CLONE_PTRACE" },
	{ 0x4000, "CLONE_VFORK" }, { 0x8000, "CLONE_PARENT" }, { 0x10000, "CLONE_THREAD" },
	{ 0x20000, "CLONE_NEWNS" }, { 0x40000, "CLONE_SYSVSEM" }, { 0x80000, "CLONE_SETTLS" },
	{ 0x100000, "CLONE_PARENT_SETTID" }, { 0x200000, "CLONE_CHILD_CLEARTID" },
	{ 0x400000, "CLONE_DETACHED" }, { 0x800000, "CLONE_UNTRACED" },
	{ 0x1000000, "CLONE_CHILD_SETTID" }, { 0x2000000, "CLONE_NEWCGROUP" },
	{ 0x4000000, "CLONE_NEWUTS" }, { 0x8000000, "CLONE_NEWIPC" },
	{ 0x10000000, "CLONE_NEWUSER" }, { 0x20000000, "CLONE_NEWPID" },
	{ 0x40000000, "CLONE_NEWNET" }, { 0x80000000, "CLONE_IO" }, XEND,
};

static const struct xlat wait_options[] = {
	{ 1, "WNOHANG" }, { 2, "WUNTRACED" }, { 4, "WEXITED" }, { 8, "WCONTINUED" },
	{ 0x01000000, "WNOWAIT" }, { 0x20000000, "__WNOTHREAD" }, { 0x40000000, "__WALL" },
	{ 0x80000000, "__WCLONE" }, XEND,
};

static const struct xlat grnd_flags[] = {
	{ 1, "GRND_NONBLOCK" }, { 2, "GRND_RANDOM" }, { 4, "GRND_INSECURE" }, XEND,
};

static const struct xlat rlimits[] = {
	{ 0, "RLIMIT_CPU" }, { 1, "RLIMIT_FSIZE" }, { 2, "RLIMIT_DATA" }, { 3, "RLIMIT_STACK" },
	{ 4, "RLIMIT_CORE" }, { 5, "RLIMIT_RSS" }, { 6, "RLIMIT_NPROC" }, { 7, "RLIMIT_NOFILE" },
	{ 8, "RLIMIT_MEMLOCK" }, { 9, "RLIMIT_AS" }, { 10, "RLIMIT_LOCKS" },
	{ 11, "RLIMIT_SIGPENDING" }, { 12, "RLIMIT_MSGQUEUE" }, { 13, "RLIMIT_NICE" },
	{ 14, "RLIMIT_RTPRIO" }, { 15, "RLIMIT_RTTIME" }, XEND,
};

static const struct xlat arch_codes[] = {
	{ 0x1001, "ARCH_SET_GS" }, { 0x1002, "ARCH_SET_FS" }, { 0x1003, "ARCH_GET_FS" },
	{ 0x1004, "ARCH_GET_GS" }, { 0x1011, "ARCH_GET_CPUID" }, { 0x1012, "ARCH_SET_CPUID" },
	{ 0x2001, "ARCH_MAP_VDSO_X32" }, { 0x2002, "ARCH_MAP_VDSO_32" },
	{ 0x2003, "ARCH_MAP_VDSO_64" }, XEND,
};

static const struct xlat seek_whence[] = {
	{ 0, "SEEK_SET" }, { 1, "SEEK_CUR" }, { 2, "SEEK_END" }, { 3, "SEEK_DATA" },
	{ 4, "SEEK_HOLE" }, XEND,
};

static const struct xlat ioctls[] = {
	{ 0x5401, "TCGETS" }, { 0x5402, "TCSETS" }, { 0x5403, "TCSETSW" }, { 0x5404, "TCSETSF" },
	{ 0x540b, "TCFLSH" }, { 0x540e, "TIOCSCTTY" }, { 0x540f, "TIOCGPGRP" },
	{ 0x5410, "TIOCSPGRP" }, { 0x5413, "TIOCGWINSZ" }, { 0x5414, "TIOCSWINSZ" },
	{ 0x541b, "FIONREAD" }, { 0x5421, "FIONBIO" }, { 0x5450, "FIONCLEX" },
	{ 0x5451, "FIOCLEX" }, { 0x5452, "FIOASYNC" }, XEND,
};

static const struct xlat fcntl_cmds[] = {
	{ 0, "F_DUPFD" }, { 1, "F_GETFD" }, { 2, "F_SETFD" }, { 3, "F_GETFL" }, { 4, "F_SETFL" },
	{ 5, "F_GETLK" }, { 6, "F_SETLK" }, { 7, "F_SETLKW" }, { 8, "F_SETOWN" },
	{ 9, "F_GETOWN" }, { 1024, "F_SETLEASE" }, { 1025, "F_GETLEASE" },
	{ 1030, "F_DUPFD_CLOEXEC" }, { 1031, "F_SETPIPE_SZ" }, { 1032, "F_GETPIPE_SZ" }, XEND,
};

static const struct xlat families[] = {
	{ 0, "AF_UNSPEC" }, { 1, "AF_UNIX" }, { 2, "AF_INET" }, { 10, "AF_INET6" },
	{ 16, "AF_NETLINK" }, { 17, "AF_PACKET" }, { 38, "AF_ALG" }, { 40, "AF_VSOCK" }, XEND,
};

static const struct xlat sock_types[] = {
	{ 1, "SOCK_STREAM" }, { 2, "SOCK_DGRAM" }, { 3, "SOCK_RAW" }, { 4, "SOCK_RDM" },
	{ 5, "SOCK_SEQPACKET" }, { 6, "SOCK_DCCP" }, { 10, "SOCK_PACKET" }, XEND,
};

static const struct xlat clocks[] = {
	{ 0, "CLOCK_REALTIME" }, { 1, "CLOCK_MONOTONIC" }, { 2, "CLOCK_PROCESS_CPUTIME_ID" },
	{ 3, "CLOCK_THREAD_CPUTIME_ID" }, { 4, "CLOCK_MONOTONIC_RAW" },
	{ 5, "CLOCK_REALTIME_COARSE" }, { 6, "CLOCK_MONOTONIC_COARSE" }, { 7, "CLOCK_BOOTTIME" },
	{ 8, "CLOCK_REALTIME_ALARM" }, { 9, "CLOCK_BOOTTIME_ALARM" }, { 11, "CLOCK_TAI" }, XEND,
};

static const char *const signames[] = {
	NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
	"SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
	"SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
};

const char *sc_signame(int sig, char *buf, int len)
{
	if (sig > 0 && sig < (int)(sizeof(signames) / sizeof(signames[0])))
		return signames[sig];
	if (sig >= 34 && sig <= 64) {
		if (sig == 34)
			snprintf(buf, (size_t)len, "SIGRTMIN");
		else
			snprintf(buf, (size_t)len, "SIGRT_%d", sig - 32);
		return buf;
	}
	snprintf(buf, (size_t)len, "%d", sig);
	return buf;
}

static int put_enum(struct strbuf *sb, const struct xlat *x, uint64_t v, const char *unknown)
{
	for (; x->name; x++)
		if (x->v == v)
			return strbuf_addstr(sb, x->name);
	return strbuf_addf(sb, "%#llx /* %s */", (unsigned long long)v, unknown);
}

/* Flags as NAME|NAME, the unknown bits in hex, "0" for none. */
static int put_flags(struct strbuf *sb, const struct xlat *x, uint64_t v, bool first)
{
	int err = 0;

	for (; x->name && v; x++) {
		if (x->v && (v & x->v) == x->v) {
			err = err ?: strbuf_addf(sb, "%s%s", first ? "" : "|", x->name);
			v &= ~x->v;
			first = false;
		}
	}
	if (v || first)
		err = err ?: strbuf_addf(sb, first ? "%#llx" : "|%#llx", (unsigned long long)v);
	return err;
}

static const struct xlat sigprocmask_hows[] = {
	{ 0, "SIG_BLOCK" }, { 1, "SIG_UNBLOCK" }, { 2, "SIG_SETMASK" }, XEND,
};

static const struct xlat fadvices[] = {
	{ 0, "POSIX_FADV_NORMAL" }, { 1, "POSIX_FADV_RANDOM" }, { 2, "POSIX_FADV_SEQUENTIAL" },
	{ 3, "POSIX_FADV_WILLNEED" }, { 4, "POSIX_FADV_DONTNEED" }, { 5, "POSIX_FADV_NOREUSE" }, XEND,
};

static const struct xlat statx_masks[] = {
	{ 0x7ff, "STATX_BASIC_STATS" },
	{ 0x1, "STATX_TYPE" }, { 0x2, "STATX_MODE" }, { 0x4, "STATX_NLINK" }, { 0x8, "STATX_UID" },
	{ 0x10, "STATX_GID" }, { 0x20, "STATX_ATIME" }, { 0x40, "STATX_MTIME" },
	{ 0x80, "STATX_CTIME" }, { 0x100, "STATX_INO" }, { 0x200, "STATX_SIZE" },
	{ 0x400, "STATX_BLOCKS" }, { 0x800, "STATX_BTIME" }, { 0x1000, "STATX_MNT_ID" },
	{ 0x2000, "STATX_DIOALIGN" }, { 0x4000, "STATX_MNT_ID_UNIQUE" }, { 0x8000, "STATX_SUBVOL" },
	{ 0x10000, "STATX_WRITE_ATOMIC" }, { 0x20000, "STATX_DIO_READ_ALIGN" }, XEND,
};

static int put_ptr(struct strbuf *sb, uint64_t v)
{
	return v ? strbuf_addf(sb, "%#llx", (unsigned long long)v) : strbuf_addstr(sb, "NULL");
}

/* strace's quoting: C escapes, octal as short as the next character allows. */
static int put_quoted(struct strbuf *sb, const uint8_t *s, size_t n, bool more)
{
	size_t i;
	int err = strbuf_addch(sb, '"');

	for (i = 0; i < n && !err; i++) {
		uint8_t c = s[i];

		switch (c) {
		case '"': err = strbuf_addstr(sb, "\\\""); break;
		case '\\': err = strbuf_addstr(sb, "\\\\"); break;
		case '\t': err = strbuf_addstr(sb, "\\t"); break;
		case '\n': err = strbuf_addstr(sb, "\\n"); break;
		case '\v': err = strbuf_addstr(sb, "\\v"); break;
		case '\f': err = strbuf_addstr(sb, "\\f"); break;
		case '\r': err = strbuf_addstr(sb, "\\r"); break;
		default:
			if (c >= 0x20 && c < 0x7f)
				err = strbuf_addch(sb, (char)c);
			else if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7')
				err = strbuf_addf(sb, "\\%03o", c);
			else
				err = strbuf_addf(sb, "\\%o", c);
		}
	}
	err = err ?: strbuf_addch(sb, '"');
	if (more)
		err = err ?: strbuf_addstr(sb, "...");
	return err;
}

static int put_str(struct strbuf *sb, const char *s, uint64_t ptr, bool path)
{
	size_t n;

	if (!ptr)
		return strbuf_addstr(sb, "NULL");
	if (!s)
		return strbuf_addf(sb, "%#llx", (unsigned long long)ptr);
	n = strlen(s);
	if (path)
		return put_quoted(sb, (const uint8_t *)s, n, false);
	return put_quoted(sb, (const uint8_t *)s, n > SC_STRLEN ? SC_STRLEN : n, n > SC_STRLEN);
}

static uint64_t win_u64(const struct sc_record *r, size_t off)
{
	uint64_t v;

	memcpy(&v, r->win + off, 8);
	return v;
}

static uint32_t win_u32(const struct sc_record *r, size_t off)
{
	uint32_t v;

	memcpy(&v, r->win + off, 4);
	return v;
}

static int put_mode(struct strbuf *sb, uint32_t mode, bool with_type)
{
	static const struct xlat types[] = {
		{ 0140000, "S_IFSOCK" }, { 0120000, "S_IFLNK" }, { 0100000, "S_IFREG" },
		{ 0060000, "S_IFBLK" }, { 0040000, "S_IFDIR" }, { 0020000, "S_IFCHR" },
		{ 0010000, "S_IFIFO" }, XEND,
	};
	const struct xlat *x;
	int err = 0;

	if (with_type) {
		for (x = types; x->name; x++)
			if ((mode & 0170000) == x->v)
				err = strbuf_addf(sb, "%s|", x->name);
	}
	if (mode & 04000)
		err = err ?: strbuf_addstr(sb, "S_ISUID|");
	if (mode & 02000)
		err = err ?: strbuf_addstr(sb, "S_ISGID|");
	if (mode & 01000)
		err = err ?: strbuf_addstr(sb, "S_ISVTX|");
	return err ?: strbuf_addf(sb, "%#03o", mode & 0777);
}

static bool failed(const struct sc_record *r)
{
	return r->has_ret && r->ret < 0 && r->ret > -4096;
}

/* A buffer: len bytes of which the kernel side read at most SC_WIN. */
static int put_buf(struct strbuf *sb, const struct sc_record *r, uint64_t ptr, uint64_t len)
{
	size_t shown = len > SC_STRLEN ? SC_STRLEN : (size_t)len;

	if (!r->win_read || !ptr)
		return put_ptr(sb, ptr);
	return put_quoted(sb, r->win, shown, len > SC_STRLEN);
}

/* getrandom's bytes: strace shows them in hex whatever they are. */
static int put_hex_buf(struct strbuf *sb, const struct sc_record *r, uint64_t ptr, uint64_t len)
{
	size_t shown = len > SC_STRLEN ? SC_STRLEN : (size_t)len, i;
	int err;

	if (!r->win_read || !ptr)
		return put_ptr(sb, ptr);
	err = strbuf_addch(sb, '"');
	for (i = 0; i < shown && i < SC_WIN && !err; i++)
		err = strbuf_addf(sb, "\\x%02x", r->win[i]);
	err = err ?: strbuf_addch(sb, '"');
	return err ?: (len > SC_STRLEN ? strbuf_addstr(sb, "...") : 0);
}

static int put_rlim(struct strbuf *sb, uint64_t v)
{
	if (v == ~0ULL)
		return strbuf_addstr(sb, "RLIM64_INFINITY");
	if (v && !(v % 1024))
		return strbuf_addf(sb, "%llu*1024", (unsigned long long)(v / 1024));
	return strbuf_addf(sb, "%llu", (unsigned long long)v);
}

static int put_sockaddr(struct strbuf *sb, const struct sc_record *r, uint64_t ptr, uint64_t len)
{
	uint16_t fam;
	int err;

	if (!r->win_read || !ptr || len < 2)
		return put_ptr(sb, ptr);
	memcpy(&fam, r->win, 2);
	err = strbuf_addstr(sb, "{sa_family=");
	err = err ?: put_enum(sb, families, fam, "AF_???");
	if (fam == 2 && len >= 8) {
		const uint8_t *a = r->win + 4;

		err = err ?: strbuf_addf(sb, ", sin_port=htons(%u), sin_addr=inet_addr(\"%u.%u.%u.%u\")",
					 (unsigned)(r->win[2] << 8 | r->win[3]), a[0], a[1], a[2], a[3]);
	} else if (fam == 1) {
		size_t n = strnlen((const char *)r->win + 2, len - 2 < SC_WIN - 2 ? len - 2 : SC_WIN - 2);

		err = err ?: strbuf_addstr(sb, ", sun_path=");
		err = err ?: put_quoted(sb, r->win + 2, n, false);
	}
	return err ?: strbuf_addch(sb, '}');
}

static int put_clone(struct strbuf *sb, const struct sc_record *r)
{
	uint64_t fl = r->args[0];
	int sig = (int)(fl & 0xff), err;
	char b[16];

	err = strbuf_addstr(sb, "child_stack=");
	err = err ?: put_ptr(sb, r->args[1]);
	err = err ?: strbuf_addstr(sb, ", flags=");
	if (fl & ~0xffULL)
		err = err ?: put_flags(sb, clone_flags, fl & ~0xffULL, true);
	if (sig)
		err = err ?: strbuf_addf(sb, "%s%s", fl & ~0xffULL ? "|" : "", sc_signame(sig, b, sizeof(b)));
	else if (!(fl & ~0xffULL))
		err = err ?: strbuf_addstr(sb, "0");
	if (fl & 0x100000) {
		err = err ?: strbuf_addstr(sb, ", parent_tid=");
		if (r->win_read && !failed(r))
			err = err ?: strbuf_addf(sb, "[%u]", win_u32(r, 0));
		else
			err = err ?: put_ptr(sb, r->args[2]);
	}
	if (fl & 0x80000)
		err = err ?: strbuf_addf(sb, ", tls=%#llx", (unsigned long long)r->args[4]);
	if (fl & (0x1000000 | 0x200000))
		err = err ?: strbuf_addf(sb, ", child_tidptr=%#llx", (unsigned long long)r->args[3]);
	return err;
}

static int put_execve(struct strbuf *sb, const struct sc_record *r)
{
	int err, i;

	err = put_str(sb, r->str[0], r->args[0], true);
	err = err ?: strbuf_addstr(sb, ", ");
	if (!r->args[1]) {
		err = err ?: strbuf_addstr(sb, "NULL");
	} else {
		err = err ?: strbuf_addch(sb, '[');
		for (i = 0; i < r->argc && i < SC_MAX_ARGV; i++) {
			err = err ?: strbuf_addstr(sb, i ? ", " : "");
			err = err ?: put_str(sb, r->argv[i] ? r->argv[i] : "", 1, false);
		}
		if (r->argc > SC_MAX_ARGV)
			err = err ?: strbuf_addstr(sb, ", ...");
		err = err ?: strbuf_addch(sb, ']');
	}
	err = err ?: strbuf_addstr(sb, ", ");
	err = err ?: put_ptr(sb, r->args[2]);
	if (r->args[2] && r->envc >= 0)
		err = err ?: strbuf_addf(sb, " /* %d var%s */", r->envc, r->envc == 1 ? "" : "s");
	return err;
}

static int put_wait_status(struct strbuf *sb, const struct sc_record *r, uint64_t ptr)
{
	uint32_t s;

	if (!ptr || !r->win_read || failed(r) || r->ret == 0)
		return put_ptr(sb, ptr);
	s = win_u32(r, 0);
	if ((s & 0x7f) == 0)
		return strbuf_addf(sb, "[{WIFEXITED(s) && WEXITSTATUS(s) == %u}]", (s >> 8) & 0xff);
	if (((s & 0x7f) + 1) >> 1 > 0 && (s & 0xff) != 0x7f) {
		char b[16];

		return strbuf_addf(sb, "[{WIFSIGNALED(s) && WTERMSIG(s) == %s%s}]",
				   sc_signame((int)(s & 0x7f), b, sizeof(b)), s & 0x80 ? " && WCOREDUMP(s)" : "");
	}
	return strbuf_addf(sb, "[%#x]", s);
}

/* futex(): the operation by name and the arguments it takes, as strace shows them. */
static int put_futex(struct strbuf *sb, const struct sc_record *r)
{
	static const char *const ops[] = {
		"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE",
		"FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI",
		"FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI",
		"FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2",
	};
	unsigned int op = (unsigned int)r->args[1], cmd = op & 127;
	uint32_t val3 = (uint32_t)r->args[5];
	int err;

	err = put_ptr(sb, r->args[0]);
	if (cmd >= sizeof(ops) / sizeof(ops[0]))
		return err ?: strbuf_addf(sb, ", %#x, %u, %#llx, %#llx, %#x", op, (unsigned int)r->args[2],
					  (unsigned long long)r->args[3], (unsigned long long)r->args[4], val3);
	err = err ?: strbuf_addf(sb, ", %s%s%s", ops[cmd], op & 128 ? "_PRIVATE" : "",
				 op & 256 ? "|FUTEX_CLOCK_REALTIME" : "");
	if (op & ~(127u | 128u | 256u))
		err = err ?: strbuf_addf(sb, "|%#x", op & ~(127u | 128u | 256u));
	if (cmd < 6 || (cmd > 8 && cmd != 13))	/* the PI locks take no value */
		err = err ?: strbuf_addf(sb, ", %u", (unsigned int)r->args[2]);
	switch (cmd) {
	case 0: case 11:	/* WAIT, WAIT_REQUEUE_PI: a timeout */
		err = err ?: strbuf_addstr(sb, ", ");
		err = err ?: put_ptr(sb, r->args[3]);
		if (cmd == 11)
			err = err ?: strbuf_addstr(sb, ", ") ?: put_ptr(sb, r->args[4]);
		break;
	case 9: case 10:	/* the bitset ones */
		if (cmd == 9)
			err = err ?: strbuf_addstr(sb, ", ") ?: put_ptr(sb, r->args[3]);
		else
			err = err ?: strbuf_addstr(sb, ", NULL");
		err = err ?: strbuf_addstr(sb, ", ");
		err = err ?: (val3 == 0xffffffffu ? strbuf_addstr(sb, "FUTEX_BITSET_MATCH_ANY") :
			      strbuf_addf(sb, "%#x", val3));
		break;
	case 3:			/* REQUEUE: how many to move, where */
		err = err ?: strbuf_addf(sb, ", %u, ", (unsigned int)r->args[3]);
		err = err ?: put_ptr(sb, r->args[4]);
		break;
	case 4: case 12:	/* CMP_REQUEUE(_PI): and the value expected */
		err = err ?: strbuf_addf(sb, ", %u, ", (unsigned int)r->args[3]);
		err = err ?: put_ptr(sb, r->args[4]);
		err = err ?: strbuf_addf(sb, ", %u", val3);
		break;
	case 5:			/* WAKE_OP */
		err = err ?: strbuf_addf(sb, ", %u, ", (unsigned int)r->args[3]);
		err = err ?: put_ptr(sb, r->args[4]);
		err = err ?: strbuf_addf(sb, ", %#x", val3);
		break;
	case 6: case 13:	/* LOCK_PI(2): a timeout */
		err = err ?: strbuf_addstr(sb, ", ");
		err = err ?: put_ptr(sb, r->args[3]);
		break;
	default:
		break;
	}
	return err;
}

int sc_format_call(struct strbuf *sb, const struct sc_record *r)
{
	const char *name = sc_name(r->nr), *k;
	char ret, b[16];
	int err, i, si = 0;

	if (name)
		err = strbuf_addf(sb, "%s(", name);
	else
		err = strbuf_addf(sb, "syscall_%#x(", (unsigned)r->nr);
	k = kinds_of(r->nr, &ret);
	if (!k) {
		for (i = 0; i < 6; i++)
			err = err ?: strbuf_addf(sb, "%s%#llx", i ? ", " : "", (unsigned long long)r->args[i]);
		return err ?: strbuf_addch(sb, ')');
	}
	if (!strcmp(k, "c"))
		return err ?: put_clone(sb, r) ?: strbuf_addch(sb, ')');
	if (!strcmp(k, "E"))
		return err ?: put_execve(sb, r) ?: strbuf_addch(sb, ')');
	if (!strcmp(k, "X"))
		return err ?: put_futex(sb, r) ?: strbuf_addch(sb, ')');
	for (i = 0; k[i] && i < 6 && !err; i++) {
		uint64_t v = r->args[i];

		if (k[i] == 'm' && !(r->args[i - 1] & 0100) && (r->args[i - 1] & 020200000) != 020200000)
			break;	/* openat's mode only with O_CREAT or O_TMPFILE */
		if (i)
			err = strbuf_addstr(sb, ", ");
		switch (k[i]) {
		case 'i': err = err ?: strbuf_addf(sb, "%d", (int)v); break;
		case 'l': err = err ?: strbuf_addf(sb, "%lld", (long long)v); break;
		case 'u': err = err ?: strbuf_addf(sb, "%llu", (unsigned long long)v); break;
		case 'h': err = err ?: strbuf_addf(sb, "%#llx", (unsigned long long)v); break;
		case 'x': err = err ?: put_ptr(sb, v); break;
		case 'd':
			err = err ?: ((int)v == -100 ? strbuf_addstr(sb, "AT_FDCWD") : strbuf_addf(sb, "%d", (int)v));
			break;
		case 'p':
			err = err ?: put_str(sb, si < 2 ? r->str[si] : NULL, v, true);
			si++;
			break;
		case 'o':
			err = err ?: strbuf_addstr(sb, (v & 3) == 0 ? "O_RDONLY" : (v & 3) == 1 ? "O_WRONLY" :
					     (v & 3) == 2 ? "O_RDWR" : "O_ACCMODE");
			if (v & ~3ULL & 0xffffffffULL)
				err = err ?: put_flags(sb, open_flags, v & ~3ULL & 0xffffffffULL, false);
			break;
		case 'm': case 'M': err = err ?: put_mode(sb, (uint32_t)v, false); break;
		case 'A':
			err = err ?: (v ? put_flags(sb, access_flags, v, true) : strbuf_addstr(sb, "F_OK"));
			break;
		case 'a': err = err ?: put_flags(sb, at_flags, v, true); break;
		case 'r':
			err = err ?: (v ? put_flags(sb, prot_flags, v, true) : strbuf_addstr(sb, "PROT_NONE"));
			break;
		case 'F':
			err = err ?: strbuf_addstr(sb, (v & 0xf) == 1 ? "MAP_SHARED" : (v & 0xf) == 2 ?
					     "MAP_PRIVATE" : (v & 0xf) == 3 ? "MAP_SHARED_VALIDATE" : "0");
			if (v & ~0xfULL)
				err = err ?: put_flags(sb, map_flags, v & ~0xfULL, false);
			break;
		case 'b':
			err = err ?: put_buf(sb, r, v, i < 5 ? r->args[i + 1] : 0);
			break;
		case 'B':
			err = err ?: (failed(r) || !r->has_ret ? put_ptr(sb, v) :
				      put_buf(sb, r, v, (uint64_t)r->ret));
			break;
		case 'S':
			if (!r->win_read || !v || failed(r)) {
				err = err ?: put_ptr(sb, v);
			} else {
				uint32_t mode = win_u32(r, 24);

				err = err ?: strbuf_addstr(sb, "{st_mode=");
				err = err ?: put_mode(sb, mode, true);
				if ((mode & 0170000) == 0020000 || (mode & 0170000) == 0060000) {
					uint64_t d = win_u64(r, 40);

					err = err ?: strbuf_addf(sb, ", st_rdev=makedev(%#llx, %#llx), ...}",
						(unsigned long long)(((d >> 32) & 0xfffff000) | ((d >> 8) & 0xfff)),
						(unsigned long long)(((d >> 12) & 0xffffff00) | (d & 0xff)));
				} else {
					err = err ?: strbuf_addf(sb, ", st_size=%lld, ...}", (long long)win_u64(r, 48));
				}
			}
			break;
		case 'T': case 't':
			if (!r->win_read || !v || (k[i] == 't' && failed(r)))
				err = err ?: put_ptr(sb, v);
			else
				err = err ?: strbuf_addf(sb, "{tv_sec=%lld, tv_nsec=%lld}",
							 (long long)win_u64(r, 0), (long long)win_u64(r, 8));
			break;
		case 'L':
			if (!r->win_read || !v || failed(r)) {
				err = err ?: put_ptr(sb, v);
			} else {
				err = err ?: strbuf_addstr(sb, "{rlim_cur=");
				err = err ?: put_rlim(sb, win_u64(r, 0));
				err = err ?: strbuf_addstr(sb, ", rlim_max=");
				err = err ?: put_rlim(sb, win_u64(r, 8));
				err = err ?: strbuf_addch(sb, '}');
			}
			break;
		case 'W': err = err ?: put_wait_status(sb, r, v); break;
		case 'w': err = err ?: put_flags(sb, wait_options, v, true); break;
		case 'R': err = err ?: put_enum(sb, rlimits, v, "RLIMIT_???"); break;
		case 'k': err = err ?: put_enum(sb, arch_codes, v, "ARCH_???"); break;
		case 'g': err = err ?: put_flags(sb, grnd_flags, v, true); break;
		case 'G': err = err ?: strbuf_addstr(sb, sc_signame((int)v, b, sizeof(b))); break;
		case 'e': err = err ?: put_enum(sb, seek_whence, v, "SEEK_???"); break;
		case 'I': err = err ?: put_enum(sb, ioctls, v & 0xffffffffULL, "_IOC_???"); break;
		case 'f': err = err ?: put_enum(sb, fcntl_cmds, v, "F_???"); break;
		case 'n': err = err ?: put_enum(sb, families, v, "AF_???"); break;
		case 'y':
			err = err ?: put_enum(sb, sock_types, v & 0xf, "SOCK_???");
			if (v & 02000000)
				err = err ?: strbuf_addstr(sb, "|SOCK_CLOEXEC");
			if (v & 04000)
				err = err ?: strbuf_addstr(sb, "|SOCK_NONBLOCK");
			break;
		case 'C': err = err ?: put_enum(sb, clocks, v, "CLOCK_???"); break;
		case 'P':
			if (!r->win_read || !v || failed(r))
				err = err ?: put_ptr(sb, v);
			else
				err = err ?: strbuf_addf(sb, "[%d, %d]", (int)win_u32(r, 0), (int)win_u32(r, 4));
			break;
		case 'z':
			err = err ?: put_sockaddr(sb, r, v, i < 5 ? r->args[i + 1] : 0);
			break;
		case 'H':
			err = err ?: (failed(r) || !r->has_ret ? put_ptr(sb, v) :
				      put_hex_buf(sb, r, v, (uint64_t)r->ret));
			break;
		case 'q': err = err ?: put_enum(sb, sigprocmask_hows, v, "SIG_???"); break;
		case 'V': err = err ?: put_enum(sb, fadvices, v, "POSIX_FADV_???"); break;
		case 'j':	/* statx's flags: the sync type by name first */
			err = err ?: strbuf_addstr(sb, (v & 0x6000) == 0x2000 ? "AT_STATX_FORCE_SYNC" :
					     (v & 0x6000) == 0x4000 ? "AT_STATX_DONT_SYNC" :
					     (v & 0x6000) ? "AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC" :
					     "AT_STATX_SYNC_AS_STAT");
			if (v & ~0x6000ULL)
				err = err ?: put_flags(sb, at_flags, v & ~0x6000ULL, false);
			break;
		case 'J': err = err ?: put_flags(sb, statx_masks, (uint32_t)v, true); break;
		case 'Y':
			if (!r->win_read || !v || failed(r)) {
				err = err ?: put_ptr(sb, v);
			} else {
				err = err ?: strbuf_addstr(sb, "{stx_mask=");
				err = err ?: put_flags(sb, statx_masks, win_u32(r, 0), true);
				err = err ?: strbuf_addf(sb, ", stx_attributes=%#llx, stx_mode=",
							 (unsigned long long)win_u64(r, 8));
				err = err ?: put_mode(sb, win_u32(r, 28) & 0xffff, true);
				err = err ?: strbuf_addf(sb, ", stx_size=%llu, ...}", (unsigned long long)win_u64(r, 40));
			}
			break;
		default: err = err ?: strbuf_addf(sb, "%#llx", (unsigned long long)v); break;
		}
	}
	return err ?: strbuf_addch(sb, ')');
}

int sc_format_ret(struct strbuf *sb, const struct sc_record *r)
{
	const char *name;
	char ret;

	kinds_of(r->nr, &ret);
	if (!r->has_ret || ret == 'q')
		return strbuf_addstr(sb, "?");
	if (failed(r)) {
		int e = (int)-r->ret;

		name = strerrorname_np(e);
		if (name)
			return strbuf_addf(sb, "-1 %s (%s)", name, strerror(e));
		return strbuf_addf(sb, "-1 errno %d", e);
	}
	if (ret == 'x')
		return strbuf_addf(sb, "%#llx", (unsigned long long)r->ret);
	return strbuf_addf(sb, "%lld", (long long)r->ret);
}

static const struct {
	const char *name;
	unsigned int bits;
} classes[] = {
	{ "file", SC_FILE }, { "network", SC_NETWORK }, { "net", SC_NETWORK },
	{ "process", SC_PROCESS }, { "memory", SC_MEMORY }, { "signal", SC_SIGNAL },
	{ "desc", SC_DESC }, { "ipc", SC_IPC }, { "creds", SC_CREDS }, { "clock", SC_CLOCK },
	{ "stat", SC_STAT },
};

int sc_parse_set(const char *set, bool sel[SC_MAX_NR], const char **bad, int *bad_len)
{
	bool neg = false;
	const char *p = set, *e;
	int i;

	if (*p == '!') {
		neg = true;
		p++;
	}
	for (i = 0; i < SC_MAX_NR; i++)
		sel[i] = false;
	while (*p) {
		size_t n;
		bool hit = false;

		e = strchr(p, ',');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n == 3 && !strncmp(p, "all", 3)) {
			for (i = 0; i < SC_MAX_NR; i++)
				sel[i] = sel[i] || names[i];
			hit = true;
		} else if (n > 1 && *p == '%') {
			size_t c;

			for (c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
				if (strlen(classes[c].name) != n - 1 || strncmp(classes[c].name, p + 1, n - 1))
					continue;
				for (i = 0; i < SC_MAX_NR; i++)
					if (names[i] && (sc_classes(i) & classes[c].bits))
						sel[i] = true;
				hit = true;
			}
		} else {
			for (i = 0; i < SC_MAX_NR; i++) {
				if (names[i] && strlen(names[i]) == n && !strncmp(names[i], p, n)) {
					sel[i] = true;
					hit = true;
				}
			}
		}
		if (!hit) {
			*bad = p;
			*bad_len = (int)n;
			return -EINVAL;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	if (neg)
		for (i = 0; i < SC_MAX_NR; i++)
			sel[i] = names[i] && !sel[i];
	return 0;
}
