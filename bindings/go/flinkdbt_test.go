package flinkdbt

// Run by CTest (tests/bindings) with CGO_CFLAGS/CGO_LDFLAGS pointing at the build tree and
// FLINKDBT_EXECUTABLE naming the build's `flinkdbt`.

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// events collects events safely from any thread.
type events struct {
	mu   sync.Mutex
	list []Event
}

func (e *events) add(ev Event) {
	e.mu.Lock()
	e.list = append(e.list, ev)
	e.mu.Unlock()
}

func (e *events) named(name string) []Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Event
	for _, ev := range e.list {
		if ev.Name == name {
			out = append(out, ev)
		}
	}
	return out
}

func newRunner(t *testing.T, dir string) *Runner {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func mustInvoke(t *testing.T, r *Runner, args ...string) *Result {
	t.Helper()
	res, err := r.Invoke(args...)
	if err != nil {
		t.Fatalf("Invoke(%q): %v", args, err)
	}
	return res
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func TestVersion(t *testing.T) {
	v := Version()
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(v) {
		t.Fatalf("Version() = %q", v)
	}
	if LibraryABIVersion() != ABIVersion {
		t.Fatalf("library ABI %d, package ABI %d", LibraryABIVersion(), ABIVersion)
	}
	if exe := os.Getenv("FLINKDBT_EXECUTABLE"); exe != "" {
		out, err := exec.Command(exe, "--version").Output()
		if err != nil {
			t.Fatal(err)
		}
		if first := strings.SplitN(string(out), "\n", 2)[0]; first != "flinkdbt "+v {
			t.Fatalf("flinkdbt --version printed %q, Version() is %q", first, v)
		}
	}
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	res := mustInvoke(t, r, "--version")
	if !res.Success || res.ExitCode != 0 || string(res.ResultJSON) != "null" {
		t.Fatalf("--version: %+v", res)
	}
}

func TestInit(t *testing.T) {
	dir := t.TempDir()
	r := newRunner(t, dir)
	var evs events
	r.SetEventHandler(evs.add)
	res := mustInvoke(t, r, "init", "go_project")
	if !res.Success || res.ExitCode != 0 {
		t.Fatalf("init: %+v", res)
	}
	for _, f := range []string{"dbt_project.yml", "profiles.yml", "models/staging/stg_orders.sql"} {
		if !exists(filepath.Join(dir, "go_project", f)) {
			t.Errorf("init did not create %s", f)
		}
	}
	started := evs.named("MainReportVersion")
	if len(started) != 1 {
		t.Fatalf("MainReportVersion events: %d", len(started))
	}
	var data struct{ Command, Version string }
	if err := json.Unmarshal(started[0].Data, &data); err != nil || data.Version != Version() || data.Command != "init" {
		t.Fatalf("MainReportVersion data %s (%v)", started[0].Data, err)
	}

	res = mustInvoke(t, r, "init", "go_project")
	if res.Success || res.ExitCode != 2 {
		t.Fatalf("second init: %+v", res)
	}
	found := false
	for _, ev := range evs.list {
		if ev.Level == "error" && strings.Contains(ev.Msg, "already exists") {
			found = true
		}
	}
	if !found {
		t.Fatal("no error event naming the existing folder")
	}
}

func TestUsageError(t *testing.T) {
	r := newRunner(t, "")
	res := mustInvoke(t, r, "--no-such-flag")
	if res.Success || res.ExitCode != 2 {
		t.Fatalf("usage error: %+v", res)
	}
	if _, err := r.Invoke("a\x00b"); err == nil {
		t.Fatal("an argument with a NUL byte was accepted")
	}
}

func TestErrors(t *testing.T) {
	r := newRunner(t, "")
	err := r.Setenv("BAD=NAME", "x")
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("Setenv with '=': %v", err)
	}
	if fe.Code != CodeInvalidArgument || !strings.Contains(fe.Message, "'='") || fe.File != "" || fe.Line != 0 {
		t.Fatalf("error: %+v", fe)
	}
	if got := (&Error{Code: CodeNotFound, Message: "m", File: "a.sql", Line: 3, Column: 7}).Error(); got != "a.sql:3:7: m" {
		t.Fatalf("Error() = %q", got)
	}
	if CodeFailedPrecondition.String() != "failed precondition" {
		t.Fatal(CodeFailedPrecondition.String())
	}
	r.Close()
	if err := r.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if _, err := r.Invoke("--version"); !errors.As(err, &fe) || fe.Code != CodeFailedPrecondition {
		t.Fatalf("Invoke after Close: %v", err)
	}
}

func TestEnvOverrides(t *testing.T) {
	dir := t.TempDir()
	r := newRunner(t, dir)
	if err := r.Setenv("DBT_LOG_FORMAT", "xml"); err != nil {
		t.Fatal(err)
	}
	if res := mustInvoke(t, r, "init", "e1"); res.ExitCode != 2 {
		t.Fatalf("DBT_LOG_FORMAT=xml: exit %d, want 2", res.ExitCode)
	}
	if _, set := os.LookupEnv("DBT_LOG_FORMAT"); set {
		t.Fatal("Setenv changed the process environment")
	}
	if err := r.Unsetenv("DBT_LOG_FORMAT"); err != nil {
		t.Fatal(err)
	}
	if res := mustInvoke(t, r, "init", "e1"); res.ExitCode != 0 {
		t.Fatalf("after Unsetenv: exit %d", res.ExitCode)
	}
	// Unsetenv hides a variable the process has.
	t.Setenv("DBT_LOG_FORMAT", "xml")
	if res := mustInvoke(t, r, "init", "e2"); res.ExitCode != 0 {
		t.Fatalf("process DBT_LOG_FORMAT=xml after Unsetenv: exit %d", res.ExitCode)
	}
}

func TestFinalizerClosesForgottenRunner(t *testing.T) {
	finalized := make(chan struct{}, 1)
	testHookFinalized = func() { finalized <- struct{}{} }
	defer func() { testHookFinalized = nil }()
	func() {
		r, err := New()
		if err != nil {
			t.Fatal(err)
		}
		// With a handler set the cgo.Handle refers to the event sink, never to the Runner, so the
		// Runner still becomes unreachable.
		r.SetEventHandler(func(Event) {})
		mustInvoke(t, r, "--version")
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		select {
		case <-finalized:
			return
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the finalizer never closed an unreachable Runner")
		}
	}
}

func TestCancelFromHandler(t *testing.T) {
	dir := t.TempDir()
	r := newRunner(t, dir)
	var once sync.Once
	r.SetEventHandler(func(ev Event) {
		if ev.Name == "MainReportVersion" {
			once.Do(func() {
				if err := r.Cancel(); err != nil {
					t.Error(err)
				}
			})
		}
	})
	if res := mustInvoke(t, r, "init", "cancelled"); res.ExitCode != 2 {
		t.Fatalf("cancelled init: exit %d", res.ExitCode)
	}
	if exists(filepath.Join(dir, "cancelled")) {
		t.Fatal("a cancelled init created the project")
	}
	if err := r.Cancel(); err != nil { // idle: harmless
		t.Fatal(err)
	}
	if res := mustInvoke(t, r, "init", "cancelled"); res.ExitCode != 0 {
		t.Fatalf("init after a cancel: exit %d", res.ExitCode)
	}
}

func TestCancelWithContext(t *testing.T) {
	dir := t.TempDir()
	r := newRunner(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancelled := make(chan struct{})
	testHookContextCancelled = func() { close(cancelled) }
	defer func() { testHookContextCancelled = nil }()
	r.SetEventHandler(func(ev Event) {
		if ev.Name == "MainReportVersion" {
			cancel() // InvokeContext's watcher goroutine sees ctx.Done() and calls Cancel
			select {
			case <-cancelled:
			case <-time.After(10 * time.Second):
				t.Error("InvokeContext did not cancel for its context")
			}
		}
	})
	res, err := r.InvokeContext(ctx, "init", "ctx")
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 2 || exists(filepath.Join(dir, "ctx")) {
		t.Fatalf("context-cancelled init: %+v", res)
	}
}

func TestHandlerPanicCancelsAndPropagates(t *testing.T) {
	dir := t.TempDir()
	r := newRunner(t, dir)
	r.SetEventHandler(func(Event) { panic("boom") })
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Fatalf("recovered %v, want boom", p)
			}
		}()
		r.Invoke("init", "panicked")
		t.Fatal("Invoke did not panic")
	}()
	if exists(filepath.Join(dir, "panicked")) {
		t.Fatal("the invocation was not cancelled")
	}
	r.SetEventHandler(nil)
	if res := mustInvoke(t, r, "init", "panicked"); res.ExitCode != 0 {
		t.Fatalf("after a panic: exit %d", res.ExitCode)
	}
}

