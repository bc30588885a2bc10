// Package flinkdbt runs flinkdbt commands in-process through its C ABI (libflinkdbt.so,
// <flinkdbt/flinkdbt.h>), the way dbt's programmatic dbtRunner does:
//
//	r, err := flinkdbt.Open("my_project")
//	if err != nil { ... }
//	defer r.Close()
//	res, err := r.Invoke("build", "--select", "stg_orders+")
//	fmt.Println(res.Success, res.ExitCode, string(res.ResultJSON))
//
// Build with the library's headers and the library on cgo's paths, for example
//
//	CGO_CFLAGS=-I/usr/local/include CGO_LDFLAGS="-L/usr/local/lib -Wl,-rpath,/usr/local/lib"
//
// (or nothing, when flinkdbt is installed where the compiler and the loader look).
//
// Concurrency: different Runners may be used from different goroutines at the same time. A Runner
// runs one invocation at a time (a second concurrent Invoke fails with CodeFailedPrecondition);
// Cancel may be called from any goroutine. Event handlers may be called from the command's worker
// threads and must be safe for concurrent use.
package flinkdbt

/*
#cgo LDFLAGS: -lflinkdbt
#include <stdint.h>
#include <stdlib.h>
#include <flinkdbt/flinkdbt.h>

extern void flinkdbtGoEvent(char *event_json, void *payload);

// The handle is an integer (runtime/cgo.Handle); it becomes the callback's payload here, in C, so no
// Go code converts an integer to a pointer.
static int flinkdbt_go_set_callback(flinkdbt_runner *runner, uintptr_t handle, flinkdbt_error **err) {
  return flinkdbt_runner_set_event_callback(runner, (flinkdbt_event_callback)flinkdbtGoEvent,
                                            (void *)handle, err);
}
*/
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"unsafe"
)

// ABIVersion is the ABI this package is written against (the SONAME major of libflinkdbt.so).
const ABIVersion = 1

// Code classifies an Error (the C ABI's FLINKDBT_ERROR_* codes).
type Code int

const (
	CodeInvalidArgument    Code = C.FLINKDBT_ERROR_INVALID_ARGUMENT
	CodeNotFound           Code = C.FLINKDBT_ERROR_NOT_FOUND
	CodeFailedPrecondition Code = C.FLINKDBT_ERROR_FAILED_PRECONDITION
	CodeCancelled          Code = C.FLINKDBT_ERROR_CANCELLED
	CodeUnavailable        Code = C.FLINKDBT_ERROR_UNAVAILABLE
	CodeInternal           Code = C.FLINKDBT_ERROR_INTERNAL
)

func (c Code) String() string {
	switch c {
	case CodeInvalidArgument:
		return "invalid argument"
	case CodeNotFound:
		return "not found"
	case CodeFailedPrecondition:
		return "failed precondition"
	case CodeCancelled:
		return "cancelled"
	case CodeUnavailable:
		return "unavailable"
	case CodeInternal:
		return "internal"
	}
	return fmt.Sprintf("code %d", int(c))
}

// Error is an error the library reported, with the place in the user's files that caused it when
// there is one (File empty, Line and Column 0 otherwise). Match it with errors.As.
type Error struct {
	Code    Code
	Message string
	File    string
	Line    int // 1-based
	Column  int // 1-based, in code points
}

func (e *Error) Error() string {
	switch {
	case e.File != "" && e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Message)
	}
	return e.Message
}

// check turns a failed call's status and error object into an *Error, freeing the object.
func check(status C.int, cerr *C.flinkdbt_error) error {
	if status == C.FLINKDBT_OK {
		return nil
	}
	if cerr == nil {
		return &Error{Code: Code(status), Message: "flinkdbt call failed (" + Code(status).String() + ")"}
	}
	defer C.flinkdbt_error_free(cerr)
	e := &Error{Code: Code(cerr.code), Message: C.GoString(cerr.message), Line: int(cerr.line),
		Column: int(cerr.column)}
	if cerr.file != nil {
		e.File = C.GoString(cerr.file)
	}
	return e
}

