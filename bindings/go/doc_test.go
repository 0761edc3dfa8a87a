package pnng_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocumentation checks what `go doc` shows: a package overview, a runnable package
// example, and a comment on every exported name (types, functions, methods, constants,
// variables and struct fields).
func TestDocumentation(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name.Name == "pnng" || f.Name.Name == "pnng_test" {
			files = append(files, f)
		}
	}
	pkg, err := doc.NewFromFiles(fset, files, "github.com/pnng/pnng/bindings/go")
	if err != nil {
		t.Fatal(err)
	}
	if len(strings.TrimSpace(pkg.Doc)) < 200 || !strings.HasPrefix(pkg.Doc, "Package pnng ") {
		t.Errorf("the package overview is missing or short: %q", pkg.Doc)
	}
	runnable := false
	for _, ex := range pkg.Examples {
		if ex.Suffix == "" && (ex.Output != "" || ex.EmptyOutput) {
			runnable = true
		}
	}
	if !runnable {
		t.Error("no runnable package example (func Example() with an // Output: comment)")
	}

	var missing []string
	need := func(what, text string) {
		if strings.TrimSpace(text) == "" {
			missing = append(missing, what)
		}
	}
	values := func(owner string, vs []*doc.Value) {
		for _, v := range vs {
			for _, spec := range v.Decl.Specs {
				vs := spec.(*ast.ValueSpec)
				for _, n := range vs.Names {
					if !n.IsExported() {
						continue
					}
					text := v.Doc
					if vs.Doc != nil {
						text += vs.Doc.Text()
					}
					if vs.Comment != nil {
						text += vs.Comment.Text()
					}
					need(owner+n.Name, text)
				}
			}
		}
	}
	funcs := func(owner string, fs []*doc.Func) {
		for _, f := range fs {
			need(owner+f.Name, f.Doc)
		}
	}
	values("", pkg.Consts)
	values("", pkg.Vars)
	funcs("", pkg.Funcs)
	for _, typ := range pkg.Types {
		need(typ.Name, typ.Doc)
		values("", typ.Consts)
		values("", typ.Vars)
		funcs("", typ.Funcs)
		funcs(typ.Name+".", typ.Methods)
		for _, spec := range typ.Decl.Specs {
			ts := spec.(*ast.TypeSpec)
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, field := range st.Fields.List {
				for _, n := range field.Names {
					if n.IsExported() {
						need(typ.Name+"."+n.Name, field.Doc.Text()+field.Comment.Text())
					}
				}
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d exported names without a doc comment: %s", len(missing), strings.Join(missing, ", "))
	}
}
