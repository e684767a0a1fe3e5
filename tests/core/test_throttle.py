from datetime import UTC, datetime, timedelta

from certify.core.throttle import retry_after_seconds

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_below_limit_is_allowed():
    failures = [NOW - timedelta(seconds=s) for s in (10, 20, 30, 40)]
    assert retry_after_seconds(failures, now=NOW, window_seconds=900, limit=5) == 0


def test_at_limit_waits_until_oldest_counted_failure_leaves_window():
    failures = [NOW - timedelta(seconds=s) for s in (100, 200, 300, 400, 500)]
    assert retry_after_seconds(failures, now=NOW, window_seconds=900, limit=5) == 400


def test_failures_outside_window_do_not_count():
    failures = [NOW - timedelta(seconds=s) for s in (10, 20, 30, 40, 1000, 2000)]
    assert retry_after_seconds(failures, now=NOW, window_seconds=900, limit=5) == 0


def test_many_failures_wait_for_enough_to_expire():
    failures = [NOW - timedelta(seconds=s) for s in range(10, 80, 10)]  # 7 failures, 10..70 s ago
    # 3 must leave the window; the third oldest failed 50 s ago.
    assert retry_after_seconds(failures, now=NOW, window_seconds=900, limit=5) == 850


def test_zero_limit_disables_throttling():
    assert retry_after_seconds([NOW], now=NOW, window_seconds=900, limit=0) == 0
