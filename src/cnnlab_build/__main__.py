"""Command line of the build tooling: ``python -m cnnlab_build COMMAND ...``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cnnlab.paths import project_root
from cnnlab_build import book, colab, export, instructor, nbval_modes, plan, runner, seed_spread

PROFILE_VARIABLE = "CNNLAB_PROFILE"  # full (default) or smoke
NO_CACHE_VARIABLE = "CNNLAB_NO_CACHE"  # 1: retrain instead of reusing stored trainings


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``run``, ``plan``, ``list``, ``colab``, ``export``, ``book``, ``instructor``
    and ``seeds``."""
    parser = argparse.ArgumentParser(prog="python -m cnnlab_build")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute notebooks whose inputs changed, in place")
    run.add_argument("--force", action="store_true", help="execute even if up to date")
    run.add_argument("notebooks", nargs="+", type=Path)
    planning = sub.add_parser("plan", help="say which notebooks `run` would execute, and why")
    planning.add_argument("notebooks", nargs="+", type=Path)
    listing = sub.add_parser("list", help="print the notebooks nbval checks in a mode")
    listing.add_argument("mode", choices=["strict", "lax"])
    listing.add_argument("--folder", type=Path, default=Path("notebooks"))
    badges = sub.add_parser("colab", help="rewrite Colab badges and set-up cells from pyproject")
    badges.add_argument("notebooks", nargs="+", type=Path)
    exporting = sub.add_parser("export", help="write the notebooks' `#| export` cells to cnnlab")
    exporting.add_argument("--check", action="store_true", help="only fail if they differ")
    exporting.add_argument("notebooks", nargs="+", type=Path)
    html = sub.add_parser("book", help="build the book of the executed notebooks into a folder")
    html.add_argument("out_dir", type=Path)
    html.add_argument("notebooks", nargs="+", type=Path)
    edition = sub.add_parser("instructor", help="the notebooks with solved exercises, executed")
    edition.add_argument("--out", type=Path, default=Path("build/instructor"))
    edition.add_argument("notebooks", nargs="+", type=Path)
    seeds = sub.add_parser("seeds", help="run a notebook from other seeds; report its spread")
    seeds.add_argument("--out", type=Path, default=Path("build/seeds"))
    seeds.add_argument("notebook", type=Path)
    seeds.add_argument("seeds", nargs="+", type=int)
    args = parser.parse_args(argv)

    # The tooling reads the environment; the notebooks get the profile as a parameter.
    profile = os.environ.get(PROFILE_VARIABLE, "").strip() or "full"
    if args.command == "run":
        retrain = os.environ.get(NO_CACHE_VARIABLE, "").strip() not in ("", "0")
        return runner.run(args.notebooks, force=args.force, profile=profile, retrain=retrain)
    if args.command in ("instructor", "seeds"):  # executed copies: no temporary file may stay
        try:
            with runner.interruptible():
                if args.command == "instructor":
                    return instructor.build(args.notebooks, args.out, profile)
                return seed_spread.run(args.notebook, args.seeds, args.out, project_root(), profile)
        except (KeyboardInterrupt, runner.Interrupted) as exc:
            name = str(exc) if isinstance(exc, runner.Interrupted) else "SIGINT (Ctrl-C)"
            print(f"INTERRUPTED by {name}: the copy being run was removed", file=sys.stderr)
            return 130
    if args.command == "plan":
        for path in args.notebooks:
            reasons = plan.changes(path, project_root(path.resolve().parent), profile)
            print(f"{path.stem}: {', '.join(reasons) if reasons else 'up to date'}")
        return 0
    if args.command == "list":
        try:
            chosen = nbval_modes.notebooks_in_mode(args.folder, args.mode)
        except nbval_modes.ModeError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(" ".join(str(p) for p in chosen))
        return 0
    if args.command == "export":
        try:
            problems = export.export(args.notebooks, project_root(), check=args.check)
        except export.ExportError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1 if problems else 0
    if args.command == "colab":
        url = colab.repository_url()
        for path in args.notebooks:
            if colab.write_colab_cells(path, url):
                print(f"updated {path}")
        return 0
    try:
        index = book.build_book(args.notebooks, args.out_dir, project_root())
    except book.BookError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