// Version is flinkdbt's version, "MAJOR.MINOR.PATCH", the one `flinkdbt --version` prints.
func Version() string { return C.GoString(C.flinkdbt_version()) }

// LibraryABIVersion is the ABI version the loaded library implements.
func LibraryABIVersion() int { return int(C.flinkdbt_abi_version()) }

// Event is one event of an invocation: dbt's structured log event ({"data": ..., "info": ...}),
// with secrets redacted.
type Event struct {
	Name  string          // info.name, e.g. "MainReportVersion"
	Code  string          // info.code, e.g. "A001"
	Level string          // info.level: debug, info, warn or error
	Msg   string          // info.msg, the line dbt prints
	Data  json.RawMessage // the event's data object
	JSON  []byte          // the whole event
}

// Result is the outcome of Invoke, like dbt's dbtRunnerResult.
type Result struct {
	ExitCode   int             // dbt's exit code: 0 success, 1 a node failed, 2 usage/parse/compile error or cancelled
	Success    bool            // ExitCode == 0
	ResultJSON json.RawMessage // the command's results (run results for run/test/build), or JSON null
}

// eventSink is what the C callback's payload (a cgo.Handle) refers to. It is separate from Runner so
// the handle does not keep the Runner reachable and its finalizer can run.
type eventSink struct {
	runner *C.flinkdbt_runner

	mu       sync.Mutex
	handler  func(Event)
	panicked bool
	panicVal any
}

func (s *eventSink) deliver(eventJSON string) {
	s.mu.Lock()
	handler, panicked := s.handler, s.panicked
	s.mu.Unlock()
	if handler == nil || panicked {
		return
	}
	var parsed struct {
		Data json.RawMessage `json:"data"`
		Info struct {
			Name  string `json:"name"`
			Code  string `json:"code"`
			Level string `json:"level"`
			Msg   string `json:"msg"`
		} `json:"info"`
	}
	raw := []byte(eventJSON)
	_ = json.Unmarshal(raw, &parsed) // the library always sends an object; fields stay empty otherwise
	// A panic must not unwind into C: it cancels the invocation and is re-raised by Invoke.
	defer func() {
		if p := recover(); p != nil {
			s.mu.Lock()
			if !s.panicked {
				s.panicked, s.panicVal = true, p
			}
			s.mu.Unlock()
			C.flinkdbt_runner_cancel(s.runner, nil)
		}
	}()
	handler(Event{Name: parsed.Info.Name, Code: parsed.Info.Code, Level: parsed.Info.Level,
		Msg: parsed.Info.Msg, Data: parsed.Data, JSON: raw})
}

// takePanic returns (and clears) a panic a handler raised during the last invocation.
func (s *eventSink) takePanic() (any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.panicVal, s.panicked
	s.panicked, s.panicVal = false, nil
	return p, ok
}

// Runner runs flinkdbt commands. Create it with New or Open and Close it when done (a finalizer
// frees a forgotten one, but only when the garbage collector gets to it).
type Runner struct {
	// mu is held for reading by every call into the library and for writing by Close, so Close
	// waits for running invocations and nothing uses a freed runner.
	mu     sync.RWMutex
	ptr    *C.flinkdbt_runner
	sink   *eventSink
	handle cgo.Handle
}

// New creates a Runner whose relative paths resolve against the process's working directory.
func New() (*Runner, error) {
	var ptr *C.flinkdbt_runner
	var cerr *C.flinkdbt_error
	if err := check(C.flinkdbt_runner_new(&ptr, &cerr), cerr); err != nil {
		return nil, err
	}
	sink := &eventSink{runner: ptr}
	r := &Runner{ptr: ptr, sink: sink, handle: cgo.NewHandle(sink)}
	cerr = nil
	if err := check(C.flinkdbt_go_set_callback(ptr, C.uintptr_t(r.handle), &cerr), cerr); err != nil {
		r.handle.Delete()
		C.flinkdbt_runner_free(ptr)
		return nil, err
	}
	runtime.SetFinalizer(r, finalize)
	return r, nil
}

