// SPDX-License-Identifier: GPL-2.0
/* Chrome trace-event JSON for the Perfetto UI; see perfetto.h. */
#include "out/perfetto.h"

void perfetto_begin(struct perfetto *p, FILE *f)
{
	json_init(&p->w, f);
	json_obj_begin(&p->w);
	json_kv_str(&p->w, "displayTimeUnit", "ns");
	json_key(&p->w, "traceEvents");
	json_arr_begin(&p->w);
}

void perfetto_end(struct perfetto *p)
{
	json_arr_end(&p->w);
	json_obj_end(&p->w);
	fputc('\n', p->w.f);
}

static void head(struct perfetto *p, const char *ph, int64_t pid, int64_t tid)
{
	fputc('\n', p->w.f);
	json_obj_begin(&p->w);
	json_kv_str(&p->w, "ph", ph);
	json_kv_int(&p->w, "pid", pid);
	json_kv_int(&p->w, "tid", tid);
}

static void meta(struct perfetto *p, const char *what, int64_t pid, int64_t tid, const char *name)
{
	head(p, "M", pid, tid);
	json_kv_str(&p->w, "name", what);
	json_key(&p->w, "args");
	json_obj_begin(&p->w);
	json_kv_str(&p->w, "name", name);
	json_obj_end(&p->w);
	json_obj_end(&p->w);
}

void perfetto_process_name(struct perfetto *p, int64_t pid, const char *name)
{
	meta(p, "process_name", pid, pid, name);
}

void perfetto_thread_name(struct perfetto *p, int64_t pid, int64_t tid, const char *name)
{
	meta(p, "thread_name", pid, tid, name);
}

static void timed(struct perfetto *p, const char *ph, int64_t pid, int64_t tid, const char *name,
		  const char *cat, uint64_t ts)
{
	head(p, ph, pid, tid);
	if (name)
		json_kv_str(&p->w, "name", name);
	if (cat)
		json_kv_str(&p->w, "cat", cat);
	json_key(&p->w, "ts");
	json_double(&p->w, (double)ts / 1000.0, 3);
}

void perfetto_complete(struct perfetto *p, int64_t pid, int64_t tid, const char *name,
		       const char *cat, uint64_t ts, uint64_t dur)
{
	timed(p, "X", pid, tid, name, cat, ts);
	json_key(&p->w, "dur");
	json_double(&p->w, (double)dur / 1000.0, 3);
	json_obj_end(&p->w);
}

void perfetto_slice_begin(struct perfetto *p, int64_t pid, int64_t tid, const char *name,
			  const char *cat, uint64_t ts)
{
	timed(p, "B", pid, tid, name, cat, ts);
	json_obj_end(&p->w);
}

void perfetto_slice_end(struct perfetto *p, int64_t pid, int64_t tid, uint64_t ts)
{
	timed(p, "E", pid, tid, NULL, NULL, ts);
	json_obj_end(&p->w);
}

void perfetto_instant(struct perfetto *p, int64_t pid, int64_t tid, const char *name,
		      const char *cat, uint64_t ts, const char *info)
{
	timed(p, "i", pid, tid, name, cat, ts);
	json_kv_str(&p->w, "s", "t");
	if (info) {
		json_key(&p->w, "args");
		json_obj_begin(&p->w);
		json_kv_str(&p->w, "info", info);
		json_obj_end(&p->w);
	}
	json_obj_end(&p->w);
}
