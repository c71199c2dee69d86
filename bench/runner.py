"""Runs every selected test against one database: warm-up, timed rounds, rotation and checks."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from bench import data, shapes
from bench.config import Plan, TestDef, memory_checksum
from bench.procs import Child, ChildDied
from bench.venvs import VENVS

READY_TIMEOUT = 300.0
FILL_TIMEOUT = 1800.0  # filling the big tables (1M rows each), untimed
ROUND_TIMEOUT = {False: 900.0, True: 180.0}  # seconds, by quick mode


@dataclass
class Outcome:
    """What one contestant did in one test on one database."""

    status: str = "ok"  # ok | n/a | failed
    error: str = ""
    times_ns: list[int] = field(default_factory=list)
    rows: int = 0
    note: str = ""
    memory: dict[str, float] = field(default_factory=dict)  # MEM1, MEM2: baseline_mb, peak_mb, growth_mb

    def fail(self, status: str, error: str) -> None:
        if self.status == "ok":
            self.status, self.error = status, error

    @property
    def median_ns(self) -> float | None:
        return statistics.median(self.times_ns) if self.status == "ok" and self.times_ns else None

    @property
    def min_ns(self) -> int | None:
        return min(self.times_ns) if self.status == "ok" and self.times_ns else None


def ops_per_round(test: TestDef, plan: Plan) -> int:
    sizes = plan.sizes
    return {
        "A": sizes.insert_single, "B": sizes.insert_batch, "C": sizes.insert_bulk, "U": sizes.upsert_bulk,
        "D": sizes.repetitions, "D2": plan.rows, "E": sizes.pages, "F": sizes.gets, "F2": sizes.gets,
        "G": sizes.repetitions, "H": sizes.repetitions, "I": plan.rows // 5, "J": plan.rows // 5,
        "J2": plan.rows // 5,
        "K": plan.rows // 5, "L": sizes.counts, "M": len(shapes.SHAPES), "R": plan.rows // 5,
        "X": sizes.repetitions, "MEM1": sizes.memory_rows, "MEM2": sizes.memory_rows,
    }.get(test.id) or (1 if test.id.startswith("IN") else sizes.scaled_ops)  # IN: one query, CNT/GET


class DbRun:
    def __init__(self, db: str, contestants: list[str], tests: list[TestDef], plan: Plan, quick: bool,
                 log=print) -> None:
        self.db, self.contestants, self.tests, self.plan, self.quick = db, contestants, tests, plan, quick
        self.log = log
        self.outcomes: dict[tuple[str, str], Outcome] = {}
        self.versions: dict[str, dict[str, str]] = {}
        self.setup_errors: dict[str, str] = {}
        self.server = ""
        self.workers: dict[str, Child] = {}
        self.admin: Child | None = None
        self.round_timeout = ROUND_TIMEOUT[quick]
        self._expected: dict[str, tuple[int, int]] = {}

    def args(self, contestant: str | None = None) -> list[str]:
        args = ["--db", self.db] + (["--quick"] if self.quick else [])
        return args + (["--contestant", contestant] if contestant else [])

    # -- lifecycle ---------------------------------------------------------------------------
    def run(self) -> None:
        try:
            self.start()
            for test in self.tests:
                started = time.monotonic()
                if test.id == "M":
                    self.run_cold(test)
                elif test.section == "memory":
                    self.run_memory(test)
                else:
                    self.run_test(test)
                took = time.monotonic() - started
                self.log(f"[bench] {self.db}: test {test.id} ({test.name}) took {took:.1f} s")
        finally:
            for child in [*self.workers.values(), self.admin]:
                if child is not None:
                    child.close()

    def start(self) -> None:
        self.admin = Child(VENVS["raw"].python, "admin", self.args(), f"{self.db}-admin")
        answer = self.admin.ask({"op": "create"}, READY_TIMEOUT)
        if not answer.get("ok"):
            raise RuntimeError(f"cannot prepare the {self.db} database: {answer.get('error')}")
        self.server = answer["server"]
        for section in dict.fromkeys(t.section for t in self.tests if t.section != "speed"):
            started = time.monotonic()  # before the workers connect: nobody holds a lock on them
            answer = self.admin.ask({"op": f"prepare_{section}"}, FILL_TIMEOUT)
            if not answer.get("ok"):
                raise RuntimeError(f"cannot fill the {section} tables: {answer.get('error')}")
            self.log(f"[bench] {self.db}: {section} tables " + ("filled" if answer["filled"] else "reused")
                     + f" in {time.monotonic() - started:.1f} s")
        for name in self.contestants:
            self.start_worker(name)

    def start_worker(self, name: str) -> Child | None:
        """Start a contestant's worker; one that cannot start fails every test with its error."""
        worker = Child(VENVS[name].python, "worker", self.args(name), f"{self.db}-{name}")
        try:
            ready = worker.read(READY_TIMEOUT)
        except ChildDied as exc:
            ready = {"ready": False, "error": str(exc)}
        if not ready.get("ready"):
            self.setup_errors[name] = f"setup failed: {ready.get('error')}"
            self.log(f"[bench] {self.db}: {name} cannot start: {ready.get('error')}")
            worker.close()
            return None
        self.workers[name] = worker
        self.versions[name] = ready["versions"]
        return worker

    def outcome(self, contestant: str, test: TestDef) -> Outcome:
        key = (contestant, test.id)
        if key not in self.outcomes:
            self.outcomes[key] = Outcome()
            if contestant in self.setup_errors:
                self.outcomes[key].fail("failed", self.setup_errors[contestant])
        return self.outcomes[key]

    # -- one test ----------------------------------------------------------------------------
    def run_test(self, test: TestDef) -> None:
        for c in self.contestants:
            self.skip_over_cap(c, test)
        for round_no in self.plan.rounds:
            shift = round_no % len(self.contestants)
            for contestant in self.contestants[shift:] + self.contestants[:shift]:
                outcome = self.outcome(contestant, test)
                if outcome.status != "ok":
                    continue
                self.run_round(contestant, test, outcome, timed=self.plan.is_timed(round_no))
        if test.writes:  # the read tests that follow expect the seeded table
            self.reseed()

    def reseed(self) -> None:
        answer = self.admin.ask({"op": "reseed"}, self.round_timeout)
        if not answer.get("ok"):
            raise RuntimeError(f"reseeding failed: {answer.get('error')}")

    def run_round(self, contestant: str, test: TestDef, outcome: Outcome, timed: bool) -> None:
        if test.writes:
            self.reseed()
        worker = self.workers.get(contestant) or self.start_worker(contestant)
        if worker is None:
            outcome.fail("failed", self.setup_errors[contestant])
            return
        scaling = test.section == "scaling"
        try:
            answer = worker.ask({"op": "run", "test": test.id},
                                self.plan.sizes.scaling_cap_s if scaling else self.round_timeout)
        except ChildDied as exc:  # a fresh worker takes over from the next test on
            self.workers.pop(contestant).close()
            over = scaling and "no answer within" in str(exc)
            outcome.fail("failed", f"over the {self.plan.sizes.scaling_cap_s:g} s cap" if over
                         else f"worker died: {exc}")
            self.log(f"[bench] {self.db}: {contestant} died in {test.id}: {exc}")
            return
        if "na" in answer:
            outcome.fail("n/a", answer["na"])
        elif "error" in answer:
            outcome.fail("failed", answer["error"])
            self.log(f"[bench] {self.db}: {contestant} failed {test.id}: {answer['error']}")
        else:
            problem = self.check(test, answer)
            if problem:
                outcome.fail("failed", problem)
                self.log(f"[bench] {self.db}: {contestant} failed {test.id}: {problem}")
            elif timed:
                outcome.times_ns.append(answer["ns"])
                outcome.rows = answer["rows"]
                outcome.note = answer.get("note", "")

    def check(self, test: TestDef, answer: dict[str, Any]) -> str:
        """Why a round's result is wrong, or '' when rows and checksum are what they must be."""
        if test.writes:
            rows = data.write_row_count(test.id, self.plan)
            if answer["rows"] != rows:
                return f"touched {answer['rows']} rows, expected {rows}"
            state = self.admin.ask({"op": "state"}, self.round_timeout)
            expected = list(data.expected_write(test.id, self.plan))
            if state.get("state") != expected:
                return f"table after the test (count, sum level, sum len text) = {state.get('state')}, " \
                       f"expected {expected}"
            return ""
        rows, checksum = self.expected(test)
        if answer["rows"] != rows:
            return f"returned {answer['rows']} rows, expected {rows}"
        if answer["checksum"] != checksum:
            return f"checksum {answer['checksum']} != expected {checksum}"
        return ""

    def expected(self, test: TestDef) -> tuple[int, int]:
        """(rows, checksum) of a read round, computed once per test."""
        if test.id not in self._expected:
            if test.section == "scaling":
                self._expected[test.id] = data.expected_scaling(test.id, self.plan)
            elif test.section == "memory":
                rows = self.plan.sizes.memory_rows
                self._expected[test.id] = rows, memory_checksum(rows)
            else:
                self._expected[test.id] = data.expected_read(test.id, self.plan)
        return self._expected[test.id]

    def skip_over_cap(self, contestant: str, test: TestDef) -> None:
        """A scaling line whose smaller size went over the cap is not run at the bigger one."""
        outcome = self.outcome(contestant, test)
        size = int(test.id[-1]) if test.section == "scaling" else 0
        if size > 1:
            smaller = self.outcomes.get((contestant, f"{test.id[:-1]}{size - 1}"))
            if smaller is not None and smaller.error.startswith(("over the", "not run")):
                cause = smaller.error if smaller.error.startswith("not run") else \
                    f"not run: {test.id[:-1]}{size - 1} went {smaller.error}"
                outcome.fail("failed", cause)

    def one_shot(self, contestant: str, mode: str, args: list[str], log_name: str) -> dict:
        """Start a fresh child of ``contestant`` in ``mode``, read its one answer ({'error': ...} if it died)."""
        child = Child(VENVS[contestant].python, mode, args, log_name)
        try:
            return child.read(self.round_timeout)
        except ChildDied as exc:
            return {"error": str(exc)}
        finally:
            child.close()

    # -- memory_1m: a fresh process per contestant and line ------------------------------
    def run_memory(self, test: TestDef) -> None:
        for contestant in self.contestants:
            outcome = self.outcome(contestant, test)
            if outcome.status != "ok":
                continue
            answer = self.one_shot(contestant, "memory", self.args(contestant) + ["--test", test.id],
                                   f"{self.db}-{contestant}-{test.id}")
            if "na" in answer:
                outcome.fail("n/a", answer["na"])
                continue
            rows, checksum = self.expected(test)
            problem = answer.get("error") or (
                f"read {answer['count']} rows (checksum {answer['checksum']}), expected {rows} ({checksum})"
                if (answer["count"], answer["checksum"]) != (rows, checksum) else "")
            if problem:
                outcome.fail("failed", problem)
                self.log(f"[bench] {self.db}: {contestant} failed {test.id}: {problem}")
                continue
            outcome.rows, outcome.note = rows, answer.get("note", "")
            outcome.memory = {k: answer[k] for k in ("baseline_mb", "peak_mb", "growth_mb")}

    # -- test M: a fresh process per round -----------------------------------------------
    def run_cold(self, test: TestDef) -> None:
        expected = {s.name: shapes.comparable(s.kind, v)
                    for s, v in zip(shapes.SHAPES, shapes.expected(self.plan.rows).values())}
        for round_no in self.plan.rounds:
            shift = round_no % len(self.contestants)
            for contestant in self.contestants[shift:] + self.contestants[:shift]:
                outcome = self.outcome(contestant, test)
                if outcome.status != "ok":
                    continue
                answer = self.one_shot(contestant, "cold", self.args(contestant), f"{self.db}-{contestant}-M")
                if "error" in answer:
                    outcome.fail("failed", answer["error"])
                    self.log(f"[bench] {self.db}: {contestant} failed M: {answer['error']}")
                    continue
                wrong = [name for name, value in answer["results"].items() if value != expected[name]]
                if wrong:
                    first, got = wrong[0], answer["results"][wrong[0]]
                    outcome.fail("failed", f"wrong results for shapes {', '.join(wrong)}; "
                                           f"{first}: got {got!r}, expected {expected[first]!r}")
                elif self.plan.is_timed(round_no):
                    outcome.times_ns.append(answer["ns"])
                    outcome.rows = len(shapes.SHAPES)

    # -- results -------------------------------------------------------------------------
    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready record per (contestant, test), ratios filled in."""
        records = []
        speed: dict[tuple[str, str], float] = {}
        for test in self.tests:
            ops = ops_per_round(test, self.plan)
            for contestant in self.contestants:
                outcome = self.outcome(contestant, test)
                median, best = outcome.median_ns, outcome.min_ns
                ops_per_s = ops / (median / 1e9) if median else None
                rows_per_s = outcome.rows / (median / 1e9) if median and test.id != "M" else None
                if ops_per_s:
                    speed[(contestant, test.id)] = ops_per_s
                records.append({
                    "contestant": contestant, "db": self.db, "test": test.id,
                    "ops_per_s": ops_per_s, "rows_per_s": rows_per_s,
                    "ratio_to_raw": None, "ratio_to_pony": None,
                    "name": test.name, "unit": test.unit, "status": outcome.status,
                    "error": outcome.error or None, "note": outcome.note or None, "ops_per_round": ops,
                    "rows_per_round": outcome.rows if median else None,
                    "median_ns": median, "min_ns": best,
                    "best_ops_per_s": ops / (best / 1e9) if best else None,
                    "ms_per_query": median / 1e6 / ops if median and test.unit != "row" else None,
                    "rounds": len(outcome.times_ns), "quick": self.quick,
                    **self.memory_fields(contestant, test),
                })
        for record in records:
            mine = speed.get((record["contestant"], record["test"]))
            raw = speed.get(("raw", record["test"]))
            pony = speed.get(("pony", record["test"]))
            if mine and raw:
                record["ratio_to_raw"] = mine / raw
            if mine and pony:
                record["ratio_to_pony"] = mine / pony
        return records

    def memory_fields(self, contestant: str, test: TestDef) -> dict[str, Any]:
        """The target figure against the raw driver: MEM1, growth over raw fetchall's growth; MEM2, peak
        over the peak raw streaming would reach from this process's baseline (the processes differ by the
        library's import footprint, which the line is not about; raw's own peak is kept too)."""
        raw_outcome = self.outcomes.get(("raw", test.id))
        mine, raw = self.outcome(contestant, test).memory, raw_outcome.memory if raw_outcome else {}
        if test.section != "memory" or not mine:
            return {}
        if not raw:
            return {**mine, "memory_ratio_to_raw": None}
        if test.id == "MEM1":
            return {**mine, "memory_ratio_to_raw": mine["growth_mb"] / max(raw["growth_mb"], 0.01)}
        return {**mine, "memory_ratio_to_raw": mine["peak_mb"] / (mine["baseline_mb"] + raw["growth_mb"]),
                "peak_over_raw_peak": mine["peak_mb"] / raw["peak_mb"]}
