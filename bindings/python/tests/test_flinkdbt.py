"""Tests of the Python binding, run by CTest (tests/bindings) with FLINKDBT_LIBRARY naming the build's
libflinkdbt.so and FLINKDBT_EXECUTABLE the build's `flinkdbt`:

    PYTHONPATH=bindings/python FLINKDBT_LIBRARY=build/lib/libflinkdbt.so \
        FLINKDBT_EXECUTABLE=build/bin/flinkdbt python3 -m unittest discover -s bindings/python/tests
"""

import os
import shutil
import subprocess
import tempfile
import threading
import unittest

import flinkdbt

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
EXECUTABLE = os.environ.get("FLINKDBT_EXECUTABLE")


def cli_lists_build():
    """Whether `flinkdbt --help` lists a `build` subcommand (None when no executable is known)."""
    if not EXECUTABLE:
        return None
    out = subprocess.run([EXECUTABLE, "--help"], capture_output=True, text=True, check=True).stdout
    return any(line.split()[:1] == ["build"] for line in out.split("Subcommands:", 1)[-1].splitlines())


def copy_quickstart(parent, name):
    """A fresh copy of examples/quickstart under parent/name."""
    dest = os.path.join(parent, name)
    shutil.copytree(os.path.join(REPO, "examples", "quickstart"), dest,
                    ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    return dest


class Events:
    """Collects events (thread-safe); optionally runs `hook` on each."""

    def __init__(self, hook=None):
        self.lock = threading.Lock()
        self.events = []
        self.hook = hook

    def __call__(self, event):
        with self.lock:
            self.events.append(event)
        if self.hook:
            self.hook(event)

    def names(self):
        with self.lock:
            return [e["info"]["name"] for e in self.events]

    def named(self, name):
        with self.lock:
            return [e for e in self.events if e["info"]["name"] == name]


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="flinkdbt_py_")
        self.addCleanup(shutil.rmtree, self.dir, True)


class VersionTest(unittest.TestCase):
    def test_version_matches_cli(self):
        v = flinkdbt.version()
        self.assertRegex(v, r"^\d+\.\d+\.\d+$")
        self.assertEqual(flinkdbt.abi_version(), flinkdbt.ABI_VERSION)
        if EXECUTABLE:
            out = subprocess.run([EXECUTABLE, "--version"], capture_output=True, text=True, check=True).stdout
            self.assertEqual(out.splitlines()[0], "flinkdbt " + v)

    def test_invoke_version(self):
        with flinkdbt.Runner() as runner:
            res = runner.invoke(["--version"])
        self.assertTrue(res.success)
        self.assertEqual(res.exit_code, 0)
        self.assertIsNone(res.result)


class InitTest(TempDirTest):
    def test_init_creates_project_then_refuses(self):
        events = Events()
        runner = flinkdbt.Runner(callbacks=[events], cwd=self.dir)
        self.addCleanup(runner.close)
        res = runner.invoke(["init", "py_project"])
        self.assertTrue(res.success, events.events)
        self.assertEqual(res.exit_code, 0)
        for f in ("dbt_project.yml", "profiles.yml", "models/staging/stg_orders.sql"):
            self.assertTrue(os.path.isfile(os.path.join(self.dir, "py_project", f)), f)
        started = events.named("MainReportVersion")
        self.assertEqual(len(started), 1)
        self.assertEqual(started[0]["data"]["version"], flinkdbt.version())
        self.assertEqual(started[0]["data"]["command"], "init")

        events.events.clear()
        res = runner.invoke(["init", "py_project"])
        self.assertFalse(res.success)
        self.assertEqual(res.exit_code, 2)
        errors = [e for e in events.events if e["info"]["level"] == "error"]
        self.assertTrue(errors and "already exists" in errors[0]["info"]["msg"], events.events)

    def test_paths_accept_pathlike(self):
        import pathlib
        with flinkdbt.Runner(cwd=pathlib.Path(self.dir)) as runner:
            self.assertEqual(runner.invoke(["init", "p"]).exit_code, 0)
        self.assertTrue(os.path.isdir(os.path.join(self.dir, "p")))


class UsageTest(unittest.TestCase):
    def test_usage_error_exits_2(self):
        with flinkdbt.Runner() as runner:
            res = runner.invoke(["--no-such-flag"])
        self.assertFalse(res.success)
        self.assertEqual(res.exit_code, 2)

    def test_bad_arguments_raise_before_calling(self):
        with flinkdbt.Runner() as runner:
            with self.assertRaises(TypeError):
                runner.invoke("--version")
            with self.assertRaises(TypeError):
                runner.invoke([1])
            with self.assertRaises(ValueError):
                runner.invoke(["a\0b"])

    def test_closed_runner(self):
        runner = flinkdbt.Runner()
        runner.close()
        runner.close()
        with self.assertRaises(ValueError):
            runner.invoke(["--version"])


