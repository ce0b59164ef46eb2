"""The wheel ships the default theme: an install without the repository builds sites."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                    "--outdir", str(dist), str(REPO)], check=True, capture_output=True)
    (found,) = dist.glob("timeline_site-*.whl")
    return found


def test_wheel_contains_package_and_theme(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "timeline/cli.py" in names
    for template in ("base.html", "index.html", "event.html", "404.html", "assets/style.css"):
        assert f"timeline/_theme/{template}" in names
    for starter in ("timeline.toml", "gitignore", "requirements.txt", "content/sources.yaml",
                    "github/workflows/pages.yml"):
        assert f"timeline/authoring/starter/{starter}" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "timeline = timeline.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_builds_the_example_outside_the_repo(wheel: Path,
                                                             tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # The wheel's dependencies come from the interpreter running the tests (a
    # virtualenv or not), without a download; the wheel itself is installed alone.
    (env_dir / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
     / "site-packages" / "test-deps.pth").write_text(
        "\n".join(sysconfig.get_paths()[key] for key in ("purelib", "platlib")) + "\n")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall",
                    str(wheel)], check=True, capture_output=True)
    where = subprocess.run([python, "-c", "import timeline.site.theme as t; "
                            "print(t.default_theme_dir())"], cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(env_dir)) and where.endswith("_theme")
    project = tmp_path / "project"
    shutil.copytree(REPO / "content", project / "content")
    result = subprocess.run([env_dir / "bin" / "timeline", "build", str(project)],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "index.html").is_file()
    assert (project / "site" / "assets" / "style.css").is_file()
    started = tmp_path / "started"
    for command in (["init", started], ["build", started], ["check", "--strict", started]):
        result = subprocess.run([env_dir / "bin" / "timeline", *command], cwd=tmp_path,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert (started / ".github" / "workflows" / "pages.yml").is_file()


def test_the_repository_workflow_builds_its_example_with_this_code() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text())
    steps = [step.get("run") for step in workflow["jobs"]["build"]["steps"]]
    assert "python -m pip install ." in steps
    assert not any("install timeline-site" in (step or "") for step in steps)
    assert any((step or "").startswith("timeline build --strict") for step in steps)
    assert workflow["jobs"]["deploy"]["needs"] == "build"