// finalize frees a Runner its user forgot to Close.
func finalize(r *Runner) {
	r.Close()
	if testHookFinalized != nil {
		testHookFinalized()
	}
}

// Open creates a Runner for the project in dir: commands run as if started in dir.
func Open(dir string) (*Runner, error) {
	r, err := New()
	if err != nil {
		return nil, err
	}
	if err := r.SetDir(dir); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// testHookFinalized, when set (by tests), runs after the finalizer closed a Runner.
var testHookFinalized func()

// testHookContextCancelled, when set (by tests), runs after InvokeContext cancels for its context.
var testHookContextCancelled func()

var errClosed = &Error{Code: CodeFailedPrecondition, Message: "flinkdbt: the runner is closed"}

// lock takes the read lock and returns the library handle, or an error once the Runner is closed.
func (r *Runner) lock() (*C.flinkdbt_runner, error) {
	r.mu.RLock()
	if r.ptr == nil {
		r.mu.RUnlock()
		return nil, errClosed
	}
	return r.ptr, nil
}

// cString copies s for C; strings with a NUL byte cannot cross the C ABI.
func cString(s, what string) (*C.char, error) {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return nil, &Error{Code: CodeInvalidArgument, Message: "flinkdbt: " + what + " contains a NUL byte"}
		}
	}
	return C.CString(s), nil
}

// SetEventHandler sets the function called with each event of later invocations (nil: none). It may
// be called from the command's worker threads. If it panics, the invocation is cancelled and Invoke
// panics with the same value once the command has returned.
func (r *Runner) SetEventHandler(handler func(Event)) {
	r.sink.mu.Lock()
	r.sink.handler = handler
	r.sink.mu.Unlock()
}

// SetDir sets the directory relative paths resolve against ("" for the process's).
func (r *Runner) SetDir(dir string) error {
	ptr, err := r.lock()
	if err != nil {
		return err
	}
	defer r.mu.RUnlock()
	var cdir *C.char
	if dir != "" {
		if cdir, err = cString(dir, "the directory"); err != nil {
			return err
		}
		defer C.free(unsafe.Pointer(cdir))
	}
	var cerr *C.flinkdbt_error
	return check(C.flinkdbt_runner_set_cwd(ptr, cdir, &cerr), cerr)
}

func (r *Runner) setenv(name string, value *string) error {
	ptr, err := r.lock()
	if err != nil {
		return err
	}
	defer r.mu.RUnlock()
	cname, err := cString(name, "the variable name")
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cname))
	var cvalue *C.char
	if value != nil {
		if cvalue, err = cString(*value, "the value"); err != nil {
			return err
		}
		defer C.free(unsafe.Pointer(cvalue))
	}
	var cerr *C.flinkdbt_error
	return check(C.flinkdbt_runner_setenv(ptr, cname, cvalue, &cerr), cerr)
}

// Setenv sets an environment variable later invocations see; the process environment is unchanged.
func (r *Runner) Setenv(name, value string) error { return r.setenv(name, &value) }

// Unsetenv hides an environment variable from later invocations.
func (r *Runner) Unsetenv(name string) error { return r.setenv(name, nil) }

// Invoke runs one command with args exactly as the CLI takes them, without the program name. The
// error is non-nil only when the command could not run at all; a failed command is a Result with
// Success false.
func (r *Runner) Invoke(args ...string) (*Result, error) {
	return r.InvokeContext(context.Background(), args...)
}

