//! The safe API against the real library. Run by CTest (tests/bindings) with FLINKDBT_LIB_DIR set to
//! the build tree's lib/ and FLINKDBT_EXECUTABLE naming its `flinkdbt`.

use flinkdbt::{Code, Runner, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "flinkdbt_rs_{}_{}_{}",
            tag,
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Collects (name, level, msg) of every event.
fn collect(runner: &mut Runner) -> Arc<Mutex<Vec<(String, String, String)>>> {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    runner
        .set_event_handler(move |e| {
            sink.lock().unwrap().push((e.name().to_string(), e.level().to_string(), e.msg().to_string()))
        })
        .unwrap();
    events
}

#[test]
fn version_matches_the_cli() {
    let v = flinkdbt::version();
    assert_eq!(v.split('.').filter(|p| p.parse::<u32>().is_ok()).count(), 3, "{}", v);
    assert_eq!(flinkdbt::abi_version(), flinkdbt::ABI_VERSION);
    if let Ok(exe) = std::env::var("FLINKDBT_EXECUTABLE") {
        let out = Command::new(exe).arg("--version").output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(text.lines().next(), Some(format!("flinkdbt {}", v).as_str()));
    }
    let runner = Runner::new().unwrap();
    let res = runner.invoke(&["--version"]).unwrap();
    assert!(res.success);
    assert_eq!(res.exit_code, 0);
    assert!(res.result.is_null());
    assert_eq!(res.result_json, "null");
}

#[test]
fn init_creates_a_project_then_refuses() {
    let dir = TempDir::new("init");
    let mut runner = Runner::open(&dir.0).unwrap();
    let events = collect(&mut runner);
    let res = runner.invoke(&["init", "rs_project"]).unwrap();
    assert!(res.success, "{:?}", events.lock().unwrap());
    for f in ["dbt_project.yml", "profiles.yml", "models/staging/stg_orders.sql"] {
        assert!(dir.0.join("rs_project").join(f).is_file(), "{}", f);
    }
    assert_eq!(events.lock().unwrap().iter().filter(|e| e.0 == "MainReportVersion").count(), 1);

    events.lock().unwrap().clear();
    let res = runner.invoke(&["init", "rs_project"]).unwrap();
    assert!(!res.success);
    assert_eq!(res.exit_code, 2);
    assert!(events.lock().unwrap().iter().any(|e| e.1 == "error" && e.2.contains("already exists")));
}

#[test]
fn event_data_names_the_version() {
    let dir = TempDir::new("data");
    let mut runner = Runner::open(&dir.0).unwrap();
    let seen = Arc::new(Mutex::new(None));
    let sink = seen.clone();
    runner
        .set_event_handler(move |e| {
            if e.name() == "MainReportVersion" {
                *sink.lock().unwrap() = e.data().get("version").and_then(Value::as_str).map(String::from);
                assert!(Value::parse(e.json()).is_ok());
            }
        })
        .unwrap();
    assert_eq!(runner.invoke(&["init", "p"]).unwrap().exit_code, 0);
    assert_eq!(seen.lock().unwrap().as_deref(), Some(flinkdbt::version()));
}

#[test]
fn usage_errors_exit_2_and_bad_arguments_are_errors() {
    let runner = Runner::new().unwrap();
    let res = runner.invoke(&["--no-such-flag"]).unwrap();
    assert_eq!((res.success, res.exit_code), (false, 2));
    let err = runner.invoke(&["a\0b"]).unwrap_err();
    assert_eq!(err.code, Code::InvalidArgument);
}

#[test]
fn errors_carry_the_error_object() {
    let mut runner = Runner::new().unwrap();
    let err = runner.set_env("BAD=NAME", Some("x")).unwrap_err();
    assert_eq!(err.code, Code::InvalidArgument);
    assert!(err.message.contains("'='"), "{}", err.message);
    assert_eq!((err.file.as_deref(), err.line, err.column), (None, 0, 0));
    let located = flinkdbt::Error {
        code: Code::NotFound,
        message: "m".into(),
        file: Some("models/a.sql".into()),
        line: 3,
        column: 7,
    };
    assert_eq!(located.to_string(), "models/a.sql:3:7: m");
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    assert!(boxed.to_string().contains("'='"));
}

#[test]
fn env_overrides_reach_the_invocation_only() {
    let dir = TempDir::new("env");
    let mut runner = Runner::open(&dir.0).unwrap();
    runner.set_env("DBT_LOG_FORMAT", Some("xml")).unwrap();
    assert_eq!(runner.invoke(&["init", "e1"]).unwrap().exit_code, 2);
    assert!(std::env::var_os("DBT_LOG_FORMAT").is_none());
    runner.set_env("DBT_LOG_FORMAT", None).unwrap();
    assert_eq!(runner.invoke(&["init", "e1"]).unwrap().exit_code, 0);
    runner.set_env("DBT_LOG_FORMAT", Some("json")).unwrap();
    assert_eq!(runner.invoke(&["init", "e2"]).unwrap().exit_code, 0);
}

#[test]
fn cancel_from_the_event_handler() {
    let dir = TempDir::new("cancel");
    let mut runner = Runner::open(&dir.0).unwrap();
    let armed = Arc::new(AtomicBool::new(true));
    let flag = armed.clone();
    runner
        .set_event_handler(move |e| {
            if e.name() == "MainReportVersion" && flag.swap(false, Ordering::SeqCst) {
                e.cancel_invocation();
            }
        })
        .unwrap();
    assert_eq!(runner.invoke(&["init", "cancelled"]).unwrap().exit_code, 2);
    assert!(!dir.0.join("cancelled").exists());
    runner.cancel().unwrap(); // idle: harmless
    assert_eq!(runner.invoke(&["init", "cancelled"]).unwrap().exit_code, 0);
}

#[test]
fn cancel_from_another_thread() {
    let dir = TempDir::new("cancel_thread");
    let mut runner = Runner::open(&dir.0).unwrap();
    // The handler holds the invocation until the other thread has cancelled it.
    let started = Arc::new(Barrier::new(2));
    let cancelled = Arc::new(Barrier::new(2));
    let (s, c) = (started.clone(), cancelled.clone());
    runner
        .set_event_handler(move |e| {
            if e.name() == "MainReportVersion" {
                s.wait();
                c.wait();
            }
        })
        .unwrap();
    let canceller = runner.canceller();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            started.wait();
            canceller.cancel().unwrap();
            cancelled.wait();
        });
        let res = runner.invoke(&["init", "other"]).unwrap();
        assert_eq!(res.exit_code, 2);
    });
    assert!(!dir.0.join("other").exists());
}

