//! Project, Selection and render_template against the real library (the quickstart project).

use flinkdbt::{Code, OpenOptions, Project, Selection, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

/// A fresh copy of examples/quickstart in a temp dir, removed on drop.
struct Quickstart(PathBuf);

impl Quickstart {
    fn new(tag: &str) -> Quickstart {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "flinkdbt_rs_project_{}_{}_{}",
            tag,
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../examples/quickstart"), &dir);
        Quickstart(dir)
    }

    fn open(&self, vars: Option<&str>) -> Project {
        let options = OpenOptions { profiles_dir: Some(&self.0), target: Some("local"), vars };
        Project::open_with(Some(&self.0), &options).unwrap()
    }
}

impl Drop for Quickstart {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
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

fn ids(nodes: &[Value]) -> Vec<String> {
    nodes.iter().filter_map(|n| n.get("unique_id").and_then(Value::as_str)).map(str::to_string).collect()
}

fn models(nodes: &[Value]) -> Vec<&Value> {
    nodes.iter().filter(|n| n.get("resource_type").and_then(Value::as_str) == Some("model")).collect()
}

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn project_is_send_and_sync() {
    assert_send_sync::<Project>();
}

#[test]
fn render_template_without_a_project() {
    let out = flinkdbt::render_template(
        "{{ name | upper }}{% for i in xs %}-{{ i }}{% endfor %}",
        Some(r#"{"name": "ab", "xs": [1, 2]}"#),
    )
    .unwrap();
    assert_eq!(out, "AB-1-2");
    assert_eq!(flinkdbt::render_template("{{ 6 * 7 }}", None).unwrap(), "42");
    let err = flinkdbt::render_template("ok\n{% if %}", None).unwrap_err();
    assert_eq!(err.code, Code::InvalidArgument);
    assert_eq!(err.file.as_deref(), Some("<template>"));
    assert_eq!(err.line, 2);
    assert!(flinkdbt::render_template("x", Some("[1]")).is_err());
    assert_eq!(flinkdbt::render_template("a\0b", None).unwrap_err().code, Code::InvalidArgument);
}

#[test]
fn parse_list_compile_render() {
    let qs = Quickstart::new("all");
    let project = qs.open(Some("{limit: 3}"));
    let manifest = project.parse().unwrap();
    assert!(manifest.get("nodes").and_then(|n| n.get("model.my_flink_project.stg_orders")).is_some());
    assert!(qs.0.join("target/manifest.json").is_file());

    let listed = project.list(&Selection::select("stg_orders+").exclude("fct_revenue")).unwrap();
    let listed_ids = ids(&listed);
    assert!(listed_ids.contains(&"model.my_flink_project.int_order_totals".to_string()), "{:?}", listed_ids);
    assert!(!listed_ids.iter().any(|i| i.ends_with("fct_revenue")), "{:?}", listed_ids);
    let everything = project.list(&Selection::all()).unwrap();
    assert!(everything.iter().any(|n| n.get("resource_type").and_then(Value::as_str) == Some("source")));
    assert!(project.list(&Selection::select("no_such_model")).unwrap().is_empty());
    assert!(project.list(&Selection::all().selector("no_such_selector")).is_err());

    let compiled = project.compile(&Selection::select("stg_orders int_order_totals")).unwrap();
    // Eager indirect selection compiles the models' tests too.
    assert_eq!(models(&compiled).len(), 2, "{:?}", ids(&compiled));
    let stg = compiled.iter().find(|n| n.get("name").and_then(Value::as_str) == Some("stg_orders")).unwrap();
    let code = stg.get("compiled_code").and_then(Value::as_str).unwrap();
    assert!(code.contains("FROM `examples`.`marketplace`.`orders`"), "{}", code);
    assert_eq!(stg.get("config").and_then(|c| c.get("materialized")).and_then(Value::as_str), Some("view"));

    let out = project.render("{{ var('limit') + n }} {{ ref('stg_orders') }}", Some(r#"{"n": 1}"#)).unwrap();
    assert!(out.starts_with("4 ") && out.contains("stg_orders"), "{}", out);
    let err = project.render("{{ ref('missing_model') }}", None).unwrap_err();
    assert!(err.message.contains("missing_model"), "{}", err);
}

#[test]
fn errors_name_the_file_and_line() {
    let qs = Quickstart::new("broken");
    let schema = qs.0.join("models/staging/schema.yml");
    let mut text = std::fs::read_to_string(&schema).unwrap();
    text.push_str("\n  - name: [unclosed\n");
    std::fs::write(&schema, text).unwrap();
    let err = Project::open(&qs.0).err().expect("a broken schema.yml fails to open");
    assert_eq!(err.code, Code::InvalidArgument);
    assert!(err.file.as_deref().unwrap_or("").ends_with("schema.yml"), "{:?}", err);
    assert!(err.line > 1, "{:?}", err);

    let qs = Quickstart::new("bad_model");
    std::fs::write(qs.0.join("models/staging/bad.sql"), "SELECT 1\n{{ 1 + }}\n").unwrap();
    let project = qs.open(None);
    let err = project.compile(&Selection::select("bad")).unwrap_err();
    assert!(err.file.as_deref().unwrap_or("").ends_with("bad.sql"), "{:?}", err);
    assert_eq!(err.line, 2);

    let options = OpenOptions { target: Some("no_such_target"), ..OpenOptions::default() };
    let err = Project::open_with(Some(&qs.0), &options).err().unwrap();
    assert!(err.message.contains("no_such_target"), "{}", err);
}

#[test]
fn two_projects_on_two_threads_at_once() {
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = ["ra", "rb"]
        .into_iter()
        .map(|name| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let qs = Quickstart::new(name);
                let project = qs.open(Some(&format!("{{who: {}}}", name)));
                barrier.wait();
                let mut compiled = Vec::new();
                for _ in 0..3 {
                    compiled = project.compile(&Selection::select("stg_orders+")).unwrap();
                    assert!(project.list(&Selection::all()).unwrap().len() > 3);
                }
                assert!(ids(&compiled).contains(&"model.my_flink_project.fct_revenue".to_string()));
                assert_eq!(project.render("{{ var('who') }}", None).unwrap(), name);
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn one_project_shared_by_threads() {
    let qs = Quickstart::new("shared");
    let project = qs.open(None);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..3 {
                    assert_eq!(models(&project.compile(&Selection::select("stg_orders")).unwrap()).len(), 1);
                }
            });
        }
    });
}
