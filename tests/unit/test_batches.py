"""Mini-batch sampling: fresh shuffles, no replacement within an epoch, short last batch."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.batches import batches_per_epoch, check_batch_size, minibatches

CHECK = settings(derandomize=True, database=None, deadline=None, max_examples=60)


def epochs(n, batch_size, seed, count):
    """The batches of ``count`` epochs, as a list of lists of index arrays."""
    sampler = minibatches(n, batch_size, np.random.default_rng(seed))
    per_epoch = batches_per_epoch(n, batch_size)
    return [[next(sampler) for _ in range(per_epoch)] for _ in range(count)]


@CHECK
@given(n=st.integers(1, 200), data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_every_example_is_used_exactly_once_per_epoch(n, data, seed):
    batch_size = data.draw(st.integers(1, n))
    for epoch in epochs(n, batch_size, seed, count=3):
        np.testing.assert_array_equal(np.sort(np.concatenate(epoch)), np.arange(n))


@CHECK
@given(n=st.integers(1, 200), data=st.data())
def test_batches_are_full_but_the_last_of_an_epoch_which_is_the_remainder(n, data):
    batch_size = data.draw(st.integers(1, n))
    for epoch in epochs(n, batch_size, seed=0, count=2):
        sizes = [len(b) for b in epoch]
        assert sizes[:-1] == [batch_size] * (len(sizes) - 1)
        assert sizes[-1] == (n % batch_size or batch_size)


@pytest.mark.parametrize(
    ("n", "batch_size", "count"), [(10, 3, 4), (10, 5, 2), (10, 10, 1), (10, 1, 10), (1, 1, 1)]
)
def test_batches_per_epoch_rounds_up(n, batch_size, count):
    assert batches_per_epoch(n, batch_size) == count


def test_each_epoch_is_a_fresh_shuffle():
    first, second = epochs(50, 10, seed=0, count=2)
    assert not np.array_equal(np.concatenate(first), np.concatenate(second))


def test_indices_within_a_batch_are_sorted():
    for batch in itertools.chain.from_iterable(epochs(40, 7, seed=1, count=2)):
        assert np.all(np.diff(batch) > 0)


def test_a_batch_of_all_examples_is_exactly_the_data_set_in_order():
    sampler = minibatches(12, 12, np.random.default_rng(5))
    for _ in range(3):
        np.testing.assert_array_equal(next(sampler), np.arange(12))


def test_the_same_seed_gives_the_same_batches_and_another_seed_others():
    a, b, c = (epochs(30, 4, seed, count=2) for seed in (3, 3, 4))
    for x, y in zip(itertools.chain(*a), itertools.chain(*b), strict=True):
        np.testing.assert_array_equal(x, y)
    assert not all(
        np.array_equal(x, y) for x, y in zip(itertools.chain(*a), itertools.chain(*c), strict=True)
    )


def test_the_documented_example_batches():
    sampler = minibatches(n=5, batch_size=2, rng=np.random.default_rng(0))
    assert [next(sampler).tolist() for _ in range(4)] == [[2, 4], [0, 3], [1], [1, 4]]


@pytest.mark.parametrize("batch_size", [1, 7, 10, np.int64(4), np.int32(10)])
def test_check_batch_size_accepts_whole_numbers_in_range_and_returns_an_int(batch_size):
    result = check_batch_size(batch_size, 10)
    assert result == batch_size and type(result) is int


@pytest.mark.parametrize("batch_size", [0, -3, 11])
def test_check_batch_size_rejects_a_size_out_of_range_naming_it_and_the_range(batch_size):
    with pytest.raises(
        ValueError, match=rf"batch_size must be a whole number in \[1, 10\]; got {batch_size}$"
    ):
        check_batch_size(batch_size, 10)


@pytest.mark.parametrize("batch_size", [2.5, 4.0, True, "4", None, np.inf, np.nan])
def test_check_batch_size_rejects_what_is_not_a_whole_number_with_type_error(batch_size):
    with pytest.raises(
        TypeError, match=rf"batch_size must be a whole number in \[1, 10\]; got {batch_size!r} \("
    ):
        check_batch_size(batch_size, 10)


def test_the_sampler_checks_its_batch_size_too():
    with pytest.raises(ValueError, match="batch_size"):
        next(minibatches(5, 6, np.random.default_rng(0)))
