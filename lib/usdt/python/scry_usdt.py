# SPDX-License-Identifier: GPL-2.0
"""USDT probes declared at run time (ctypes over libscry-usdt).

    import scry_usdt
    p = scry_usdt.Provider("app")
    req = p.probe("request", int, str)   # int = int64; str = C string
    p.load()
    if req.enabled: req.fire(5, "GET /")
    p.unload()

Argument types: int (int64), str (a NUL-terminated UTF-8 string), bytes
(a C string as given), or one of the names "int8" "uint8" "int16" "uint16"
"int32" "uint32" "int64" "uint64" "string"; at most 12.  Tracers attach
with e.g. ``scry -p PID -e 'usdt:*:app:request { ... }'``; ``p.path`` is
the object's path for them (/proc/PID/fd/N).  Probes added after load()
need unload() and load() again; a tracer sees them when started again.

The library is found through $SCRY_USDT_LIB, then next to the installed
module (PREFIX/lib for PREFIX/lib/python3/dist-packages), then the system's
library path.  Errors raise scry_usdt.Error (an OSError with errno set).
"""
import ctypes
import os

__all__ = ["Provider", "Probe", "Error", "MAX_ARGS"]

MAX_ARGS = 12

_TYPES = {
    "int8": (1, ctypes.c_int8), "uint8": (2, ctypes.c_uint8),
    "int16": (3, ctypes.c_int16), "uint16": (4, ctypes.c_uint16),
    "int32": (5, ctypes.c_int32), "uint32": (6, ctypes.c_uint32),
    "int64": (7, ctypes.c_int64), "uint64": (8, ctypes.c_uint64),
    "string": (9, ctypes.c_char_p),
}
_ALIASES = {int: "int64", str: "string", bytes: "string"}


class Error(OSError):
    """A libscry-usdt call failed: errno and the library's one-line message."""


def _find_library():
    here = os.path.dirname(os.path.abspath(__file__))
    cands = [os.environ.get("SCRY_USDT_LIB"),
             os.path.join(here, "..", "..", "libscry-usdt.so.0"),
             os.path.join(here, "libscry-usdt.so.0"),
             "libscry-usdt.so.0"]
    last = None
    for c in cands:
        if not c:
            continue
        if os.sep in c and not os.path.exists(c):
            continue
        try:
            return ctypes.CDLL(c)
        except OSError as e:
            last = e
    raise ImportError("scry_usdt: cannot load libscry-usdt.so.0 (set SCRY_USDT_LIB): %s" % last)


_lib = _find_library()
_vp = ctypes.c_void_p
_lib.scry_usdt_provider_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(_vp)]
_lib.scry_usdt_provider_free.argtypes = [_vp]
_lib.scry_usdt_provider_free.restype = None
_lib.scry_usdt_probe_add.argtypes = [_vp, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int),
                                     ctypes.c_size_t, ctypes.POINTER(_vp)]
_lib.scry_usdt_load.argtypes = [_vp]
_lib.scry_usdt_unload.argtypes = [_vp]
_lib.scry_usdt_loaded.argtypes = [_vp]
_lib.scry_usdt_loaded.restype = ctypes.c_bool
_lib.scry_usdt_path.argtypes = [_vp]
_lib.scry_usdt_path.restype = ctypes.c_char_p
_lib.scry_usdt_error.argtypes = [_vp]
_lib.scry_usdt_error.restype = ctypes.c_char_p
_lib.scry_usdt_semaphore.argtypes = [_vp]
_lib.scry_usdt_semaphore.restype = _vp
_lib.scry_usdt_site.argtypes = [_vp]
_lib.scry_usdt_site.restype = _vp


def _raise(handle, err, what):
    msg = _lib.scry_usdt_error(handle).decode() if handle else ""
    raise Error(-err, msg or "%s: %s" % (what, os.strerror(-err)))


def _type(t):
    name = _ALIASES.get(t, t)
    if not isinstance(name, str) or name not in _TYPES:
        raise TypeError("scry_usdt: unknown argument type %r" % (t,))
    return name


class Probe:
    """One probe of a Provider: fire() it, ask .enabled (is a tracer attached?)."""

    __slots__ = ("provider", "name", "types", "_h", "_sem", "_site", "_strings")

    def __init__(self, provider, name, handle, types):
        self.provider = provider
        self.name = name
        self.types = tuple(types)
        self._h = handle
        self._strings = tuple(i for i, t in enumerate(types) if t == "string")
        self._unloaded()

    def _unloaded(self):
        self._sem = ctypes.c_uint16(0)
        self._site = None

    def _loaded(self):
        self._sem = ctypes.c_uint16.from_address(_lib.scry_usdt_semaphore(self._h))
        proto = ctypes.CFUNCTYPE(None, *[_TYPES[t][1] for t in self.types])
        self._site = proto(_lib.scry_usdt_site(self._h))

    @property
    def enabled(self):
        """True while a tracer is attached (the probe's semaphore, read in place)."""
        return self._sem.value != 0

    def fire(self, *args):
        """Fire the probe with one value per argument type (str is UTF-8 encoded)."""
        site = self._site
        if site is None:
            raise Error(2, "probe '%s': provider '%s' is not loaded"
                        % (self.name, self.provider.name))
        if len(args) != len(self.types):
            raise TypeError("probe '%s' takes %d arguments, %d given"
                            % (self.name, len(self.types), len(args)))
        if self._strings:
            args = list(args)
            for i in self._strings:
                if isinstance(args[i], str):
                    args[i] = args[i].encode()
        site(*args)


class Provider:
    """A set of probes, loaded into this process as one small ELF object."""

    def __init__(self, name):
        h = _vp()
        err = _lib.scry_usdt_provider_new(name.encode(), ctypes.byref(h))
        if err:
            raise Error(-err, "provider '%s': %s" % (name, "bad name (letters, digits, '_')"
                                                      if err == -22 else os.strerror(-err)))
        self.name = name
        self._h = h.value
        self._probes = []

    def probe(self, name, *types):
        """Add probe name with these argument types; returns the Probe."""
        names = [_type(t) for t in types]
        arr = (ctypes.c_int * max(len(names), 1))(*[_TYPES[t][0] for t in names])
        out = _vp()
        err = _lib.scry_usdt_probe_add(self._h, name.encode(), arr, len(names), ctypes.byref(out))
        if err:
            _raise(self._h, err, "probe '%s'" % name)
        pr = Probe(self, name, out.value, names)
        self._probes.append(pr)
        return pr

    def load(self):
        err = _lib.scry_usdt_load(self._h)
        if err:
            _raise(self._h, err, "load")
        for pr in self._probes:
            pr._loaded()

    def unload(self):
        for pr in self._probes:
            pr._unloaded()
        err = _lib.scry_usdt_unload(self._h)
        if err:
            _raise(self._h, err, "unload")

    @property
    def loaded(self):
        return bool(self._h) and _lib.scry_usdt_loaded(self._h)

    @property
    def path(self):
        """Where tracers find the loaded object (/proc/PID/fd/N), None when not loaded."""
        p = _lib.scry_usdt_path(self._h)
        return p.decode() if p else None

    def close(self):
        """Unload and free; the provider and its probes are unusable afterwards."""
        if self._h:
            for pr in self._probes:
                pr._unloaded()
            _lib.scry_usdt_provider_free(self._h)
            self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
