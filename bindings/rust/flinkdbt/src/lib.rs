//! Run flinkdbt commands in-process, the way dbt's programmatic `dbtRunner` does: a safe API over
//! flinkdbt's C ABI (`libflinkdbt.so.1`).
//!
//! ```no_run
//! let mut runner = flinkdbt::Runner::open("my_project")?;
//! runner.set_event_handler(|event| println!("{}", event.msg()));
//! let res = runner.invoke(&["build", "--select", "stg_orders+"])?;
//! println!("{} {} {:?}", res.success, res.exit_code, res.result);
//! # Ok::<(), flinkdbt::Error>(())
//! ```
//!
//! Without the CLI, open a [`Project`] to parse it, compile or list a selection and render templates:
//!
//! ```no_run
//! let project = flinkdbt::Project::open("my_project")?;
//! let nodes = project.compile(&flinkdbt::Selection::select("stg_orders+"))?;
//! println!("{}", nodes[0].get("compiled_code").and_then(|c| c.as_str()).unwrap_or(""));
//! println!("{}", flinkdbt::render_template("{{ 6 * 7 }}", None)?);
//! # Ok::<(), flinkdbt::Error>(())
//! ```
//!
//! Threads: a [`Project`] is `Send + Sync` (the C ABI serializes calls on one project). A [`Runner`] is `Send` (use it from any one thread at a time) but not `Sync`: the C ABI
//! runs one invocation per runner. Use one runner per thread to run commands concurrently. A
//! [`Canceller`] (`Send + Sync`) cancels a running invocation from another thread. Event handlers
//! may be called from the command's worker threads, so they are `Fn + Send + Sync`.

mod json;

pub use json::Value;

use flinkdbt_sys as sys;
use std::any::Any;
use std::ffi::{CStr, CString};
use std::fmt;
use std::marker::PhantomData;
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::ptr::{self, NonNull};
use std::sync::Mutex;

/// The ABI this crate is written against (the SONAME major of libflinkdbt.so).
pub const ABI_VERSION: i32 = sys::FLINKDBT_ABI_VERSION;

/// flinkdbt's version, "MAJOR.MINOR.PATCH", the one `flinkdbt --version` prints.
pub fn version() -> &'static str {
    // Static, NUL-terminated ASCII owned by the library.
    unsafe { CStr::from_ptr(sys::flinkdbt_version()) }.to_str().unwrap_or("")
}

/// The ABI version the loaded library implements.
pub fn abi_version() -> i32 {
    unsafe { sys::flinkdbt_abi_version() }
}

/// What kind of error the library reported (the C ABI's `FLINKDBT_ERROR_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    InvalidArgument,
    NotFound,
    FailedPrecondition,
    Cancelled,
    Unavailable,
    Internal,
    Other(i32),
}

impl Code {
    fn from_raw(code: c_int) -> Code {
        match code {
            sys::FLINKDBT_ERROR_INVALID_ARGUMENT => Code::InvalidArgument,
            sys::FLINKDBT_ERROR_NOT_FOUND => Code::NotFound,
            sys::FLINKDBT_ERROR_FAILED_PRECONDITION => Code::FailedPrecondition,
            sys::FLINKDBT_ERROR_CANCELLED => Code::Cancelled,
            sys::FLINKDBT_ERROR_UNAVAILABLE => Code::Unavailable,
            sys::FLINKDBT_ERROR_INTERNAL => Code::Internal,
            other => Code::Other(other),
        }
    }
}

/// An error from the library, with the place in the user's files that caused it when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: Code,
    pub message: String,
    /// The file the error is in, if any; `line` and `column` are 1-based, 0 when unknown.
    pub file: Option<String>,
    pub line: u32,
    pub column: u32,
}

impl Error {
    fn new(code: Code, message: impl Into<String>) -> Error {
        Error { code, message: message.into(), file: None, line: 0, column: 0 }
    }