// InvokeContext is Invoke, cancelling the invocation (Cancel) when ctx is done.
func (r *Runner) InvokeContext(ctx context.Context, args ...string) (*Result, error) {
	ptr, err := r.lock()
	if err != nil {
		return nil, err
	}
	defer r.mu.RUnlock()

	argv := make([]*C.char, len(args)+1) // never empty, so &argv[0] is valid
	for i, a := range args {
		if argv[i], err = cString(a, fmt.Sprintf("argument %d", i)); err != nil {
			for _, p := range argv[:i] {
				C.free(unsafe.Pointer(p))
			}
			return nil, err
		}
	}
	// The array itself lives in C memory: cgo forbids passing Go memory holding Go pointers, and
	// these are C pointers, but a C array keeps the rule obviously satisfied.
	carr := (**C.char)(C.malloc(C.size_t(len(argv)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	defer C.free(unsafe.Pointer(carr))
	cargs := unsafe.Slice(carr, len(argv))
	copy(cargs, argv)
	defer func() {
		for _, p := range argv[:len(args)] {
			C.free(unsafe.Pointer(p))
		}
	}()

	if ctx.Done() != nil {
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			select {
			case <-ctx.Done():
				C.flinkdbt_runner_cancel(ptr, nil)
				if testHookContextCancelled != nil {
					testHookContextCancelled()
				}
			case <-stop:
			}
		}()
	}

	var exitCode C.int
	var resultJSON *C.char
	var cerr *C.flinkdbt_error
	status := C.flinkdbt_runner_invoke(ptr, C.int(len(args)), carr, &exitCode, &resultJSON, &cerr)
	if p, panicked := r.sink.takePanic(); panicked {
		C.flinkdbt_string_free(resultJSON)
		C.flinkdbt_error_free(cerr)
		panic(p)
	}
	if err := check(status, cerr); err != nil {
		return nil, err
	}
	defer C.flinkdbt_string_free(resultJSON)
	var parsed struct {
		Success  bool            `json:"success"`
		ExitCode int             `json:"exit_code"`
		Result   json.RawMessage `json:"result"`
	}
	if resultJSON == nil {
		return nil, &Error{Code: CodeInternal, Message: "flinkdbt: the library returned no result"}
	}
	if err := json.Unmarshal([]byte(C.GoString(resultJSON)), &parsed); err != nil {
		return nil, &Error{Code: CodeInternal, Message: "flinkdbt: malformed result: " + err.Error()}
	}
	if int(exitCode) != parsed.ExitCode {
		return nil, &Error{Code: CodeInternal, Message: "flinkdbt: exit codes disagree"}
	}
	return &Result{ExitCode: parsed.ExitCode, Success: parsed.Success, ResultJSON: parsed.Result}, nil
}

// Cancel cancels the invocation running on r, from any goroutine; a no-op when none runs. The
// command submits no new statement, cleans up, and Invoke returns with exit code 2.
func (r *Runner) Cancel() error {
	ptr, err := r.lock()
	if err != nil {
		return err
	}
	defer r.mu.RUnlock()
	var cerr *C.flinkdbt_error
	return check(C.flinkdbt_runner_cancel(ptr, &cerr), cerr)
}

// Close frees the runner, waiting for a running invocation to return first. Calling it again is a
// no-op.
func (r *Runner) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ptr == nil {
		return nil
	}
	C.flinkdbt_runner_free(r.ptr)
	r.ptr = nil
	r.handle.Delete()
	runtime.SetFinalizer(r, nil)
	return nil
}

var _ error = (*Error)(nil)

// ---- Projects: parse, compile, list and render without the CLI ----------------------------------

// ProjectOptions says how OpenProject reads a project; the zero value does what the CLI does.
type ProjectOptions struct {
	ProfilesDir string         // where profiles.yml is ("": $DBT_PROFILES_DIR, the project dir, the cwd, ~/.dbt)
	Target      string         // the profile target ("": the profile's default)
	Vars        map[string]any // --vars (nil: none)
}

// Selection says which nodes Compile and List act on, as --select, --exclude and --selector take
// them; each entry may hold several space-separated selectors. The zero value selects everything.
type Selection struct {
	Select   []string
	Exclude  []string
	Selector string // a selectors.yml name
}

// Node is one node Compile or List returns: the commonly used fields of its manifest object, and the
// whole object in Raw.
type Node struct {
	UniqueID     string         `json:"unique_id"`
	Name         string         `json:"name"`
	ResourceType string         `json:"resource_type"`
	PackageName  string         `json:"package_name"`
	Config       map[string]any `json:"config"`
	DependsOn    struct {
		Nodes  []string `json:"nodes"`
		Macros []string `json:"macros"`
	} `json:"depends_on"`
	CompiledCode string          `json:"compiled_code"` // Compile only
	RelationName string          `json:"relation_name"` // Compile only ("" for nodes without one)
	Raw          json.RawMessage `json:"-"`
}

// Project is a dbt project opened in-process. It is safe for concurrent use by several goroutines
// (the library runs their calls one at a time). Close it when done; a finalizer frees a forgotten one
// as a backstop.
type Project struct {
	mu  sync.RWMutex // read: a call is in the library; write: Close
	ptr *C.flinkdbt_project
}

var errProjectClosed = &Error{Code: CodeFailedPrecondition, Message: "flinkdbt: the project is closed"}

// cOptional is cString for optional arguments: "" becomes NULL. The caller frees a non-nil result.
func cOptional(s, what string) (*C.char, error) {
	if s == "" {
		return nil, nil
	}
	return cString(s, what)
}

// freeAll frees C strings (nil entries are fine).
func freeAll(ps ...*C.char) {
	for _, p := range ps {
		C.free(unsafe.Pointer(p))
	}
}

// takeString copies and frees a string the library returned.
func takeString(p *C.char) string {
	if p == nil {
		return ""
	}
	defer C.flinkdbt_string_free(p)
	return C.GoString(p)
}

func contextJSON(vars map[string]any) (string, error) {
	if vars == nil {
		return "", nil
	}
	b, err := json.Marshal(vars)
	if err != nil {
		return "", &Error{Code: CodeInvalidArgument, Message: "flinkdbt: the context is not JSON-encodable: " + err.Error()}
	}
	return string(b), nil
}

// OpenProject reads the project in dir ("": the current directory's project): dbt_project.yml,
// profiles.yml, packages and every file. Errors in them are *Error values naming the file, line and
// column. Nothing is parsed yet and no target is contacted.
func OpenProject(dir string, opts *ProjectOptions) (*Project, error) {
	if opts == nil {
		opts = &ProjectOptions{}
	}
	vars := ""
	if opts.Vars != nil {
		var err error
		if vars, err = contextJSON(opts.Vars); err != nil {
			return nil, err
		}
	}
	args := []struct{ value, what string }{
		{dir, "the project directory"}, {opts.ProfilesDir, "the profiles directory"}, {opts.Target, "the target"},
		{vars, "the vars"},
	}
	c := make([]*C.char, len(args))
	defer func() { freeAll(c...) }()
	for i, a := range args {
		var err error
		if c[i], err = cOptional(a.value, a.what); err != nil {
			return nil, err
		}
	}
	var ptr *C.flinkdbt_project
	var cerr *C.flinkdbt_error
	if err := check(C.flinkdbt_project_open(&ptr, c[0], c[1], c[2], c[3], &cerr), cerr); err != nil {
		return nil, err
	}
	p := &Project{ptr: ptr}
	runtime.SetFinalizer(p, (*Project).Close)
	return p, nil
}

func (p *Project) lock() (*C.flinkdbt_project, error) {
	p.mu.RLock()
	if p.ptr == nil {
		p.mu.RUnlock()
		return nil, errProjectClosed
	}
	return p.ptr, nil
}

// Parse parses the project (writing target/manifest.json, as `flinkdbt parse` does) and returns
// manifest.json's text.
func (p *Project) Parse() (json.RawMessage, error) {
	ptr, err := p.lock()
	if err != nil {
		return nil, err
	}
	defer p.mu.RUnlock()
	var out *C.char
	var cerr *C.flinkdbt_error
	status := C.flinkdbt_project_parse(ptr, &out, &cerr)
	text := takeString(out)
	if err := check(status, cerr); err != nil {
		return nil, err
	}
	return json.RawMessage(text), nil
}

type selectionFunc func(*C.flinkdbt_project, *C.char, *C.char, *C.char, **C.char, **C.flinkdbt_error) C.int

func (p *Project) selection(sel Selection, call selectionFunc) ([]Node, error) {
	ptr, err := p.lock()
	if err != nil {
		return nil, err
	}
	defer p.mu.RUnlock()
	var cs [3]*C.char
	defer func() { freeAll(cs[:]...) }()
	for i, v := range []string{strings.Join(sel.Select, " "), strings.Join(sel.Exclude, " "), sel.Selector} {
		if cs[i], err = cOptional(v, "the selection"); err != nil {
			return nil, err
		}
	}
	var out *C.char
	var cerr *C.flinkdbt_error
	status := call(ptr, cs[0], cs[1], cs[2], &out, &cerr)
	text := takeString(out)
	if err := check(status, cerr); err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	if err := json.Unmarshal([]byte(text), &raws); err != nil {
		return nil, &Error{Code: CodeInternal, Message: "flinkdbt: malformed nodes: " + err.Error()}
	}
	nodes := make([]Node, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &nodes[i]); err != nil {
			return nil, &Error{Code: CodeInternal, Message: "flinkdbt: malformed node: " + err.Error()}
		}
		nodes[i].Raw = raw
	}
	return nodes, nil
}

