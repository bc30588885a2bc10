"""flinkdbt for Python: run flinkdbt commands in-process, the way dbt's programmatic API does.

    import flinkdbt
    res = flinkdbt.Runner(cwd="my_project").invoke(["build", "--select", "stg_orders+"])
    print(res.success, res.exit_code, res.result)

    with flinkdbt.Project("my_project", target="local", vars={"day": "2024-01-01"}) as project:
        manifest = project.parse()                      # manifest.json, as a dict
        nodes = project.compile(select="stg_orders+")   # compiled nodes (dicts with compiled_code)
        listed = project.list(select="tag:nightly")     # like `ls --output json`
        sql = project.render("{{ ref('stg_orders') }}")
    print(flinkdbt.render_template("Hello {{ name }}", {"name": "you"}))

A thin ctypes layer over the C ABI (<flinkdbt/flinkdbt.h>, libflinkdbt.so), standard library only.
The library is the file named by the FLINKDBT_LIBRARY environment variable, else the installed
libflinkdbt.so.1 (the dynamic loader's search path, then /usr/local/lib and /usr/lib).

Threads: every call into the library releases the GIL, so runners and projects on different threads
run at the same time. One runner runs one invocation at a time; Runner.cancel may be called from any
thread. Event callbacks may be called from the command's worker threads. A Project may be shared by
threads: the library serializes calls on one project.
"""

import ctypes
import json
import os
import sys
import threading

__all__ = [
    "ABI_VERSION",
    "FlinkdbtError",
    "Project",
    "Runner",
    "RunnerResult",
    "abi_version",
    "library",
    "render_template",
    "version",
]

# The ABI this module is written against (the SONAME major of libflinkdbt.so).
ABI_VERSION = 1

OK = 0
ERROR_INVALID_ARGUMENT = 1
ERROR_NOT_FOUND = 2
ERROR_FAILED_PRECONDITION = 3
ERROR_CANCELLED = 4
ERROR_UNAVAILABLE = 5
ERROR_INTERNAL = 6

_CODE_NAMES = {
    ERROR_INVALID_ARGUMENT: "invalid argument",
    ERROR_NOT_FOUND: "not found",
    ERROR_FAILED_PRECONDITION: "failed precondition",
    ERROR_CANCELLED: "cancelled",
    ERROR_UNAVAILABLE: "unavailable",
    ERROR_INTERNAL: "internal",
}


class FlinkdbtError(Exception):
    """An error the library reported: a code (FLINKDBT_ERROR_*), a message and, when the error comes
    from a user's file, where in it (file, 1-based line and column; None/0 when unknown)."""

    def __init__(self, code, message, file=None, line=0, column=0):
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self):
        if self.file:
            where = self.file
            if self.line:
                where += ":%d" % self.line
                if self.column:
                    where += ":%d" % self.column
            return "%s: %s" % (where, self.message)
        return self.message

    def __repr__(self):
        return "FlinkdbtError(code=%d (%s), message=%r, file=%r, line=%d, column=%d)" % (
            self.code, _CODE_NAMES.get(self.code, "?"), self.message, self.file, self.line, self.column)


class RunnerResult:
    """The outcome of Runner.invoke, like dbt's dbtRunnerResult.

    success: the command succeeded (exit code 0).
    exit_code: dbt's exit code (0 success, 1 a node failed, 2 usage/parse/compile error or cancelled).
    result: the command's results, parsed from JSON (run results for run/test/build), or None.
    """

    __slots__ = ("success", "exit_code", "result")

    def __init__(self, success, exit_code, result):
        self.success = success
        self.exit_code = exit_code
        self.result = result

    def __repr__(self):
        return "RunnerResult(success=%r, exit_code=%r, result=%s)" % (
            self.success, self.exit_code, "None" if self.result is None else "{...}")


class _Error(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_int),
        ("message", ctypes.c_char_p),
        ("file", ctypes.c_char_p),
        ("line", ctypes.c_int),
        ("column", ctypes.c_int),
    ]


_EventCallback = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_void_p)
_ErrorPtr = ctypes.POINTER(_Error)

_lib = None
_lib_lock = threading.Lock()


def _candidates():
    path = os.environ.get("FLINKDBT_LIBRARY")
    if path:
        return [path]
    names = ["libflinkdbt.so.%d" % ABI_VERSION]
    for prefix in (sys.prefix, "/usr/local", "/usr"):
        for libdir in ("lib", "lib64", "lib/x86_64-linux-gnu", "lib/aarch64-linux-gnu"):
            names.append(os.path.join(prefix, libdir, "libflinkdbt.so.%d" % ABI_VERSION))
    return names


