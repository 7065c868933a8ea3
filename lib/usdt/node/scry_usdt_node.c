// SPDX-License-Identifier: GPL-2.0
/*
 * The Node.js binding's native half: an N-API addon over libscry-usdt
 * (index.js is the JavaScript half and the documented interface).
 *
 *	providerNew(name)              -> provider (external; freed with the object)
 *	probeAdd(provider, name, types) -> probe (external; belongs to the provider)
 *	load(provider) / unload(provider) / path(provider)
 *	semaphore(probe)               -> ArrayBuffer over the 2-byte semaphore
 *	enabled(probe), fire(probe, ...args)
 *
 * Errors become JavaScript exceptions carrying scry_usdt_error()'s message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <node_api.h>

#include "scry_usdt.h"

#define STR_INLINE 256

static napi_value throw_err(napi_env env, const char *msg)
{
	napi_throw_error(env, NULL, msg);
	return NULL;
}

static napi_value throw_usdt(napi_env env, struct scry_usdt_provider *p, int err)
{
	const char *m = p ? scry_usdt_error(p) : "";

	if (!m[0])
		m = strerror(-err);
	return throw_err(env, m);
}

static void provider_finalize(napi_env env, void *data, void *hint)
{
	scry_usdt_provider_free(data);
}

static void *external(napi_env env, napi_value v)
{
	void *p = NULL;

	if (napi_get_value_external(env, v, &p) != napi_ok)
		return NULL;
	return p;
}

static napi_value provider_new(napi_env env, napi_callback_info info)
{
	struct scry_usdt_provider *p;
	napi_value argv[1], out;
	size_t argc = 1, len;
	char name[SCRY_USDT_NAME_MAX + 2];
	int err;

	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
	    napi_get_value_string_utf8(env, argv[0], name, sizeof(name), &len) != napi_ok)
		return throw_err(env, "Provider(name): name must be a string");
	err = scry_usdt_provider_new(name, &p);
	if (err == -EINVAL)
		return throw_err(env, "Provider(name): a name is letters, digits and '_', at most 64");
	if (err)
		return throw_usdt(env, NULL, err);
	if (napi_create_external(env, p, provider_finalize, NULL, &out) != napi_ok) {
		scry_usdt_provider_free(p);
		return throw_err(env, "out of memory");
	}
	return out;
}

static napi_value probe_add(napi_env env, napi_callback_info info)
{
	enum scry_usdt_type types[SCRY_USDT_MAX_ARGS + 1];
	struct scry_usdt_provider *p;
	struct scry_usdt_probe *pr;
	napi_value argv[3], out, el;
	size_t argc = 3, len;
	uint32_t n, i;
	int32_t t;
	char name[SCRY_USDT_NAME_MAX + 2];
	int err;

	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
	    !(p = external(env, argv[0])) ||
	    napi_get_value_string_utf8(env, argv[1], name, sizeof(name), &len) != napi_ok ||
	    napi_get_array_length(env, argv[2], &n) != napi_ok)
		return throw_err(env, "probe(name, ...types): bad arguments");
	if (n > SCRY_USDT_MAX_ARGS)
		return throw_err(env, "probe(name, ...types): at most 12 argument types");
	for (i = 0; i < n; i++) {
		if (napi_get_element(env, argv[2], i, &el) != napi_ok ||
		    napi_get_value_int32(env, el, &t) != napi_ok)
			return throw_err(env, "probe(name, ...types): bad type");
		types[i] = (enum scry_usdt_type)t;
	}
	err = scry_usdt_probe_add(p, name, types, n, &pr);
	if (err)
		return throw_usdt(env, p, err);
	if (napi_create_external(env, pr, NULL, NULL, &out) != napi_ok)
		return throw_err(env, "out of memory");
	return out;
}

static struct scry_usdt_provider *provider_arg(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	size_t argc = 1;

	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1)
		return NULL;
	return external(env, argv[0]);
}

/* load(provider) and unload(provider): fn's error as an exception. */
static napi_value provider_call(napi_env env, napi_callback_info info,
				int (*fn)(struct scry_usdt_provider *), const char *what)
{
	struct scry_usdt_provider *p = provider_arg(env, info);
	char msg[64];
	int err;

	if (!p) {
		snprintf(msg, sizeof(msg), "%s: not a provider", what);
		return throw_err(env, msg);
	}
	err = fn(p);
	return err ? throw_usdt(env, p, err) : NULL;
}

static napi_value load(napi_env env, napi_callback_info info)
{
	return provider_call(env, info, scry_usdt_load, "load");
}

static napi_value unload(napi_env env, napi_callback_info info)
{
	return provider_call(env, info, scry_usdt_unload, "unload");
}

static napi_value path(napi_env env, napi_callback_info info)
{
	struct scry_usdt_provider *p = provider_arg(env, info);
	const char *s = p ? scry_usdt_path(p) : NULL;
	napi_value out;

	if (!s) {
		napi_get_null(env, &out);
		return out;
	}
	napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &out);
	return out;
}