    /// Takes ownership of an error object (frees it).
    unsafe fn from_raw(status: c_int, err: *mut sys::flinkdbt_error) -> Error {
        if err.is_null() {
            return Error::new(
                Code::from_raw(status),
                format!("flinkdbt call failed ({:?})", Code::from_raw(status)),
            );
        }
        let e = &*err;
        let text = |p: *mut c_char| {
            if p.is_null() {
                None
            } else {
                Some(CStr::from_ptr(p).to_string_lossy().into_owned())
            }
        };
        let error = Error {
            code: Code::from_raw(e.code),
            message: text(e.message).unwrap_or_default(),
            file: text(e.file),
            line: e.line.max(0) as u32,
            column: e.column.max(0) as u32,
        };
        sys::flinkdbt_error_free(err);
        error
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line, self.column) {
            (Some(file), 0, _) => write!(f, "{}: {}", file, self.message),
            (Some(file), line, 0) => write!(f, "{}:{}: {}", file, line, self.message),
            (Some(file), line, column) => write!(f, "{}:{}:{}: {}", file, line, column, self.message),
            (None, _, _) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Runs a C call that takes an error out-parameter.
fn call(f: impl FnOnce(*mut *mut sys::flinkdbt_error) -> c_int) -> Result<()> {
    let mut err: *mut sys::flinkdbt_error = ptr::null_mut();
    let status = f(&mut err);
    if status == sys::FLINKDBT_OK {
        Ok(())
    } else {
        Err(unsafe { Error::from_raw(status, err) })
    }
}

fn c_string(s: &str, what: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::new(Code::InvalidArgument, format!("{} contains a NUL byte", what)))
}

/// The outcome of [`Runner::invoke`], like dbt's `dbtRunnerResult`.
#[derive(Clone, Debug, PartialEq)]
pub struct InvokeResult {
    /// dbt's exit code: 0 success, 1 a node failed, 2 usage/parse/compile error or cancelled.
    pub exit_code: i32,
    pub success: bool,
    /// The command's results (run results for run/test/build), `Value::Null` when it has none.
    pub result: Value,
    /// `result` as the JSON text the library returned.
    pub result_json: String,
}

/// One event of an invocation: dbt's structured log event (`{"data": ..., "info": ...}`), with
/// secrets redacted.
pub struct Event<'a> {
    json: &'a str,
    value: Value,
    runner: *mut sys::flinkdbt_runner,
}

impl<'a> Event<'a> {
    /// The whole event as JSON.
    pub fn json(&self) -> &str {
        self.json
    }
    /// The parsed event.
    pub fn value(&self) -> &Value {
        &self.value
    }
    fn info(&self, key: &str) -> &str {
        self.value.get("info").and_then(|i| i.get(key)).and_then(Value::as_str).unwrap_or("")
    }
    /// `info.name`, e.g. "MainReportVersion".
    pub fn name(&self) -> &str {
        self.info("name")
    }
    /// `info.level`: debug, info, warn or error.
    pub fn level(&self) -> &str {
        self.info("level")
    }
    /// `info.msg`, the line dbt prints.
    pub fn msg(&self) -> &str {
        self.info("msg")
    }
    /// The event's `data` object.
    pub fn data(&self) -> &Value {
        self.value.get("data").unwrap_or(&Value::Null)
    }
    /// Cancels the invocation this event belongs to (see [`Canceller::cancel`]).
    pub fn cancel_invocation(&self) {
        unsafe { sys::flinkdbt_runner_cancel(self.runner, ptr::null_mut()) };
    }
}

