"""The instructor edition: solutions fill exactly the exercise cells, the committed notebooks stay
unanswered, and executed instructor notebooks show every check solved."""

from pathlib import Path

import nbformat
import pytest

from cnnlab_build import instructor

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_solutions_fill_every_exercise_cell_and_keep_its_check(path):
    nb = nbformat.read(path, as_version=4)
    cells = instructor.solution_cells(ROOT, path.stem)
    solved = instructor.filled(nb, cells)
    assert [c.get("id") for c in solved.cells] == [c.get("id") for c in nb.cells]
    graded = [(a, b) for a, b in zip(nb.cells, solved.cells, strict=True) if a.source != b.source]
    assert len(graded) == len(cells) >= 3
    for student, teacher in graded:
        assert instructor.grade_id(student) in cells
        # The solution replaces the answer, never the check the student's cell ends with.
        assert student.source.splitlines()[-1] == teacher.source.splitlines()[-1]
        assert "check_" in teacher.source.splitlines()[-1]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_committed_notebooks_are_the_students(path):
    nb = nbformat.read(path, as_version=4)
    marked = [c for c in nb.cells if "nbgrader" in c.metadata]
    questions = [c for c in marked if not c.metadata.nbgrader["solution"]]
    answers = [c for c in marked if c.metadata.nbgrader["solution"]]
    assert len(questions) == len(answers) >= 3
    assert all(c.cell_type == "markdown" and c.metadata.nbgrader["locked"] for c in questions)
    for cell in answers:
        assert cell.cell_type == "code"
        assert (
            "answer = None" in cell.source
            or "NotImplementedError" in cell.source
            or ("= None" in cell.source)
        )
        texts = [str(v) for o in cell.get("outputs", []) for v in o.get("data", {}).values()]
        assert not any(instructor.SOLVED in t for t in texts)


def test_a_missing_or_extra_solution_is_an_error():
    nb = nbformat.read(NOTEBOOKS[1], as_version=4)
    cells = instructor.solution_cells(ROOT, NOTEBOOKS[1].stem)
    with pytest.raises(ValueError, match="solutions for"):
        instructor.filled(nb, {**cells, "extra": "pass"})
    with pytest.raises(ValueError, match="solutions for"):
        instructor.filled(nb, dict(list(cells.items())[1:]))


def test_unsolved_reads_the_outputs():
    cell = nbformat.v4.new_code_cell("check(answer)")
    cell.metadata["nbgrader"] = {"grade_id": "q", "solution": True}
    nb = nbformat.v4.new_notebook(cells=[cell])
    assert instructor.unsolved(nb) == ["q"]
    cell.outputs = [
        nbformat.v4.new_output(
            "execute_result", {"text/plain": "✓ solved: right"}, execution_count=1
        )
    ]
    assert instructor.unsolved(nb) == []


# 02 and 04 train nothing on a data set: executing their instructor editions costs seconds, and
# between them they hold arithmetic and code exercises. `make instructor` runs all five (CI).
@pytest.mark.parametrize("name", ["02_conv1d_shape_table", "04_one_by_one_convolution"])
def test_the_instructor_notebook_runs_with_every_check_solved(name, tmp_path):
    out = tmp_path / "instructor"
    assert instructor.build([ROOT / "notebooks" / f"{name}.ipynb"], out, "smoke") == 0
    executed = nbformat.read(out / f"{name}.ipynb", as_version=4)
    assert instructor.unsolved(executed) == []
    assert any(instructor.grade_id(c) for c in executed.cells)
    assert (out / "build" / "metrics-smoke.json").is_file()  # its metrics stay in the edition