/*
 * An ArrayBuffer over the loaded probe's semaphore: index.js reads it for
 * probe.enabled without a native call, and drops it at unload (the memory
 * goes away with the object).
 */
static napi_value semaphore(napi_env env, napi_callback_info info)
{
	struct scry_usdt_probe *pr = (struct scry_usdt_probe *)provider_arg(env, info);
	napi_value out, exc;

	if (!pr || !scry_usdt_site(pr)) {
		napi_get_null(env, &out);
		return out;
	}
	if (napi_create_external_arraybuffer(env, (void *)scry_usdt_semaphore(pr), 2, NULL, NULL,
					     &out) != napi_ok) {
		napi_get_and_clear_last_exception(env, &exc);
		napi_get_null(env, &out);	/* index.js falls back to enabled() */
	}
	return out;
}

static napi_value enabled(napi_env env, napi_callback_info info)
{
	struct scry_usdt_probe *pr = (struct scry_usdt_probe *)provider_arg(env, info);
	napi_value out;

	napi_get_boolean(env, pr && scry_usdt_enabled(pr), &out);
	return out;
}

/* One argument to the 64 bits the site gets; strings are copied into *buf. */
static int arg_value(napi_env env, napi_value v, enum scry_usdt_type t, uint64_t *out,
		     char *inl, char **heap)
{
	napi_valuetype vt;
	size_t len;
	bool lossless;
	int64_t i64;
	double d;

	if (napi_typeof(env, v, &vt) != napi_ok)
		return -EINVAL;
	if (t == SCRY_USDT_STRING) {
		if (vt != napi_string ||
		    napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok)
			return -EINVAL;
		if (len < STR_INLINE) {
			napi_get_value_string_utf8(env, v, inl, STR_INLINE, &len);
			*out = (uint64_t)(uintptr_t)inl;
			return 0;
		}
		*heap = malloc(len + 1);
		if (!*heap)
			return -ENOMEM;
		napi_get_value_string_utf8(env, v, *heap, len + 1, &len);
		*out = (uint64_t)(uintptr_t)*heap;
		return 0;
	}
	if (vt == napi_bigint) {
		if (t == SCRY_USDT_UINT64)
			return napi_get_value_bigint_uint64(env, v, out, &lossless) == napi_ok ? 0
											       : -EINVAL;
		if (napi_get_value_bigint_int64(env, v, &i64, &lossless) != napi_ok)
			return -EINVAL;
		*out = (uint64_t)i64;
		return 0;
	}
	if (vt == napi_boolean) {
		bool b;

		napi_get_value_bool(env, v, &b);
		*out = b;
		return 0;
	}
	if (vt != napi_number || napi_get_value_double(env, v, &d) != napi_ok)
		return -EINVAL;
	if (t == SCRY_USDT_UINT64 && d >= 9223372036854775808.0)
		*out = (uint64_t)d;
	else if (napi_get_value_int64(env, v, &i64) == napi_ok)
		*out = (uint64_t)i64;
	else
		return -EINVAL;
	return 0;
}

static napi_value fire(napi_env env, napi_callback_info info)
{
	napi_value argv[SCRY_USDT_MAX_ARGS + 1];
	char inl[SCRY_USDT_MAX_ARGS][STR_INLINE];
	char *heap[SCRY_USDT_MAX_ARGS] = { 0 };
	uint64_t v[SCRY_USDT_MAX_ARGS] = { 0 };
	struct scry_usdt_probe *pr;
	size_t argc = SCRY_USDT_MAX_ARGS + 1, i, n;
	napi_value ret = NULL;
	int err = 0;

	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
	    !(pr = external(env, argv[0])))
		return throw_err(env, "fire: not a probe");
	if (!scry_usdt_site(pr))
		return throw_err(env, "fire: the provider is not loaded");
	n = scry_usdt_probe_nargs(pr);
	if (argc - 1 != n) {
		napi_throw_range_error(env, NULL, "fire: wrong number of arguments for this probe");
		return NULL;
	}
	for (i = 0; !err && i < n; i++)
		err = arg_value(env, argv[i + 1], scry_usdt_probe_type(pr, i), &v[i], inl[i], &heap[i]);
	if (err)
		napi_throw_type_error(env, NULL, err == -ENOMEM ? "fire: out of memory"
								 : "fire: an argument does not match the probe's type");
	else
		scry_usdt_fire_args(pr, v);
	for (i = 0; i < n; i++)
		free(heap[i]);
	return ret;
}

/* The macro defines exported functions node_api.h does not declare first. */
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
NAPI_MODULE_INIT()
{
	static const struct {
		const char *name;
		napi_callback fn;
	} fns[] = {
		{ "providerNew", provider_new }, { "probeAdd", probe_add }, { "load", load },
		{ "unload", unload }, { "path", path }, { "semaphore", semaphore },
		{ "enabled", enabled }, { "fire", fire },
	};
	size_t i;
	napi_value f;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f) !=
			    napi_ok ||
		    napi_set_named_property(env, exports, fns[i].name, f) != napi_ok)
			return NULL;
	}
	return exports;
}