type Handler = dyn Fn(&Event<'_>) + Send + Sync + 'static;

/// What the C callback's payload points to: the handler, and the first panic it raised.
struct Sink {
    handler: Box<Handler>,
    runner: *mut sys::flinkdbt_runner,
    panic: Mutex<Option<Box<dyn Any + Send + 'static>>>,
}

unsafe extern "C" fn trampoline(event_json: *const c_char, payload: *mut c_void) {
    // Nothing may unwind into C: a panicking handler cancels the invocation, and invoke() resumes
    // the panic once the command has returned.
    let _ = panic::catch_unwind(AssertUnwindSafe(|| {
        let sink = &*(payload as *const Sink);
        if sink.panic.lock().map(|p| p.is_some()).unwrap_or(true) {
            return;
        }
        let json = CStr::from_ptr(event_json).to_str().unwrap_or("{}");
        let event = Event { json, value: Value::parse(json).unwrap_or(Value::Null), runner: sink.runner };
        if let Err(p) = panic::catch_unwind(AssertUnwindSafe(|| (sink.handler)(&event))) {
            if let Ok(mut slot) = sink.panic.lock() {
                slot.get_or_insert(p);
            }
            sys::flinkdbt_runner_cancel(sink.runner, ptr::null_mut());
        }
    }));
}

/// Runs flinkdbt commands. Freed on drop.
pub struct Runner {
    raw: NonNull<sys::flinkdbt_runner>,
    sink: Option<Box<Sink>>,
}

// The C ABI lets a runner be used from any thread, one call at a time (not Sync: one invocation at a
// time; setters are &mut self). Handlers are Send + Sync.
unsafe impl Send for Runner {}

impl Runner {
    /// Creates a runner whose relative paths resolve against the process's working directory.
    pub fn new() -> Result<Runner> {
        let mut raw: *mut sys::flinkdbt_runner = ptr::null_mut();
        call(|err| unsafe { sys::flinkdbt_runner_new(&mut raw, err) })?;
        let raw = NonNull::new(raw)
            .ok_or_else(|| Error::new(Code::Internal, "flinkdbt_runner_new returned NULL"))?;
        Ok(Runner { raw, sink: None })
    }

    /// Creates a runner for the project in `dir`: commands run as if started there.
    pub fn open(dir: impl AsRef<Path>) -> Result<Runner> {
        let mut runner = Runner::new()?;
        runner.set_dir(Some(dir.as_ref()))?;
        Ok(runner)
    }

    /// Sets the directory relative paths resolve against (`None`: the process's).
    pub fn set_dir(&mut self, dir: Option<&Path>) -> Result<()> {
        let dir = match dir {
            Some(d) => Some(c_string(
                d.to_str().ok_or_else(|| Error::new(Code::InvalidArgument, "the directory is not UTF-8"))?,
                "the directory",
            )?),
            None => None,
        };
        let p = dir.as_ref().map_or(ptr::null(), |d| d.as_ptr());
        call(|err| unsafe { sys::flinkdbt_runner_set_cwd(self.raw.as_ptr(), p, err) })
    }

    /// Sets an environment variable later invocations see (the process environment is unchanged);
    /// `None` hides it from them.
    pub fn set_env(&mut self, name: &str, value: Option<&str>) -> Result<()> {
        let name = c_string(name, "the variable name")?;
        let value = value.map(|v| c_string(v, "the value")).transpose()?;
        let v = value.as_ref().map_or(ptr::null(), |v| v.as_ptr());
        call(|err| unsafe { sys::flinkdbt_runner_setenv(self.raw.as_ptr(), name.as_ptr(), v, err) })
    }

    /// Sets the function called with each event of later invocations. It may run on the command's
    /// worker threads. If it panics, the invocation is cancelled and `invoke` resumes the panic.
    pub fn set_event_handler<F>(&mut self, handler: F) -> Result<()>
    where
        F: Fn(&Event<'_>) + Send + Sync + 'static,
    {
        let sink =
            Box::new(Sink { handler: Box::new(handler), runner: self.raw.as_ptr(), panic: Mutex::new(None) });
        let payload = &*sink as *const Sink as *mut c_void;
        call(|err| unsafe {
            sys::flinkdbt_runner_set_event_callback(self.raw.as_ptr(), Some(trampoline), payload, err)
        })?;
        self.sink = Some(sink); // the previous sink is no longer referenced by the library
        Ok(())
    }

    /// Removes the event handler.
    pub fn clear_event_handler(&mut self) -> Result<()> {
        call(|err| unsafe {
            sys::flinkdbt_runner_set_event_callback(self.raw.as_ptr(), None, ptr::null_mut(), err)
        })?;
        self.sink = None;
        Ok(())
    }

    /// Runs one command with `args` exactly as the CLI takes them, without the program name. `Err`
    /// only when the command could not run at all; a failed command is `Ok` with `success == false`.
    pub fn invoke<S: AsRef<str>>(&self, args: &[S]) -> Result<InvokeResult> {
        let owned = args
            .iter()
            .enumerate()
            .map(|(i, a)| c_string(a.as_ref(), &format!("argument {}", i)))
            .collect::<Result<Vec<CString>>>()?;
        let argv: Vec<*const c_char> = owned.iter().map(|a| a.as_ptr()).collect();
        let argc = c_int::try_from(argv.len())
            .map_err(|_| Error::new(Code::InvalidArgument, "too many arguments"))?;
        let mut exit_code: c_int = -1;
        let mut result_json: *mut c_char = ptr::null_mut();
        let status = call(|err| unsafe {
            sys::flinkdbt_runner_invoke(
                self.raw.as_ptr(),
                argc,
                argv.as_ptr(),
                &mut exit_code,
                &mut result_json,
                err,
            )
        });
        let text = if result_json.is_null() {
            None
        } else {
            let t = unsafe { CStr::from_ptr(result_json) }.to_string_lossy().into_owned();
            unsafe { sys::flinkdbt_string_free(result_json) };
            Some(t)
        };
        if let Some(sink) = &self.sink {
            let p = sink.panic.lock().ok().and_then(|mut p| p.take());
            if let Some(p) = p {
                panic::resume_unwind(p);
            }
        }
        status?;
        let text = text.ok_or_else(|| Error::new(Code::Internal, "the library returned no result"))?;
        let parsed = Value::parse(&text)
            .map_err(|e| Error::new(Code::Internal, format!("malformed result: {}", e)))?;
        let result = parsed.get("result").cloned().unwrap_or(Value::Null);
        Ok(InvokeResult {
            exit_code,
            success: parsed.get("success").and_then(Value::as_bool).unwrap_or(exit_code == 0),
            result_json: result.to_json(),
            result,
        })
    }

    /// Cancels the invocation running on this runner (a no-op when none runs).
    pub fn cancel(&self) -> Result<()> {
        call(|err| unsafe { sys::flinkdbt_runner_cancel(self.raw.as_ptr(), err) })
    }

    /// A handle that cancels this runner's invocations from other threads.
    pub fn canceller(&self) -> Canceller<'_> {
        Canceller { raw: self.raw, _runner: PhantomData }
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        // No invocation can run: invoke borrows the runner.
        unsafe { sys::flinkdbt_runner_free(self.raw.as_ptr()) };
    }
}

/// Cancels a [`Runner`]'s running invocation from any thread; it cannot outlive the runner.
#[derive(Clone, Copy)]
pub struct Canceller<'a> {
    raw: NonNull<sys::flinkdbt_runner>,
    _runner: PhantomData<&'a Runner>,
}

