"""The clustering decision itself (cluster.place over the in-memory index)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from broadsheet.stories.cluster import Doc, MemoryIndex, Params, place

from .conftest import T0, vector


def doc(key, topic, days=0.0, names=(), numbers=(), noise=None):
    return Doc(key, vector(topic, noise or key), frozenset(names), frozenset(numbers), T0 + timedelta(days=days))


def test_reports_of_one_event_share_a_story_and_other_events_open_their_own():
    index = MemoryIndex()
    a = place(doc("a", "quake"), index)
    b = place(doc("b", "quake", 0.1), index)
    c = place(doc("c", "budget", 0.2), index)
    assert a == b != c


def test_a_report_outside_the_window_opens_a_new_story():
    index = MemoryIndex()
    first = place(doc("a", "quake"), index)
    later = place(doc("b", "quake", days=10), index)
    assert first != later


def test_the_window_drifts_with_the_newest_article():
    index = MemoryIndex()
    stories = {place(doc(k, "quake", days=d), index) for k, d in [("a", 0), ("b", 2.5), ("c", 5), ("d", 7.5)]}
    assert len(stories) == 1


def test_a_late_report_between_two_stories_merges_them():
    index = MemoryIndex()
    same = {"names": {"qeshm", "iran"}, "numbers": {"10"}}
    early = place(doc("a", "quake", 0, **same), index)
    late = place(doc("b", "quake", 5, **same), index)
    assert early != late
    bridge = place(doc("c", "quake", 2.5, **same), index)  # published between them, arriving last
    assert bridge in (early, late)
    assert index.story_of["a"] == index.story_of["b"] == index.story_of["c"] == bridge
    assert set(index.members) == {bridge}


def test_different_figures_and_names_keep_look_alike_events_apart():
    params = Params()
    index = MemoryIndex()
    # Two quakes with near-identical wording (vectors 0.8 apart), different places and tolls.
    base = doc("a", "quake", names={"qeshm", "iran", "dargahan"}, numbers={"6.1", "10"})
    first = place(base, index, params)
    other = Doc("b", (vector("quake", "a") * 0.78 + vector("budget") * 0.62), frozenset({"sonoma", "geysers"}),
                frozenset({"4.4"}), T0)
    same = Doc("c", (vector("quake", "a") * 0.78 + vector("budget") * 0.62), frozenset({"qeshm", "iran"}),
               frozenset({"6.1"}), T0)
    assert place(other, index, params) != first
    assert place(same, index, params) == first


def test_undated_articles_are_compared_with_everything():
    index = MemoryIndex()
    a = place(doc("a", "quake", days=0), index)
    b = place(Doc("b", vector("quake", "b")), index)
    c = place(doc("c", "quake", days=30), index)
    assert a == b == c


def test_publication_close_together_adds_to_a_textual_match_only():
    from broadsheet.stories.cluster import score

    params = Params()
    a = doc("a", "quake", names={"qeshm", "iran"})
    same_day = doc("b", "quake", days=0.1, names={"qeshm"})
    days_later = doc("c", "quake", days=2.9, names={"qeshm"})
    undated = Doc("d", same_day.vector, same_day.names)
    no_shared_name = doc("e", "quake", days=0.1, names={"sonoma"})
    text_only = score(a, undated, 0.6, params)
    assert score(a, same_day, 0.6, params) > score(a, days_later, 0.6, params) > text_only
    assert score(a, same_day, 0.6, params) - text_only <= params.time_weight
    assert score(a, no_shared_name, 0.6, params) == score(a, Doc("f", a.vector, frozenset({"sonoma"})), 0.6, params)
    assert score(a, same_day, 0.6, Params(time_weight=0.0)) == text_only


def _lookalike(key, i, days):
    """A report of a second quake: worded much like the first (cosine ~0.73 to it), naming
    another place, published days later; close to the other reports of its own quake."""
    v = 0.75 * vector("quake", "shared") + 0.66 * vector("other", f"{key}{i}", weight=0.05)
    return Doc(f"{key}{i}", v / np.linalg.norm(v), frozenset({"iran", "bam", "kerman", "jiroft", "rescuers"}),
               frozenset({"5.2", "3"}), T0 + timedelta(days=days))


def test_a_look_alike_event_chained_into_a_story_leaves_it_once_it_has_reports_of_its_own():
    index, params = MemoryIndex(), Params()
    first = {place(doc(f"a{i}", "quake", 0.1 * i, names={"iran", "qeshm", "tabl", "dargahan"}, numbers={"6.1", "10"}),
                   index, params) for i in range(4)}
    assert len(first) == 1
    (story,) = first
    # The first report of the other quake clears the join bar on its best neighbour...
    assert place(_lookalike("b", 0, 2.5), index, params) == story
    place(_lookalike("b", 1, 2.6), index, params)
    # ...and once three of its reports are in, the two halves part.
    third = place(_lookalike("b", 2, 2.7), index, params)
    fourth = place(_lookalike("b", 3, 2.8), index, params)
    assert third == fourth != story
    assert {index.story_of[f"a{i}"] for i in range(4)} == {story}
    assert {index.story_of[f"b{i}"] for i in range(4)} == {third}


def test_a_story_that_holds_together_is_never_split():
    index, params = MemoryIndex(), Params(split_members=20)
    same = {"names": {"iran", "qeshm", "tabl", "dargahan"}, "numbers": {"6.1", "10"}}
    stories = {place(doc(f"r{i}", "quake", 0.05 * i, **same), index, params) for i in range(30)}
    assert len(stories) == 1 and len(index.members) == 1


def test_the_cohesion_check_can_be_turned_off():
    index, params = MemoryIndex(), Params(split=None)
    for i in range(4):
        place(doc(f"a{i}", "quake", 0.1 * i, names={"iran", "qeshm", "tabl", "dargahan"}, numbers={"6.1", "10"}), index, params)
    stories = {place(_lookalike("b", i, 2.5 + 0.1 * i), index, params) for i in range(4)}
    assert len(stories) == 1 and len(index.members) == 1


def test_the_halves_are_scipys_average_linkage_cut_in_two_ties_included():
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    from broadsheet.stories.cluster import average_linkage_halves

    rng = np.random.default_rng(15)
    for trial in range(600):
        n = int(rng.integers(3, 61))
        if trial % 3 == 0:  # distinct scores
            x = rng.normal(size=(n, 5))
            scores = x @ x.T
        elif trial % 3 == 1:  # many equal scores: ties broken as scipy breaks them
            x = rng.integers(0, 3, size=(n, 3)).astype(float)
            scores = -np.abs(x[:, None, :] - x[None]).sum(-1)
        else:  # cosines to two decimals
            x = rng.normal(size=(n, 8))
            x /= np.linalg.norm(x, axis=1, keepdims=True)
            scores = np.round(x @ x.T, 2)
        distances = (scores.max() + 1.0) - scores
        np.fill_diagonal(distances, 0.0)
        theirs = fcluster(linkage(squareform(distances, checks=False), method="average"), 2, criterion="maxclust")
        ours = average_linkage_halves(distances)
        assert np.array_equal(ours == ours[0], theirs == theirs[0]), (trial, n)


def test_the_cohesion_check_imports_no_scipy():
    """scipy.cluster and the scipy.special it pulls in cost a task worker ~40 MB (the bare
    `scipy` package, ~2 MB, comes with datasketch)."""
    import os
    import subprocess
    import sys

    code = ("import sys, django; django.setup(); from tests.stories import test_cluster as t; "
            "t.test_a_look_alike_event_chained_into_a_story_leaves_it_once_it_has_reports_of_its_own(); "
            "print(sorted({m.split('.')[1] for m in sys.modules if m.startswith('scipy.')}))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "broadsheet.settings"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120, env=env)
    loaded = eval(out.stdout)
    assert not {"cluster", "spatial", "special", "integrate", "sparse", "linalg"} & set(loaded), loaded