def _declare(lib):
    lib.flinkdbt_version.restype = ctypes.c_char_p
    lib.flinkdbt_version.argtypes = []
    lib.flinkdbt_abi_version.restype = ctypes.c_int
    lib.flinkdbt_abi_version.argtypes = []
    lib.flinkdbt_error_free.restype = None
    lib.flinkdbt_error_free.argtypes = [_ErrorPtr]
    lib.flinkdbt_string_free.restype = None
    lib.flinkdbt_string_free.argtypes = [ctypes.c_void_p]
    lib.flinkdbt_runner_new.restype = ctypes.c_int
    lib.flinkdbt_runner_new.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(_ErrorPtr)]
    lib.flinkdbt_runner_free.restype = None
    lib.flinkdbt_runner_free.argtypes = [ctypes.c_void_p]
    lib.flinkdbt_runner_set_event_callback.restype = ctypes.c_int
    lib.flinkdbt_runner_set_event_callback.argtypes = [
        ctypes.c_void_p, _EventCallback, ctypes.c_void_p, ctypes.POINTER(_ErrorPtr)]
    lib.flinkdbt_runner_set_cwd.restype = ctypes.c_int
    lib.flinkdbt_runner_set_cwd.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(_ErrorPtr)]
    lib.flinkdbt_runner_setenv.restype = ctypes.c_int
    lib.flinkdbt_runner_setenv.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(_ErrorPtr)]
    lib.flinkdbt_runner_invoke.restype = ctypes.c_int
    lib.flinkdbt_runner_invoke.argtypes = [
        ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(_ErrorPtr)]
    lib.flinkdbt_runner_cancel.restype = ctypes.c_int
    lib.flinkdbt_runner_cancel.argtypes = [ctypes.c_void_p, ctypes.POINTER(_ErrorPtr)]
    out_str = ctypes.POINTER(ctypes.c_void_p)
    err = ctypes.POINTER(_ErrorPtr)
    lib.flinkdbt_project_open.restype = ctypes.c_int
    lib.flinkdbt_project_open.argtypes = [
        ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, err]
    lib.flinkdbt_project_free.restype = None
    lib.flinkdbt_project_free.argtypes = [ctypes.c_void_p]
    lib.flinkdbt_project_parse.restype = ctypes.c_int
    lib.flinkdbt_project_parse.argtypes = [ctypes.c_void_p, out_str, err]
    for name in ("flinkdbt_project_compile", "flinkdbt_project_list"):
        getattr(lib, name).restype = ctypes.c_int
        getattr(lib, name).argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, out_str, err]
    lib.flinkdbt_project_render.restype = ctypes.c_int
    lib.flinkdbt_project_render.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, out_str, err]
    lib.flinkdbt_render_template.restype = ctypes.c_int
    lib.flinkdbt_render_template.argtypes = [ctypes.c_char_p, ctypes.c_char_p, out_str, err]


def library():
    """The loaded libflinkdbt (a ctypes.CDLL), loading it on first use. Raises OSError when it cannot
    be found (set FLINKDBT_LIBRARY to its path) or implements another ABI."""
    global _lib
    with _lib_lock:
        if _lib is not None:
            return _lib
        errors = []
        for candidate in _candidates():
            try:
                lib = ctypes.CDLL(candidate)
            except OSError as e:
                errors.append(str(e))
                continue
            _declare(lib)
            abi = lib.flinkdbt_abi_version()
            if abi != ABI_VERSION:
                raise OSError("%s implements flinkdbt ABI %d; this module needs ABI %d" % (
                    candidate, abi, ABI_VERSION))
            _lib = lib
            return lib
        raise OSError("libflinkdbt not found (set FLINKDBT_LIBRARY to its path): " + "; ".join(errors))


def version():
    """flinkdbt's version, "MAJOR.MINOR.PATCH", the one `flinkdbt --version` prints."""
    return library().flinkdbt_version().decode("utf-8")


def abi_version():
    """The ABI version the loaded library implements."""
    return library().flinkdbt_abi_version()


def _check(status, err):
    """Turns a failed call's status and error object into FlinkdbtError (freeing the object)."""
    if status == OK:
        return
    if not err:
        raise FlinkdbtError(status, "flinkdbt call failed (%s)" % _CODE_NAMES.get(status, status))
    e = err.contents
    error = FlinkdbtError(
        e.code,
        e.message.decode("utf-8", "replace") if e.message else "",
        e.file.decode("utf-8", "replace") if e.file else None,
        e.line,
        e.column)
    library().flinkdbt_error_free(err)
    raise error


def _encode(value, what):
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, bytes):
        raise TypeError("%s must be str, bytes or a path, not %s" % (what, type(value).__name__))
    if b"\0" in value:
        raise ValueError("%s contains a NUL character" % what)
    return value


