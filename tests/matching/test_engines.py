"""The two template engines and the linear verifier must agree — with each other and with a regex oracle."""

from __future__ import annotations

import random
import re

import pytest

from prodlens import render
from prodlens.matching import engine_hyperscan
from prodlens.matching.engine_python import PythonEngine
from prodlens.matching.verify import clean_message, matches, prepare
from prodlens.model import Hole, HoleKind, Template

KINDS = list(HoleKind)
ALPHABET = ["a", "b", "1", "2", "-", "+", ".", "e", "x", " ", ":", "\n", "é", "0x", "true", "NaN", "ab"]


def random_template(rng: random.Random) -> Template:
    parts: list = []
    for _ in range(rng.randint(1, 5)):
        if rng.random() < 0.5:
            parts.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 3))))
        else:
            parts.append(Hole(rng.choice(KINDS)))
    return Template.of(*parts)


def random_message(rng: random.Random, templates: list[Template]) -> str:
    if rng.random() < 0.6:  # an instance of a template, so that matches actually happen
        out = []
        for part in rng.choice(templates).parts:
            if isinstance(part, str):
                out.append(part)
            else:
                out.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 3))))
        return "".join(out)
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8)))


def oracle(template: Template) -> re.Pattern[str]:
    """The Hyperscan pattern the matcher compiles for this template, read by Python `re` (fine on tiny inputs)."""
    return re.compile(render.matcher_body(Template(prepare(template))), re.ASCII | re.DOTALL)


@pytest.mark.parametrize("seed", range(6))
def test_verifier_agrees_with_the_regex_on_generated_inputs(seed):
    rng = random.Random(seed)
    templates = [random_template(rng) for _ in range(60)]
    for _ in range(400):
        message = clean_message(random_message(rng, templates))
        for template in templates:
            expected = oracle(template).fullmatch(message) is not None
            assert matches(prepare(template), message) == expected, (template.parts, message)


@pytest.mark.skipif(not engine_hyperscan.available(), reason="hyperscan is not installed on this platform")
@pytest.mark.parametrize("seed", range(4))
def test_hyperscan_and_python_engines_give_identical_answers(seed, tmp_path):
    rng = random.Random(100 + seed)
    templates = [random_template(rng) for _ in range(150)]
    prepared = [prepare(t) for t in templates]
    messages = [clean_message(random_message(rng, templates)) for _ in range(1500)]
    messages += ["", "\x00", "a\x00b", "\ud800 lone surrogate", "é" * 50]
    messages = [clean_message(m) for m in messages]
    hyper = engine_hyperscan.HyperscanEngine([Template(p) for p in prepared], cache_dir=tmp_path)
    python = PythonEngine(prepared)
    assert hyper.match_ids(messages) == python.match_ids(messages)
    assert any(hyper.match_ids(messages))  # the generated inputs do match something


def test_hostile_messages_are_linear_not_catastrophic():
    # every template below backtracks catastrophically in a regex engine on these messages
    templates = [Template.of("a", Hole(), "a", Hole(), "a", Hole(), "a", Hole(), "b"),
                 Template.of(Hole(HoleKind.WORD), Hole(HoleKind.INT), "x"),
                 Template.of(Hole(HoleKind.NUMBER), "-", Hole(HoleKind.NUMBER), "!")]
    engine = PythonEngine([prepare(t) for t in templates])
    hostile = ["a" * 1_000_000, "1" * 200_000 + " ", "1-" * 100_000]
    assert engine.match_ids(hostile) == [[], [], []]
    assert engine.match_ids(["a" * 100_000 + "b"]) == [[0]]


def test_templates_with_nul_and_newlines_match_cleaned_messages():
    template = Template.of("line1\nline2 ", Hole(), "\x00end")
    assert matches(prepare(template), clean_message("line1\nline2 x\x00end"))
    engine = PythonEngine([prepare(template)])
    assert engine.match_ids([clean_message("line1\nline2 middle\x00end")]) == [[0]]


