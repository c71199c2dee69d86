"""Per-thread and global query statistics (``db.local_stats`` / ``db.global_stats``)."""

from __future__ import annotations

import threading


class QueryStat:
    __slots__ = ("sql", "db_count", "cache_count", "min_time", "max_time", "sum_time")

    def __init__(self, sql: str | None, duration: float | None = None) -> None:
        self.sql = sql
        self.db_count = 0
        self.cache_count = 0
        self.min_time: float | None = None
        self.max_time: float | None = None
        self.sum_time = 0.0
        if duration is not None:
            self.query_executed(duration)

    def copy(self) -> QueryStat:
        result = QueryStat(self.sql)
        for name in self.__slots__:
            setattr(result, name, getattr(self, name))
        return result

    def query_executed(self, duration: float, count: int = 1) -> None:
        self.db_count += count
        self.sum_time += duration
        if count > 1:
            duration /= count
        min_time = self.min_time
        if min_time is None or duration < min_time:
            self.min_time = duration
        max_time = self.max_time
        if max_time is None or duration > max_time:
            self.max_time = duration

    def merge(self, other: QueryStat) -> None:
        self.db_count += other.db_count
        self.cache_count += other.cache_count
        self.sum_time += other.sum_time
        if other.min_time is not None:
            self.min_time = other.min_time if self.min_time is None else min(self.min_time, other.min_time)
        if other.max_time is not None:
            self.max_time = other.max_time if self.max_time is None else max(self.max_time, other.max_time)

    @property
    def avg_time(self) -> float | None:
        return self.sum_time / self.db_count if self.db_count else None

    def __repr__(self) -> str:
        return f"<QueryStat db_count={self.db_count} cache_count={self.cache_count} sql={self.sql!r}>"


class Statistics(threading.local):
    """The calling thread's statistics plus the last SQL it ran."""

    def __init__(self) -> None:
        self.stats: dict = {None: QueryStat(None)}
        self.last_sql: str | None = None

    def query_executed(self, sql: str, duration: float, count: int = 1) -> None:
        """``sql`` ran (``count`` times in one executemany, taking ``duration`` in all)."""
        self.last_sql = sql
        stats = self.stats
        stat = stats.get(sql)
        if stat is None:
            stat = stats[sql] = QueryStat(sql)
        if count != 1:
            stat.query_executed(duration, count)
            stats[None].query_executed(duration, count)
            return
        # one statement, the case of every query: QueryStat.query_executed inlined for both stats
        for each in (stat, stats[None]):
            each.db_count += 1
            each.sum_time += duration
            if each.max_time is None:
                each.min_time = each.max_time = duration
            elif duration < each.min_time:
                each.min_time = duration
            elif duration > each.max_time:
                each.max_time = duration

    def cache_hit(self, sql: str) -> None:
        stats = self.stats
        stat = stats.get(sql)
        if stat is None:
            stat = stats[sql] = QueryStat(sql)
        stat.cache_count += 1
        stats[None].cache_count += 1


class GlobalStatistics:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.stats: dict = {}

    def merge(self, local: Statistics) -> None:
        with self.lock:
            for sql, stat in local.stats.items():
                existing = self.stats.get(sql)
                if existing is None:
                    self.stats[sql] = stat.copy()
                else:
                    existing.merge(stat)
        local.stats = {None: QueryStat(None)}

    def snapshot(self) -> dict:
        with self.lock:
            return {sql: stat.copy() for sql, stat in self.stats.items()}
