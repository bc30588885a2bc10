package flinkdbt

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// quickstart copies examples/quickstart into a fresh temp dir and returns its path.
func quickstart(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "qs")
	copyTree(t, filepath.Join("..", "..", "examples", "quickstart"), dir)
	return dir
}

func openQuickstart(t *testing.T, dir string, vars map[string]any) *Project {
	t.Helper()
	p, err := OpenProject(dir, &ProjectOptions{ProfilesDir: dir, Target: "local", Vars: vars})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func ids(nodes []Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.UniqueID
	}
	return out
}

func models(nodes []Node) []Node {
	var out []Node
	for _, n := range nodes {
		if n.ResourceType == "model" {
			out = append(out, n)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestRenderTemplate(t *testing.T) {
	out, err := RenderTemplate("{{ name | upper }}{% for i in xs %}-{{ i }}{% endfor %}",
		map[string]any{"name": "go", "xs": []int{1, 2}})
	if err != nil || out != "GO-1-2" {
		t.Fatalf("%q %v", out, err)
	}
	if out, err := RenderTemplate("{{ 6 * 7 }}", nil); err != nil || out != "42" {
		t.Fatalf("%q %v", out, err)
	}
	_, err = RenderTemplate("ok\n{% if %}", nil)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidArgument || e.File != "<template>" || e.Line != 2 {
		t.Fatalf("%#v", err)
	}
	if _, err := RenderTemplate("a\x00b", nil); err == nil {
		t.Fatal("a NUL byte must be refused")
	}
}

func TestProjectParseListCompileRender(t *testing.T) {
	dir := quickstart(t)
	p := openQuickstart(t, dir, map[string]any{"limit": 3})
	manifest, err := p.Parse()
	if err != nil || !strings.Contains(string(manifest), `"model.my_flink_project.stg_orders"`) {
		t.Fatalf("parse: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "target", "manifest.json")); err != nil {
		t.Fatal(err)
	}

	listed, err := p.List(Selection{Select: []string{"stg_orders+"}, Exclude: []string{"fct_revenue"}})
	if err != nil {
		t.Fatal(err)
	}
	got := ids(listed)
	if !contains(got, "model.my_flink_project.int_order_totals") || contains(got, "model.my_flink_project.fct_revenue") {
		t.Fatalf("list: %v", got)
	}
	all, err := p.List(Selection{})
	if err != nil {
		t.Fatal(err)
	}
	sawSource := false
	for _, n := range all {
		sawSource = sawSource || n.ResourceType == "source"
	}
	if !sawSource {
		t.Fatalf("no source listed: %v", ids(all))
	}
	if none, err := p.List(Selection{Select: []string{"no_such_model"}}); err != nil || len(none) != 0 {
		t.Fatalf("%v %v", ids(none), err)
	}
	if _, err := p.List(Selection{Selector: "no_such_selector"}); err == nil {
		t.Fatal("an unknown selector must fail")
	}

	compiled, err := p.Compile(Selection{Select: []string{"stg_orders int_order_totals"}})
	if err != nil {
		t.Fatal(err)
	}
	// Eager indirect selection compiles the models' tests too.
	if len(models(compiled)) != 2 {
		t.Fatalf("compiled %v", ids(compiled))
	}
	for _, n := range compiled {
		if n.Name == "stg_orders" {
			if !strings.Contains(n.CompiledCode, "FROM `examples`.`marketplace`.`orders`") {
				t.Errorf("compiled code: %s", n.CompiledCode)
			}
			if n.Config["materialized"] != "view" || n.RelationName == "" || len(n.Raw) == 0 {
				t.Errorf("node: %+v", n)
			}
		}
		if n.Name == "int_order_totals" && !contains(n.DependsOn.Nodes, "model.my_flink_project.stg_orders") {
			t.Errorf("depends_on: %v", n.DependsOn.Nodes)
		}
	}

	out, err := p.Render("{{ var('limit') + n }} {{ ref('stg_orders') }}", map[string]any{"n": 1})
	if err != nil || !strings.HasPrefix(out, "4 ") || !strings.Contains(out, "stg_orders") {
		t.Fatalf("render: %q %v", out, err)
	}
	if _, err := p.Render("{{ ref('missing_model') }}", nil); err == nil || !strings.Contains(err.Error(), "missing_model") {
		t.Fatalf("render error: %v", err)
	}

	p.Close()
	p.Close()
	if _, err := p.List(Selection{}); err == nil {
		t.Fatal("a closed project must fail")
	}
}

func TestProjectErrorsNameFileAndLine(t *testing.T) {
	dir := quickstart(t)
	schema := filepath.Join(dir, "models", "staging", "schema.yml")
	text, err := os.ReadFile(schema)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(schema, append(text, []byte("\n  - name: [unclosed\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = OpenProject(dir, &ProjectOptions{ProfilesDir: dir})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidArgument || !strings.HasSuffix(e.File, "schema.yml") || e.Line < 2 {
		t.Fatalf("%#v", err)
	}

	dir = quickstart(t)
	if err := os.WriteFile(filepath.Join(dir, "models", "staging", "bad.sql"), []byte("SELECT 1\n{{ 1 + }}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := openQuickstart(t, dir, nil)
	_, err = p.Compile(Selection{Select: []string{"bad"}})
	if !errors.As(err, &e) || !strings.HasSuffix(e.File, "bad.sql") || e.Line != 2 {
		t.Fatalf("%#v", err)
	}
	if _, err := OpenProject(dir, &ProjectOptions{Target: "no_such_target"}); err == nil ||
		!strings.Contains(err.Error(), "no_such_target") {
		t.Fatalf("%v", err)
	}
}

func TestTwoProjectsOnTwoGoroutinesAtOnce(t *testing.T) {
	var wg, ready sync.WaitGroup
	ready.Add(2)
	errs := make(chan error, 2)
	for _, name := range []string{"ga", "gb"} {
		dir := quickstart(t)
		wg.Add(1)
		go func(name, dir string) {
			defer wg.Done()
			p, err := OpenProject(dir, &ProjectOptions{ProfilesDir: dir, Target: "local", Vars: map[string]any{"who": name}})
			ready.Done()
			if err != nil {
				errs <- err
				return
			}
			defer p.Close()
			ready.Wait() // both projects are open before either compiles
			for i := 0; i < 3; i++ {
				nodes, err := p.Compile(Selection{Select: []string{"stg_orders+"}})
				if err != nil {
					errs <- err
					return
				}
				if !contains(ids(nodes), "model.my_flink_project.fct_revenue") {
					errs <- errors.New(name + ": fct_revenue not compiled")
					return
				}
				if listed, err := p.List(Selection{}); err != nil || len(listed) <= 3 {
					errs <- errors.New(name + ": list failed")
					return
				}
			}
			if who, err := p.Render("{{ var('who') }}", nil); err != nil || who != name {
				errs <- errors.New(name + ": render saw " + who)
			}
		}(name, dir)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestOneProjectSharedByGoroutines(t *testing.T) {
	p := openQuickstart(t, quickstart(t), nil)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 3; j++ {
				if nodes, err := p.Compile(Selection{Select: []string{"stg_orders"}}); err != nil || len(models(nodes)) != 1 {
					errs <- errors.New("shared compile failed")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