class ErrorTest(unittest.TestCase):
    def test_error_object_becomes_exception(self):
        with flinkdbt.Runner() as runner:
            with self.assertRaises(flinkdbt.FlinkdbtError) as cm:
                runner.setenv("BAD=NAME", "x")
        e = cm.exception
        self.assertEqual(e.code, flinkdbt.ERROR_INVALID_ARGUMENT)
        self.assertIn("'='", e.message)
        self.assertIsNone(e.file)
        self.assertEqual((e.line, e.column), (0, 0))
        self.assertIn("invalid argument", repr(e))

    def test_str_names_location(self):
        e = flinkdbt.FlinkdbtError(1, "bad", "models/a.sql", 3, 7)
        self.assertEqual(str(e), "models/a.sql:3:7: bad")


class EnvTest(TempDirTest):
    def test_overrides_reach_invocation_not_process(self):
        with flinkdbt.Runner(cwd=self.dir, env={"DBT_LOG_FORMAT": "xml"}) as runner:
            self.assertEqual(runner.invoke(["init", "e1"]).exit_code, 2)  # invalid value: usage error
            self.assertNotIn("DBT_LOG_FORMAT", os.environ)
            runner.setenv("DBT_LOG_FORMAT", None)
            self.assertEqual(runner.invoke(["init", "e1"]).exit_code, 0)
            runner.setenv("DBT_LOG_FORMAT", "json")
            self.assertEqual(runner.invoke(["init", "e2"]).exit_code, 0)

    def test_removing_a_process_variable(self):
        os.environ["DBT_LOG_FORMAT"] = "xml"
        self.addCleanup(os.environ.pop, "DBT_LOG_FORMAT", None)
        with flinkdbt.Runner(cwd=self.dir) as runner:
            self.assertEqual(runner.invoke(["init", "e3"]).exit_code, 2)
            runner.setenv("DBT_LOG_FORMAT", None)
            self.assertEqual(runner.invoke(["init", "e3"]).exit_code, 0)


class CancelTest(TempDirTest):
    def test_cancel_from_callback(self):
        runner = flinkdbt.Runner(cwd=self.dir)
        self.addCleanup(runner.close)

        cancel_next = [True]

        def hook(event):
            if event["info"]["name"] == "MainReportVersion" and cancel_next[0]:
                cancel_next[0] = False
                runner.cancel()

        runner.add_callback(Events(hook))
        res = runner.invoke(["init", "cancelled"])
        self.assertEqual(res.exit_code, 2)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "cancelled")))
        # The next invocation starts afresh; cancel on an idle runner is harmless.
        runner.cancel()
        self.assertEqual(runner.invoke(["init", "cancelled"]).exit_code, 0)

    def test_cancel_from_another_thread(self):
        started, cancelled = threading.Event(), threading.Event()

        def hook(event):
            if event["info"]["name"] == "MainReportVersion":
                started.set()
                self.assertTrue(cancelled.wait(10))

        runner = flinkdbt.Runner(callbacks=[hook], cwd=self.dir)
        self.addCleanup(runner.close)
        box = {}
        t = threading.Thread(target=lambda: box.setdefault("res", runner.invoke(["init", "other"])))
        t.start()
        self.assertTrue(started.wait(10))
        runner.cancel()
        cancelled.set()
        t.join(10)
        self.assertEqual(box["res"].exit_code, 2)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "other")))

    def test_callback_exception_cancels_and_propagates(self):
        def hook(event):
            raise RuntimeError("boom")

        with flinkdbt.Runner(callbacks=[hook], cwd=self.dir) as runner:
            with self.assertRaisesRegex(RuntimeError, "boom"):
                runner.invoke(["init", "raised"])
            self.assertFalse(os.path.exists(os.path.join(self.dir, "raised")))


