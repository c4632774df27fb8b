"""Go files get their package import path from the nearest go.mod (module line + directory below it); the index
passes it to the Go extractor as the file's module, which does not claim it as a logger name."""

from __future__ import annotations

from pathlib import Path

from prodlens.source.index import StatementIndex
from prodlens.source.modules import go_module_line, go_package_path


def test_module_line_forms():
    assert go_module_line(b"// comment\nmodule example.com/shop\n\ngo 1.22\n") == "example.com/shop"
    assert go_module_line(b'module "example.com/quoted" // why\n') == "example.com/quoted"
    assert go_module_line(b"go 1.22\nrequire x v1\n") is None
    assert go_module_line(b"modules are nice\n") is None
    assert go_module_line(b"\xff\xfemodule x\n") is None  # garbage before the keyword is not a module line


def test_nearest_go_mod_wins():
    mods = {"": "example.com/root", "svc": "example.com/svc"}
    lookup = mods.get
    assert go_package_path("main.go", lookup) == "example.com/root"
    assert go_package_path("cmd/tool/main.go", lookup) == "example.com/root/cmd/tool"
    assert go_package_path("svc/internal/db/conn.go", lookup) == "example.com/svc/internal/db"
    assert go_package_path("svc/svc.go", lookup) == "example.com/svc"


def test_unknowable_cases():
    assert go_package_path("pkg/a.go", {}.get) is None  # no go.mod in the tree
    assert go_package_path("pkg/testdata/a.go", {"": "m"}.get) is None  # not in any package
    assert go_package_path("pkg/a.py", {"": "m"}.get) is None
    assert go_package_path("vendor/github.com/x/y/a.go", {"": "m"}.get) == "github.com/x/y"


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_index_passes_the_import_path_and_loggers_stay_unnamed(tmp_path: Path):
    _write(tmp_path, "go.mod", "module example.com/shop\n\ngo 1.22\n")
    _write(tmp_path, "internal/pay/pay.go", 'package pay\n\nimport "log"\n\nfunc Pay() {\n\tlog.Printf("paid %d", 3)\n}\n')
    _write(tmp_path, "tools/go.mod", "module example.com/tools\n")
    _write(tmp_path, "tools/gen/gen.go", 'package gen\n\nimport "log"\n\nfunc Gen() {\n\tlog.Println("gen")\n}\n')
    index = StatementIndex.build(tmp_path, use_cache=False)
    assert index._module_for("internal/pay/pay.go", "go") == "example.com/shop/internal/pay"
    assert index._module_for("tools/gen/gen.go", "go") == "example.com/tools/gen"
    statements = index.statements
    assert [(s.path, s.template.text, s.logger) for s in statements] == [
        ("internal/pay/pay.go", "paid {}", None),
        ("tools/gen/gen.go", "gen", None),
    ]
    updated = index.update_file("internal/pay/pay.go", (tmp_path / "internal/pay/pay.go").read_text().replace(
        "paid", "charged"))
    assert [(s.template.text, s.logger) for s in updated] == [("charged {}", None)]
