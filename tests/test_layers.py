"""The layers: camp/ (what participants' kernels import) never imports grader/ (the trainer's side)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import camp
from grader import sandbox

CAMP = Path(camp.__file__).parent


def _grader_imports(path: Path) -> list[str]:
    """Every `import grader…`, `from grader… import` and import_module("grader…") in one file, with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names = [str(node.args[0].value)]
        found += [f"{path.name}:{node.lineno} {name}" for name in names if name.split(".")[0] == "grader"]
    return found


def test_the_ast_walk_finds_each_way_of_importing_grader(tmp_path):
    """Does the check below catch each way of importing grader (so its silence means something)?"""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import graders_not_ours\nimport grader.engine\ndef f():\n    from grader import course\n"
        "import importlib\nimportlib.import_module('grader.x')\n",
        encoding="utf-8",
    )
    assert _grader_imports(probe) == ["probe.py:2 grader.engine", "probe.py:4 grader", "probe.py:6 grader.x"]


def test_camp_imports_nothing_from_grader():
    """Does any module of camp/ import grader/ (statically, at any depth of a function)?"""
    modules = sorted(CAMP.rglob("*.py"))
    assert len(modules) > 20, modules
    offenders = [hit for path in modules for hit in _grader_imports(path)]
    assert offenders == []


def test_importing_every_camp_module_loads_no_grader_module():
    """In a fresh interpreter, does importing all of camp (lessons, panel, participant …) pull in grader?"""
    code = (
        "import importlib, json, pkgutil, sys, camp\n"
        "for m in pkgutil.walk_packages(camp.__path__, 'camp.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('camp', 'grader'))))"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
        ).stdout
    )
    assert "camp.panel" in loaded and "camp.participant" in loaded
    assert [m for m in loaded if m.split(".")[0] == "grader"] == []


def test_the_sandbox_holds_only_the_zygotes_grader_files():
    """Does the zygote import exactly the grader modules the sandbox mounts, and is the rest of grader/ left out?"""
    code = (
        "import json, sys, grader.zygote\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'grader')))"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
        ).stdout
    )
    assert loaded == sorted(sandbox.ZYGOTE_MODULES)
    mounted = sandbox.readonly_paths()
    grader_dir = Path(sandbox.__file__).resolve().parent
    inside = sorted(p.name for p in mounted if p.is_relative_to(grader_dir))
    assert inside == ["__init__.py", "limits.py", "zygote.py"]
    assert grader_dir not in mounted and CAMP.resolve() in mounted


def _imports_of(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names imported from it) for every import in a file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def test_the_engine_and_the_course_share_a_module_not_each_others_privates():
    """Is the course ↔ engine cycle gone: the engine never imports grader.course, grader.submissions imports
    neither, and no grader module imports another's private (underscored) names?"""
    grader_dir = Path(sandbox.__file__).resolve().parent

    def modules(name: str) -> set[str]:
        found = set()
        for module, names in _imports_of(grader_dir / f"{name}.py"):
            found.add(module)
            found.update(f"{module}.{n}" for n in names)
        return found

    assert "grader.course" not in modules("engine")
    assert not {"grader.course", "grader.engine"} & modules("submissions")
    private = [
        f"{path.name}: from {module} import {n}"
        for path in sorted(grader_dir.rglob("*.py"))
        for module, names in _imports_of(path)
        if module.split(".")[0] in ("grader", "camp")
        for n in names
        if n.startswith("_") and n != "__version__"
    ]
    assert private == []


def test_inside_the_sandbox_a_kernel_sees_camp_but_not_the_graders_code(tmp_path):
    """In the strong sandbox, can participant code import camp and not read the engine or the answer key?"""
    if not sandbox.bwrap_works():
        pytest.skip("bubblewrap does not work here: the weak sandbox hides no files (the summary says so)")
    import grader

    grader_dir = Path(grader.__file__).parent
    looks = [
        grader_dir / "engine.py",
        grader_dir / "data" / "answers",
        grader_dir / "aigrade",
        grader_dir / "zygote.py",
        CAMP / "answers.py",
    ]
    code = (
        f"import json, os, camp.check, grader.zygote\n"
        f"print(json.dumps([os.path.exists(p) for p in {[str(p) for p in looks]!r}]))"
    )
    box = sandbox.Sandbox(strong=True)
    scratch = tmp_path / "scratch"
    env = box.env(scratch)
    box.prepare(scratch)
    done = subprocess.run(
        box.wrap([sys.executable, "-c", code], scratch=scratch),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert all(p.exists() for p in looks)  # all there outside
    assert json.loads(done.stdout) == [False, False, False, True, True]