// Compile compiles the selected nodes (as `flinkdbt compile`, writing target/compiled/) and returns
// them in compilation order, CompiledCode filled in.
func (p *Project) Compile(sel Selection) ([]Node, error) {
	return p.selection(sel, func(a *C.flinkdbt_project, b, c, d *C.char, e **C.char, f **C.flinkdbt_error) C.int {
		return C.flinkdbt_project_compile(a, b, c, d, e, f)
	})
}

// List returns the selected nodes as `flinkdbt ls --output json` lists them, sorted by unique_id.
func (p *Project) List(sel Selection) ([]Node, error) {
	return p.selection(sel, func(a *C.flinkdbt_project, b, c, d *C.char, e **C.char, f **C.flinkdbt_error) C.int {
		return C.flinkdbt_project_list(a, b, c, d, e, f)
	})
}

// Render renders template in the project's dbt context (ref, source, var, macros...) with the keys of
// vars (nil: none) as extra variables.
func (p *Project) Render(template string, vars map[string]any) (string, error) {
	ptr, err := p.lock()
	if err != nil {
		return "", err
	}
	defer p.mu.RUnlock()
	return render(template, vars, func(ct, cc *C.char, out **C.char, cerr **C.flinkdbt_error) C.int {
		return C.flinkdbt_project_render(ptr, ct, cc, out, cerr)
	})
}