// flinkdbt_runner_cancel may be called from any thread while an invocation runs (flinkdbt.h).
unsafe impl Send for Canceller<'_> {}
unsafe impl Sync for Canceller<'_> {}

impl Canceller<'_> {
    /// The invocation submits no new statement, cleans up and returns with exit code 2.
    pub fn cancel(&self) -> Result<()> {
        call(|err| unsafe { sys::flinkdbt_runner_cancel(self.raw.as_ptr(), err) })
    }
}

/// Takes a string the library returned (freeing it).
unsafe fn take_string(p: *mut c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    let s = CStr::from_ptr(p).to_string_lossy().into_owned();
    sys::flinkdbt_string_free(p);
    s
}

/// Runs a C call ending in `(char **out, flinkdbt_error **err)` and returns the string.
fn call_for_string(
    f: impl FnOnce(*mut *mut c_char, *mut *mut sys::flinkdbt_error) -> c_int,
) -> Result<String> {
    let mut out: *mut c_char = ptr::null_mut();
    let status = call(|err| f(&mut out, err));
    let text = unsafe { take_string(out) };
    status.map(|()| text)
}

fn optional_c_string(s: Option<&str>, what: &str) -> Result<Option<CString>> {
    s.map(|s| c_string(s, what)).transpose()
}

