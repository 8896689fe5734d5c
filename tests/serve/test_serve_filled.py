"""The worked solutions a question page shows, with the values of the student's variant written in,
are filled once per sheet and choice of variants, not once per student: at a class's first sign-in
the server filled 300 copies of each sheet's solutions."""

from __future__ import annotations

from grader.core import caches
from grader.serve import pages
from grader.sheets import variants


def test_worked_solutions_are_filled_once_per_choice_of_variants_as_each_seed_needs() -> None:
    loaded = pages.load_sheets(["smooth-activations", "activation-derivatives"])
    kept, by_seed = caches.registered()["serve.filled_solutions"], caches.registered()["serve.filled_by_seed"]
    assert isinstance(kept, dict) and isinstance(by_seed, dict)
    kept.clear()
    by_seed.clear()
    smooth, plain = loaded["smooth-activations"], loaded["activation-derivatives"]
    for seed in range(40):
        for one in (smooth, plain):
            wanted = variants.fill_solutions(one.solutions, variants.pick(one.sheet, seed))
            assert pages.filled_solutions(one, seed) == wanted
    assert len(kept) == 3 + 1  # smooth-activations' three choices, and the sheet without parameters once