func TestTwoRunnersAtOnce(t *testing.T) {
	dir := t.TempDir()
	// Both invocations must be inside their handlers at the same time to get past the barrier.
	var arrived sync.WaitGroup
	arrived.Add(2)
	both := make(chan struct{})
	go func() { arrived.Wait(); close(both) }()
	var wg sync.WaitGroup
	for _, name := range []string{"go_a", "go_b"} {
		name := name
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := Open(dir)
			if err != nil {
				t.Error(err)
				return
			}
			defer r.Close()
			var evs events
			r.SetEventHandler(func(ev Event) {
				evs.add(ev)
				if ev.Name == "MainReportVersion" {
					arrived.Done()
					select {
					case <-both:
					case <-time.After(10 * time.Second):
						t.Error("the other runner never ran at the same time")
					}
				}
			})
			res, err := r.Invoke("init", name)
			if err != nil || res.ExitCode != 0 {
				t.Errorf("%s: %+v %v", name, res, err)
				return
			}
			for _, ev := range evs.named("Note") {
				if !strings.Contains(ev.Msg, name) {
					t.Errorf("%s's runner saw %q", name, ev.Msg)
				}
			}
			if !exists(filepath.Join(dir, name, "dbt_project.yml")) {
				t.Errorf("%s not created", name)
			}
		}()
	}
	wg.Wait()
}