@pytest.mark.skipif(not engine_hyperscan.available(), reason="hyperscan is not installed on this platform")
def test_compiled_databases_are_cached_on_disk(tmp_path):
    templates = [Template.of("cached ", Hole(), " template ", str(i)) for i in range(50)]
    first = engine_hyperscan.HyperscanEngine(templates, cache_dir=tmp_path)
    second = engine_hyperscan.HyperscanEngine(templates, cache_dir=tmp_path)
    assert first.compiled and not second.compiled
    assert len(list(tmp_path.glob("hs-*.db"))) == 1
    assert second.match_ids(["cached x template 7"]) == [[7]]
    other = engine_hyperscan.HyperscanEngine([Template.of("other ", Hole(), str(i)) for i in range(80)],
                                             cache_dir=tmp_path)
    assert other.compiled_patterns == 80 and len(list(tmp_path.glob("hs-*.db"))) == 2


@pytest.mark.skipif(not engine_hyperscan.available(), reason="hyperscan is not installed on this platform")
@pytest.mark.parametrize("seed", range(3))
def test_an_edited_template_set_compiles_only_what_the_cached_one_lacks(seed, tmp_path):
    """An edit changes a few templates of many: the cached database is reused as a base, only the new patterns
    are compiled, and the answers are those of a full compile — removed templates are never reported."""
    rng = random.Random(300 + seed)
    before = [prepare(random_template(rng)) for _ in range(300)]
    engine_hyperscan.HyperscanEngine([Template(p) for p in before], cache_dir=tmp_path / "edits")
    after = list(before)
    removed = [after.pop(rng.randrange(len(after))) for _ in range(3)]
    after[5] = prepare(Template.of("changed five ", Hole(HoleKind.INT)))
    after[17] = prepare(Template.of(Hole(), " changed seventeen"))
    after += [prepare(Template.of("added ", Hole(HoleKind.WORD), " ", str(i))) for i in range(4)]
    after.append(after[40])  # the same pattern twice in one set: both ids are reported
    edited = engine_hyperscan.HyperscanEngine([Template(p) for p in after], cache_dir=tmp_path / "edits")
    full = engine_hyperscan.HyperscanEngine([Template(p) for p in after], cache_dir=tmp_path / "fresh")
    assert full.compiled_patterns == len(after)
    new_patterns = {render.hyperscan_matcher_regex(Template(p)) for p in after} - {
        render.hyperscan_matcher_regex(Template(p)) for p in before}
    assert edited.compiled_patterns == len(new_patterns) <= 6
    messages = [clean_message(random_message(rng, [Template(p) for p in (*after, *removed)])) for _ in range(1500)]
    messages += ["changed five 12", "x changed seventeen", "added word 3"]
    answers = edited.match_ids(messages)
    assert answers == full.match_ids(messages) == PythonEngine(after).match_ids(messages)
    assert [len(after) - 1] in [ids[-1:] for ids in answers]  # the duplicate's second id is reported
    again = engine_hyperscan.HyperscanEngine([Template(p) for p in after], cache_dir=tmp_path / "edits")
    assert not again.compiled and again.match_ids(messages) == answers  # the delta was cached too


@pytest.mark.skipif(not engine_hyperscan.available(), reason="hyperscan is not installed on this platform")
def test_the_cache_keeps_the_most_recently_used_databases(tmp_path):
    for n in range(12):  # unrelated sets: each is compiled whole
        templates = [Template.of(f"set {n} template ", Hole(), f" {i} {'x' * n}") for i in range(70)]
        assert engine_hyperscan.HyperscanEngine(templates, cache_dir=tmp_path).compiled_patterns == 70
    assert len(list(tmp_path.glob("hs-*.db"))) == len(list(tmp_path.glob("hs-*.pat"))) == 8


@pytest.mark.skipif(not engine_hyperscan.available(), reason="hyperscan is not installed on this platform")
def test_regression_hyperscan_missed_match_when_messages_shared_a_buffer():
    # Hyperscan 5.4 missed the second template's match on the last message when these three messages were
    # scanned as one NUL-separated buffer; the engine now scans each message on its own.
    templates = [Template.of(Hole(HoleKind.INT), "eNaN.", Hole(HoleKind.BOOL), "true2\n"),
                 Template.of(Hole(HoleKind.INT), "xb", Hole(HoleKind.WORD), "true", Hole(HoleKind.JSON))]
    prepared = [prepare(t) for t in templates]
    messages = ["1-", ".true-ab", "1xbtrue"]
    expected = [[], [], [1]]
    assert PythonEngine(prepared).match_ids(messages) == expected
    assert engine_hyperscan.HyperscanEngine([Template(p) for p in prepared]).match_ids(messages) == expected