// render passes template and vars (as a JSON object) to call and returns the text it renders.
func render(template string, vars map[string]any,
	call func(ct, cc *C.char, out **C.char, cerr **C.flinkdbt_error) C.int) (string, error) {
	ctx, err := contextJSON(vars)
	if err != nil {
		return "", err
	}
	ct, err := cString(template, "the template")
	if err != nil {
		return "", err
	}
	cc, err := cOptional(ctx, "the context")
	if err != nil {
		freeAll(ct)
		return "", err
	}
	defer freeAll(ct, cc)
	var out *C.char
	var cerr *C.flinkdbt_error
	status := call(ct, cc, &out, &cerr)
	text := takeString(out)
	if err := check(status, cerr); err != nil {
		return "", err
	}
	return text, nil
}

// Close frees the project, waiting for running calls to return first. Calling it again is a no-op.
func (p *Project) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ptr == nil {
		return nil
	}
	C.flinkdbt_project_free(p.ptr)
	p.ptr = nil
	runtime.SetFinalizer(p, nil)
	return nil
}

// RenderTemplate renders a Jinja template with vars (nil: none) as its variables, on flinkdbt's
// template engine configured as dbt configures Jinja2, without any project. Syntax and render errors
// are *Error values with File "<template>", Line and Column.
func RenderTemplate(template string, vars map[string]any) (string, error) {
	return render(template, vars, func(ct, cc *C.char, out **C.char, cerr **C.flinkdbt_error) C.int {
		return C.flinkdbt_render_template(ct, cc, out, cerr)
	})
}