func TestOneInvocationPerRunner(t *testing.T) {
	dir := t.TempDir()
	r := newRunner(t, dir)
	inside, release := make(chan struct{}), make(chan struct{})
	r.SetEventHandler(func(ev Event) {
		if ev.Name == "MainReportVersion" {
			close(inside)
			<-release
		}
	})
	done := make(chan struct{})
	go func() { defer close(done); r.Invoke("init", "busy") }()
	<-inside
	_, err := r.Invoke("--version")
	close(release)
	<-done
	var fe *Error
	if !errors.As(err, &fe) || fe.Code != CodeFailedPrecondition {
		t.Fatalf("a concurrent Invoke on one runner: %v", err)
	}
}

// cliListsBuild reports whether `flinkdbt --help` lists a build subcommand.
func cliListsBuild(t *testing.T) bool {
	exe := os.Getenv("FLINKDBT_EXECUTABLE")
	if exe == "" {
		t.Skip("FLINKDBT_EXECUTABLE not set: cannot tell whether `flinkdbt build` exists")
	}
	out, err := exec.Command(exe, "--help").Output()
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.SplitN(string(out), "Subcommands:", 2)
	if len(parts) < 2 {
		return false
	}
	for _, line := range strings.Split(parts[1], "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == "build" {
			return true
		}
	}
	return false
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if info.IsDir() {
			if rel == "target" || rel == "logs" || rel == "dbt_packages" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBuildQuickstart(t *testing.T) {
	if os.Getenv("FLINKDBT_EXECUTABLE") != "" && !cliListsBuild(t) {
		t.Fatal("`flinkdbt --help` does not list `build`")
	}
	project := filepath.Join(t.TempDir(), "quickstart")
	copyTree(t, filepath.Join("..", "..", "examples", "quickstart"), project)
	r := newRunner(t, project)
	res := mustInvoke(t, r, "build", "--target", "local")
	if !res.Success || res.ExitCode != 0 {
		t.Fatalf("build: %+v %s", res, res.ResultJSON)
	}
	var rr struct {
		Results []struct {
			UniqueID string `json:"unique_id"`
			Status   string `json:"status"`
		} `json:"results"`
	}
	if err := json.Unmarshal(res.ResultJSON, &rr); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, n := range rr.Results {
		seen[n.UniqueID] = true
		if n.Status != "success" && n.Status != "pass" {
			t.Errorf("%s: %s", n.UniqueID, n.Status)
		}
	}
	for _, id := range []string{"model.my_flink_project.stg_orders", "model.my_flink_project.fct_revenue"} {
		if !seen[id] {
			t.Errorf("%s not in the run results", id)
		}
	}
}
