"""A worker's own memory stays within its budget and gives back what was put in."""

from caching.memory import OVERHEAD_BYTES, WorkerMemory


def test_the_least_recently_used_values_go_first_when_the_budget_is_full():
    memory = WorkerMemory(max_bytes=3 * (1000 + OVERHEAD_BYTES))
    for number in range(3):
        memory.put(f"page-{number}", "x" * 1000)
    assert memory.get("page-0") == "x" * 1000  # used again: now the most recent
    memory.put("page-3", "y" * 1000)
    assert memory.get("page-1") is None
    assert memory.get("page-0") is not None and memory.get("page-3") == "y" * 1000


def test_a_value_larger_than_the_whole_budget_is_not_kept_and_evicts_nothing():
    memory = WorkerMemory(max_bytes=5000)
    memory.put("small", ["a", "list"])
    memory.put("huge", "z" * 10_000)
    assert memory.get("huge") is None and memory.get("small") == ["a", "list"]


def test_replacing_a_key_does_not_count_it_twice():
    memory = WorkerMemory(max_bytes=2 * (1000 + OVERHEAD_BYTES))
    for _ in range(5):
        memory.put("same", "x" * 1000)
    memory.put("other", "y" * 1000)
    assert memory.get("same") is not None and memory.get("other") is not None