fn path_str<'a>(p: &'a Path, what: &str) -> Result<&'a str> {
    p.to_str().ok_or_else(|| Error::new(Code::InvalidArgument, format!("{} is not UTF-8", what)))
}

fn as_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |s| s.as_ptr())
}

fn parse_array(text: &str) -> Result<Vec<Value>> {
    match Value::parse(text) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(_) => Err(Error::new(Code::Internal, "the library returned no JSON array")),
        Err(e) => Err(Error::new(Code::Internal, format!("malformed JSON from the library: {}", e))),
    }
}

/// Renders a Jinja template with `context_json` (a JSON object; `None` for no variables) on
/// flinkdbt's template engine, configured as dbt configures Jinja2 — no project involved. A syntax or
/// render error is an [`Error`] with file `<template>` and the line and column.
pub fn render_template(template: &str, context_json: Option<&str>) -> Result<String> {
    let template = c_string(template, "the template")?;
    let context = optional_c_string(context_json, "the context")?;
    call_for_string(|out, err| unsafe {
        sys::flinkdbt_render_template(template.as_ptr(), as_ptr(&context), out, err)
    })
}

/// How [`Project::open_with`] reads a project; every field defaults to what the CLI does.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions<'a> {
    /// Where profiles.yml is (`None`: `$DBT_PROFILES_DIR`, else the project directory when it holds
    /// one, else the current directory, then `~/.dbt`).
    pub profiles_dir: Option<&'a Path>,
    /// The profile target (`None`: the profile's default).
    pub target: Option<&'a str>,
    /// `--vars`: a YAML or JSON mapping.
    pub vars: Option<&'a str>,
}

/// Which nodes [`Project::compile`] and [`Project::list`] act on, as `--select`, `--exclude` and
/// `--selector` take them (space-separated selectors). The default selects everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub select: Option<String>,
    pub exclude: Option<String>,
    pub selector: Option<String>,
}

impl Selection {
    /// Everything (the command's default resource types).
    pub fn all() -> Selection {
        Selection::default()
    }
    /// `--select methods`.
    pub fn select(methods: impl Into<String>) -> Selection {
        Selection { select: Some(methods.into()), ..Selection::default() }
    }
    /// Adds `--exclude methods`.
    pub fn exclude(mut self, methods: impl Into<String>) -> Selection {
        self.exclude = Some(methods.into());
        self
    }
    /// Adds `--selector name` (a selectors.yml entry).
    pub fn selector(mut self, name: impl Into<String>) -> Selection {
        self.selector = Some(name.into());
        self
    }
}

/// A dbt project opened in-process: parse it, compile or list a selection, render templates in its
/// dbt context — without the CLI. Freed on drop.
///
/// `Send + Sync`: the C ABI lets several threads share a project (it runs their calls one at a time).
pub struct Project {
    raw: NonNull<sys::flinkdbt_project>,
}

// flinkdbt.h: "A project handle may be shared by several threads: calls on one project are serialized
// internally".
unsafe impl Send for Project {}
unsafe impl Sync for Project {}