class ThreadTest(TempDirTest):
    def test_two_runners_on_two_threads_at_once(self):
        # Both invocations must be inside their callbacks at the same moment to pass the barrier.
        barrier = threading.Barrier(2, timeout=10)
        results, errors = {}, []

        def work(name):
            try:
                def hook(event):
                    if event["info"]["name"] == "MainReportVersion":
                        barrier.wait()

                events = Events(hook)
                with flinkdbt.Runner(callbacks=[events], cwd=self.dir) as runner:
                    results[name] = runner.invoke(["init", name])
                notes = " ".join(e["info"]["msg"] for e in events.named("Note"))
                if name not in notes:
                    errors.append("%s's runner saw another runner's events: %s" % (name, notes))
            except BaseException as e:
                errors.append(repr(e))

        threads = [threading.Thread(target=work, args=(n,)) for n in ("thread_a", "thread_b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(errors, [])
        for name in ("thread_a", "thread_b"):
            self.assertEqual(results[name].exit_code, 0)
            self.assertTrue(os.path.isfile(os.path.join(self.dir, name, "dbt_project.yml")))

    def test_one_runner_runs_one_invocation_at_a_time(self):
        inside, release = threading.Event(), threading.Event()

        def hook(event):
            if event["info"]["name"] == "MainReportVersion":
                inside.set()
                release.wait(10)

        runner = flinkdbt.Runner(callbacks=[hook], cwd=self.dir)
        self.addCleanup(runner.close)
        t = threading.Thread(target=runner.invoke, args=(["init", "busy"],))
        t.start()
        try:
            self.assertTrue(inside.wait(10))
            with self.assertRaises(flinkdbt.FlinkdbtError) as cm:
                runner.invoke(["--version"])
            self.assertEqual(cm.exception.code, flinkdbt.ERROR_FAILED_PRECONDITION)
            # The failed second call does not make the runner look idle: close() still refuses.
            with self.assertRaises(flinkdbt.FlinkdbtError):
                runner.close()
        finally:
            release.set()
            t.join(10)


class QuickstartTest(TempDirTest):
    """Builds examples/quickstart on the `local` target."""

    def setUp(self):
        super().setUp()
        if EXECUTABLE:
            self.assertTrue(cli_lists_build(), "`flinkdbt --help` does not list `build`")
        self.project = copy_quickstart(self.dir, "quickstart")

    def test_build_quickstart_locally(self):
        with flinkdbt.Runner(cwd=self.project) as runner:
            res = runner.invoke(["build", "--target", "local"])
        self.assertTrue(res.success, res.result)
        self.assertEqual(res.exit_code, 0)
        statuses = {r["unique_id"]: r["status"] for r in res.result["results"]}
        self.assertIn("model.my_flink_project.stg_orders", statuses)
        self.assertIn("model.my_flink_project.fct_revenue", statuses)
        for uid, status in statuses.items():
            self.assertIn(status, ("success", "pass"), uid)

    def test_build_selection(self):
        with flinkdbt.Runner(cwd=self.project) as runner:
            # stg_orders+ also selects stg_orders' unit tests, one of which fails on purpose.
            res = runner.invoke(["build", "--select", "stg_orders+", "--exclude", "tag:known_failing"])
        self.assertEqual(res.exit_code, 0, res.result)
        ids = {r["unique_id"] for r in res.result["results"]}
        self.assertIn("model.my_flink_project.stg_orders", ids)
        self.assertIn("model.my_flink_project.int_order_totals", ids)
        self.assertNotIn("model.my_flink_project.src_orders", ids)


class RenderTemplateTest(unittest.TestCase):
    def test_render_with_context(self):
        self.assertEqual(flinkdbt.render_template("{{ greeting | upper }}, {{ names | join(' & ') }}",
                                                  {"greeting": "hi", "names": ["a", "b"]}), "HI, a & b")
        self.assertEqual(flinkdbt.render_template("{{ 6 * 7 }}"), "42")
        self.assertEqual(flinkdbt.render_template("{{ x }}", '{"x": 1.5}'), "1.5")

    def test_errors(self):
        with self.assertRaises(flinkdbt.FlinkdbtError) as cm:
            flinkdbt.render_template("ok\n{% if %}")
        self.assertEqual(cm.exception.code, flinkdbt.ERROR_INVALID_ARGUMENT)
        self.assertEqual((cm.exception.file, cm.exception.line), ("<template>", 2))
        with self.assertRaises(flinkdbt.FlinkdbtError):
            flinkdbt.render_template("x", "[1]")
        with self.assertRaises(ValueError):
            flinkdbt.render_template("a\0b")


class ProjectTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.path = copy_quickstart(self.dir, "qs")
        self.project = flinkdbt.Project(self.path, profiles_dir=self.path, target="local", vars={"limit": 3})
        self.addCleanup(self.project.close)

    def test_parse(self):
        manifest = self.project.parse()
        self.assertIn("model.my_flink_project.stg_orders", manifest["nodes"])
        self.assertIn("source.my_flink_project.marketplace.orders", manifest["sources"])
        self.assertTrue(os.path.isfile(os.path.join(self.path, "target", "manifest.json")))

    def test_list(self):
        nodes = self.project.list(select="stg_orders+", exclude=["fct_revenue"])
        ids = [n["unique_id"] for n in nodes]
        self.assertIn("model.my_flink_project.int_order_totals", ids)
        self.assertNotIn("model.my_flink_project.fct_revenue", ids)
        self.assertEqual(ids, sorted(ids))
        self.assertTrue(all("config" in n and "depends_on" in n for n in nodes))
        everything = self.project.list()
        self.assertIn("source", {n["resource_type"] for n in everything})
        self.assertEqual(self.project.list(select="no_such_model"), [])

    def test_compile(self):
        nodes = self.project.compile(select=["stg_orders", "int_order_totals"])
        # Eager indirect selection compiles the models' tests too.
        by_id = {n["unique_id"]: n for n in nodes if n["resource_type"] == "model"}
        self.assertEqual(set(by_id), {"model.my_flink_project.stg_orders",
                                      "model.my_flink_project.int_order_totals"})
        stg = by_id["model.my_flink_project.stg_orders"]
        self.assertIn("FROM `examples`.`marketplace`.`orders`", stg["compiled_code"])
        self.assertEqual(stg["resource_type"], "model")
        self.assertEqual(stg["config"]["materialized"], "view")
        self.assertIn("stg_orders", stg["relation_name"])
        self.assertEqual(by_id["model.my_flink_project.int_order_totals"]["depends_on"]["nodes"],
                         ["model.my_flink_project.stg_orders"])

    def test_render_in_project(self):
        out = self.project.render("{{ var('limit') + n }} {{ ref('stg_orders') }}", {"n": 1})
        self.assertTrue(out.startswith("4 "), out)
        self.assertIn("stg_orders", out)
        with self.assertRaises(flinkdbt.FlinkdbtError) as cm:
            self.project.render("{{ ref('missing_model') }}")
        self.assertIn("missing_model", cm.exception.message)

    def test_closed(self):
        self.project.close()
        self.project.close()
        with self.assertRaises(ValueError):
            self.project.list()


class ProjectErrorTest(TempDirTest):
    def test_broken_yaml_names_file_and_line(self):
        path = copy_quickstart(self.dir, "broken")
        with open(os.path.join(path, "models", "staging", "schema.yml"), "a") as f:
            f.write("\n  - name: [unclosed\n")
        with self.assertRaises(flinkdbt.FlinkdbtError) as cm:
            flinkdbt.Project(path, profiles_dir=path)
        e = cm.exception
        self.assertEqual(e.code, flinkdbt.ERROR_INVALID_ARGUMENT)
        self.assertTrue(e.file and e.file.endswith("schema.yml"), repr(e))
        self.assertGreater(e.line, 1)

    def test_jinja_error_in_model(self):
        path = copy_quickstart(self.dir, "bad_model")
        with open(os.path.join(path, "models", "staging", "bad.sql"), "w") as f:
            f.write("SELECT 1\n{{ 1 + }}\n")
        with flinkdbt.Project(path, profiles_dir=path) as project:
            with self.assertRaises(flinkdbt.FlinkdbtError) as cm:
                project.compile(select="bad")
        self.assertTrue(cm.exception.file.endswith("bad.sql"), repr(cm.exception))
        self.assertEqual(cm.exception.line, 2)

    def test_unknown_target(self):
        path = copy_quickstart(self.dir, "qs")
        with self.assertRaises(flinkdbt.FlinkdbtError) as cm:
            flinkdbt.Project(path, profiles_dir=path, target="no_such_target")
        self.assertIn("no_such_target", cm.exception.message)


class ProjectThreadTest(TempDirTest):
    def test_two_projects_on_two_threads_at_once(self):
        barrier = threading.Barrier(2, timeout=30)
        results, errors = {}, []

        def work(name):
            try:
                path = copy_quickstart(self.dir, name)
                with flinkdbt.Project(path, profiles_dir=path, target="local", vars={"who": name}) as project:
                    barrier.wait()
                    for _ in range(3):
                        nodes = project.compile(select="stg_orders+")
                        listed = project.list()
                    results[name] = (nodes, listed, project.render("{{ var('who') }}"))
            except BaseException as e:
                errors.append(repr(e))

        threads = [threading.Thread(target=work, args=(n,)) for n in ("pa", "pb")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])
        for name in ("pa", "pb"):
            nodes, listed, who = results[name]
            self.assertIn("model.my_flink_project.fct_revenue", {n["unique_id"] for n in nodes})
            self.assertGreater(len(listed), 3)
            self.assertEqual(who, name)

    def test_one_project_shared_by_threads(self):
        path = copy_quickstart(self.dir, "shared")
        errors = []
        with flinkdbt.Project(path, profiles_dir=path) as project:
            def work():
                try:
                    for _ in range(3):
                        nodes = project.compile(select="stg_orders")
                        self.assertEqual([n["name"] for n in nodes if n["resource_type"] == "model"],
                                         ["stg_orders"])
                except BaseException as e:
                    errors.append(repr(e))

            threads = [threading.Thread(target=work) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
        self.assertEqual(errors, [])


if __name__ == "__main__":
    unittest.main()