#[test]
fn a_panicking_handler_cancels_and_resumes_the_panic() {
    let dir = TempDir::new("panic");
    let mut runner = Runner::open(&dir.0).unwrap();
    runner.set_event_handler(|_| panic!("boom")).unwrap();
    let caught =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runner.invoke(&["init", "panicked"])));
    let payload = caught.expect_err("invoke did not resume the panic");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    assert!(!dir.0.join("panicked").exists());
    runner.clear_event_handler().unwrap();
    assert_eq!(runner.invoke(&["init", "panicked"]).unwrap().exit_code, 0);
}

#[test]
fn two_runners_on_two_threads_at_once() {
    let dir = TempDir::new("threads");
    // Both invocations must be inside their handlers at the same moment to pass the barrier; a
    // watchdog fails the test instead of hanging if they never overlap.
    let barrier = Arc::new(Barrier::new(2));
    let overlapped = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = ["rs_a", "rs_b"]
        .iter()
        .map(|name| {
            let (dir, barrier, overlapped) = (dir.0.clone(), barrier.clone(), overlapped.clone());
            let name = name.to_string();
            std::thread::spawn(move || {
                let mut runner = Runner::open(&dir).unwrap();
                let notes = Arc::new(Mutex::new(Vec::new()));
                let sink = notes.clone();
                runner
                    .set_event_handler(move |e| {
                        if e.name() == "MainReportVersion" {
                            barrier.wait();
                            overlapped.fetch_add(1, Ordering::SeqCst);
                        } else if e.name() == "Note" {
                            sink.lock().unwrap().push(e.msg().to_string());
                        }
                    })
                    .unwrap();
                let res = runner.invoke(&["init", name.as_str()]).unwrap();
                assert_eq!(res.exit_code, 0, "{}", name);
                for note in notes.lock().unwrap().iter() {
                    assert!(note.contains(&name), "{}'s runner saw {:?}", name, note);
                }
                assert!(dir.join(&name).join("dbt_project.yml").is_file());
            })
        })
        .collect();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while overlapped.load(Ordering::SeqCst) < 2 {
        assert!(std::time::Instant::now() < deadline, "the runners never ran at the same time");
        std::thread::sleep(Duration::from_millis(5));
    }
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn runners_move_between_threads() {
    let dir = TempDir::new("send");
    let runner = Runner::open(&dir.0).unwrap();
    let runner = std::thread::spawn(move || {
        assert_eq!(runner.invoke(&["init", "moved"]).unwrap().exit_code, 0);
        runner
    })
    .join()
    .unwrap();
    assert_eq!(runner.invoke(&["init", "moved"]).unwrap().exit_code, 2);
}

fn cli_lists_build() -> Option<bool> {
    let exe = std::env::var("FLINKDBT_EXECUTABLE").ok()?;
    let out = Command::new(exe).arg("--help").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let subcommands = text.split("Subcommands:").nth(1).unwrap_or("");
    Some(subcommands.lines().any(|l| l.split_whitespace().next() == Some("build")))
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if ["target", "logs", "dbt_packages"].iter().any(|n| name == *n) {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

#[test]
fn build_quickstart_on_local() {
    assert_ne!(cli_lists_build(), Some(false), "`flinkdbt --help` does not list `build`");
    let dir = TempDir::new("quickstart");
    let project = dir.0.join("quickstart");
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../examples/quickstart"), &project);
    let runner = Runner::open(&project).unwrap();
    let res = runner.invoke(&["build", "--target", "local"]).unwrap();
    assert!(res.success, "{}", res.result_json);
    let results = res.result.get("results").and_then(Value::as_array).expect("run results");
    let ids: Vec<&str> = results.iter().filter_map(|r| r.get("unique_id").and_then(Value::as_str)).collect();
    assert!(ids.contains(&"model.my_flink_project.stg_orders"), "{:?}", ids);
    assert!(ids.contains(&"model.my_flink_project.fct_revenue"), "{:?}", ids);
    for r in results {
        let status = r.get("status").and_then(Value::as_str).unwrap_or("");
        assert!(status == "success" || status == "pass", "{}", r.to_json());
    }
}