impl Project {
    /// Opens the project in `dir` with the profile's default target.
    pub fn open(dir: impl AsRef<Path>) -> Result<Project> {
        Project::open_with(Some(dir.as_ref()), &OpenOptions::default())
    }

    /// Opens the project in `dir` (`None`: the current directory's project). Reads every file; an
    /// error in one (a broken YAML file, an unknown target) names the file, line and column.
    pub fn open_with(dir: Option<&Path>, options: &OpenOptions<'_>) -> Result<Project> {
        let dir = optional_c_string(
            dir.map(|d| path_str(d, "the project directory")).transpose()?,
            "the project directory",
        )?;
        let profiles = optional_c_string(
            options.profiles_dir.map(|d| path_str(d, "the profiles directory")).transpose()?,
            "the profiles directory",
        )?;
        let target = optional_c_string(options.target, "the target")?;
        let vars = optional_c_string(options.vars, "the vars")?;
        let mut raw: *mut sys::flinkdbt_project = ptr::null_mut();
        call(|err| unsafe {
            sys::flinkdbt_project_open(
                &mut raw,
                as_ptr(&dir),
                as_ptr(&profiles),
                as_ptr(&target),
                as_ptr(&vars),
                err,
            )
        })?;
        let raw = NonNull::new(raw)
            .ok_or_else(|| Error::new(Code::Internal, "flinkdbt_project_open returned NULL"))?;
        Ok(Project { raw })
    }

    /// Parses the project (writing target/manifest.json) and returns manifest.json's text.
    pub fn parse_json(&self) -> Result<String> {
        call_for_string(|out, err| unsafe { sys::flinkdbt_project_parse(self.raw.as_ptr(), out, err) })
    }

    /// Parses the project and returns the manifest.
    pub fn parse(&self) -> Result<Value> {
        let text = self.parse_json()?;
        Value::parse(&text).map_err(|e| Error::new(Code::Internal, format!("malformed manifest: {}", e)))
    }

    fn selection_call(
        &self,
        selection: &Selection,
        f: unsafe extern "C" fn(
            *mut sys::flinkdbt_project,
            *const c_char,
            *const c_char,
            *const c_char,
            *mut *mut c_char,
            *mut *mut sys::flinkdbt_error,
        ) -> c_int,
    ) -> Result<Vec<Value>> {
        let select = optional_c_string(selection.select.as_deref(), "select")?;
        let exclude = optional_c_string(selection.exclude.as_deref(), "exclude")?;
        let selector = optional_c_string(selection.selector.as_deref(), "selector")?;
        let text = call_for_string(|out, err| unsafe {
            f(self.raw.as_ptr(), as_ptr(&select), as_ptr(&exclude), as_ptr(&selector), out, err)
        })?;
        parse_array(&text)
    }

    /// Compiles the selected nodes (as `flinkdbt compile`) and returns their manifest node objects,
    /// `compiled_code` filled in, in compilation order.
    pub fn compile(&self, selection: &Selection) -> Result<Vec<Value>> {
        self.selection_call(selection, sys::flinkdbt_project_compile)
    }

    /// The selected nodes as `flinkdbt ls --output json` lists them, sorted by unique_id.
    pub fn list(&self, selection: &Selection) -> Result<Vec<Value>> {
        self.selection_call(selection, sys::flinkdbt_project_list)
    }

    /// Renders `template` in the project's dbt context (ref, source, var, macros...), with the keys of
    /// `context_json` (a JSON object) as extra variables.
    pub fn render(&self, template: &str, context_json: Option<&str>) -> Result<String> {
        let template = c_string(template, "the template")?;
        let context = optional_c_string(context_json, "the context")?;
        call_for_string(|out, err| unsafe {
            sys::flinkdbt_project_render(self.raw.as_ptr(), template.as_ptr(), as_ptr(&context), out, err)
        })
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        // No call can be running: every call borrows the project.
        unsafe { sys::flinkdbt_project_free(self.raw.as_ptr()) };
    }
}