class _Handle:
    """What Runner and Project share: a library handle freed once by close(), a context manager, and
    __del__ as a backstop. Subclasses set _lib, _handle, _lock and _active (calls inside the library)."""

    def _close(self, free, busy_message):
        with self._lock:
            if self._active:
                raise FlinkdbtError(ERROR_FAILED_PRECONDITION, busy_message)
            handle, self._handle = self._handle, None
        if handle is not None:
            free(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_handle", None) is not None and not self._active:
            self.close()


class Runner(_Handle):
    """Runs flinkdbt commands, like dbt's dbtRunner.

    callbacks: functions called with each event as a dict ({"data": {...}, "info": {...}}); secrets
        are redacted. They may run on the command's worker threads. If one raises, the invocation is
        cancelled and invoke() re-raises the exception once the command has returned.
    cwd: the directory relative paths resolve against (the project directory); default the process's.
    env: environment variables the invocations see in addition to (or, with None, instead of) the
        process's; the process environment is not changed.
    """

    def __init__(self, callbacks=None, cwd=None, env=None):
        lib = library()
        self._lib = lib
        self._handle = None
        self._lock = threading.Lock()
        self._active = 0  # invoke() calls inside the library; close() refuses while any
        self._callbacks = list(callbacks or [])
        self._callback_error = None
        handle = ctypes.c_void_p()
        err = _ErrorPtr()
        _check(lib.flinkdbt_runner_new(ctypes.byref(handle), ctypes.byref(err)), err)
        self._handle = handle
        # Kept alive as long as the runner: the library holds the function pointer.
        self._c_callback = _EventCallback(self._on_event)
        err = _ErrorPtr()
        _check(lib.flinkdbt_runner_set_event_callback(handle, self._c_callback, None, ctypes.byref(err)), err)
        if cwd is not None:
            self.set_cwd(cwd)
        for name, value in (env or {}).items():
            self.setenv(name, value)

    def _on_event(self, event_json, _payload):
        if not self._callbacks or self._callback_error is not None:
            return
        try:
            event = json.loads(event_json.decode("utf-8"))
            for callback in self._callbacks:
                callback(event)
        except BaseException as e:  # never let an exception unwind into C
            if self._callback_error is None:
                self._callback_error = e
                self._lib.flinkdbt_runner_cancel(self._handle, None)

    def _require_open(self):
        if self._handle is None:
            raise ValueError("the runner is closed")

    def add_callback(self, callback):
        """Adds an event callback for later invocations."""
        self._callbacks.append(callback)

    def set_cwd(self, cwd):
        """Sets the working directory of later invocations (None: the process's)."""
        self._require_open()
        err = _ErrorPtr()
        value = None if cwd is None else _encode(cwd, "cwd")
        _check(self._lib.flinkdbt_runner_set_cwd(self._handle, value, ctypes.byref(err)), err)

    def setenv(self, name, value):
        """Sets an environment variable later invocations see; None removes it for them."""
        self._require_open()
        err = _ErrorPtr()
        c_value = None if value is None else _encode(value, "value")
        _check(self._lib.flinkdbt_runner_setenv(self._handle, _encode(name, "name"), c_value, ctypes.byref(err)),
               err)

    def invoke(self, args):
        """Runs one command, with args exactly as the CLI takes them (without the program name), and
        returns a RunnerResult. Raises FlinkdbtError when the command could not be run at all (for
        example, another invocation is running on this runner)."""
        self._require_open()
        if isinstance(args, (str, bytes)):
            raise TypeError("args must be a list of arguments, not a single string")
        encoded = [_encode(a, "argument") for a in args]
        argv = (ctypes.c_char_p * max(len(encoded), 1))(*encoded)
        exit_code = ctypes.c_int(-1)
        result_json = ctypes.c_void_p()
        err = _ErrorPtr()
        with self._lock:
            self._require_open()
            self._active += 1
        try:
            self._callback_error = None
            status = self._lib.flinkdbt_runner_invoke(self._handle, len(encoded), argv, ctypes.byref(exit_code),
                                                      ctypes.byref(result_json), ctypes.byref(err))
        finally:
            with self._lock:
                self._active -= 1
        try:
            _check(status, err)
            text = ctypes.string_at(result_json.value).decode("utf-8") if result_json.value else None
        finally:
            self._lib.flinkdbt_string_free(result_json)
        callback_error, self._callback_error = self._callback_error, None
        if callback_error is not None:
            raise callback_error
        if text is None:
            return RunnerResult(exit_code.value == 0, exit_code.value, None)
        parsed = json.loads(text)
        return RunnerResult(parsed["success"], parsed["exit_code"], parsed["result"])

    def cancel(self):
        """Cancels the invocation running on this runner, from any thread (a no-op when none runs):
        no new statement is submitted, and invoke() returns with exit code 2."""
        self._require_open()
        err = _ErrorPtr()
        _check(self._lib.flinkdbt_runner_cancel(self._handle, ctypes.byref(err)), err)

    def close(self):
        """Frees the runner. Idempotent; must not be called while an invocation runs on it."""
        self._close(self._lib.flinkdbt_runner_free, "close() called while an invocation runs")


def _call_for_string(function, *args):
    """Calls a C function ending in (char **out, flinkdbt_error **err); returns the string (str)."""
    lib = library()
    out = ctypes.c_void_p()
    err = _ErrorPtr()
    status = function(*args, ctypes.byref(out), ctypes.byref(err))
    try:
        _check(status, err)
        return ctypes.string_at(out.value).decode("utf-8") if out.value else ""
    finally:
        lib.flinkdbt_string_free(out)


def _optional(value, what):
    return None if value is None else _encode(value, what)


def _selection(value, what):
    """A selection argument: None, a string of space-separated selectors, or a list of them."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = " ".join(os.fspath(v) if isinstance(v, os.PathLike) else v for v in value)
    return _encode(value, what)


def _context(context):
    if context is None:
        return None
    if isinstance(context, (str, bytes)):
        return _encode(context, "context")
    return _encode(json.dumps(context), "context")


def render_template(template, context=None):
    """Renders a Jinja template (dbt's Jinja, no project) with `context`, a dict (or JSON object text)
    of variables. Raises FlinkdbtError with the template's line and column on a syntax or render
    error."""
    lib = library()
    return _call_for_string(lib.flinkdbt_render_template, _encode(template, "template"), _context(context))


class Project(_Handle):
    """A dbt project opened in-process: parse it, compile or list a selection, render templates in its
    dbt context — without the CLI.

    project_dir: the project's directory (None: the current directory's project).
    profiles_dir: where profiles.yml is (None: $DBT_PROFILES_DIR, else the project directory
        when it holds one, else the current directory, then ~/.dbt).
    target: the profile target (None: the profile's default).
    vars: --vars, a dict or YAML/JSON text.

    Opening reads every file of the project; errors in them raise FlinkdbtError naming the file, line
    and column. Close it (or use `with`) to free it. Calls on one Project may come from several
    threads: the library runs them one at a time.
    """

    def __init__(self, project_dir=None, profiles_dir=None, target=None, vars=None):
        lib = library()
        self._lib = lib
        self._handle = None
        self._lock = threading.Lock()
        self._active = 0
        if vars is not None and not isinstance(vars, (str, bytes)):
            vars = json.dumps(vars)
        handle = ctypes.c_void_p()
        err = _ErrorPtr()
        _check(lib.flinkdbt_project_open(ctypes.byref(handle), _optional(project_dir, "project_dir"),
                                         _optional(profiles_dir, "profiles_dir"), _optional(target, "target"),
                                         _optional(vars, "vars"), ctypes.byref(err)), err)
        self._handle = handle

    def _call(self, function, *args):
        with self._lock:
            if self._handle is None:
                raise ValueError("the project is closed")
            self._active += 1
            handle = self._handle
        try:
            return _call_for_string(function, handle, *args)
        finally:
            with self._lock:
                self._active -= 1

    def parse(self):
        """Parses the project (writing target/manifest.json) and returns the manifest as a dict."""
        return json.loads(self._call(self._lib.flinkdbt_project_parse))

    def compile(self, select=None, exclude=None, selector=None):
        """Compiles the selected nodes (as `flinkdbt compile`) and returns them as a list of manifest
        node dicts with `compiled_code`. select/exclude: a string of space-separated selectors or a
        list of them; selector: a selectors.yml name."""
        return json.loads(self._call(self._lib.flinkdbt_project_compile, _selection(select, "select"),
                                     _selection(exclude, "exclude"), _optional(selector, "selector")))

    def list(self, select=None, exclude=None, selector=None):
        """The selected nodes as `flinkdbt ls --output json` lists them: a list of dicts."""
        return json.loads(self._call(self._lib.flinkdbt_project_list, _selection(select, "select"),
                                     _selection(exclude, "exclude"), _optional(selector, "selector")))

    def render(self, template, context=None):
        """Renders `template` in the project's dbt context (ref, source, var, macros...), with the keys of
        `context` (a dict) as extra variables."""
        return self._call(self._lib.flinkdbt_project_render, _encode(template, "template"), _context(context))

    def close(self):
        """Frees the project. Idempotent; raises FlinkdbtError while another thread is inside a call."""
        self._close(self._lib.flinkdbt_project_free, "close() called while a call runs")
