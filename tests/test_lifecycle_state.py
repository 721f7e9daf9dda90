"""A stateful property test of the whole lifecycle, through the library API (docs/reliability.md).

Hypothesis runs random sequences of operations (add SOPs, update them directly
or editorially, start a review, record outcomes, decide keep / remove /
replace, add steps, approve or abandon, acknowledge, import and deactivate
staff) against a real store in a fresh temporary folder, beside a small model
of what the store should hold. Each operation is predicted to succeed or be
refused; after every step the invariants below are checked, and at the end of
each run `git fsck` and `sop audit verify`:

- history is append-only: every version ever seen reads back byte for byte,
  tagged at the same commit;
- each active SOP has exactly one current version, a withdrawn one none;
- acknowledgements exist only of versions that were current when recorded,
  bound to those versions' exact bytes; acknowledging anything else is refused;
- one commit on main per successful operation that changed something, none
  for a refused one; the history is linear.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from conftest import HEAD, HEAD_ROW, fuzz_settings
from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from soplib import Review, SopError, Store

ACTOR = "ani.pratiwi"
PEOPLE = {  # id -> (name, unit, position)
    "198001012005011001": ("Ani", "Sekretariat", "Kepala Subbagian"),
    "198202022006042002": ("Budi", "Keuangan", "Pengadministrasi"),
    "199003032015031003": ("Citra", "Teknis", "Operator"),
    "P-0004": ("Dedi", "Teknis", "Pengelola"),
}


def sop_text(sop_id: str, steps: list[str]) -> str:
    body = "".join(f"{n}. {s}\n" for n, s in enumerate(steps, 1))
    return f"---\nid: {sop_id}\ntitle: Prosedur {sop_id}\n---\n# Prosedur\n\n{body}"


@dataclass
class SopModel:
    versions: list[bytes]  # every version's exact bytes, oldest first
    carries: list[bool]  # per version: acknowledgements of the one before count for it
    steps: list[str]  # the current steps
    withdrawn: bool = False


@dataclass
class SessionModel:
    review: Review
    pinned: dict[str, int]
    keys: dict[str, list[str]]  # item keys of each pinned version: the title, then the steps
    body: dict[str, list[str]]  # the steps' keys alone
    outcomes: dict[str, str] = field(default_factory=dict)
    decisions: dict[str, dict[str, str]] = field(default_factory=dict)  # sop -> key -> action
    adds: dict[str, int] = field(default_factory=dict)

    def edits(self, sop: str) -> int:
        actions = self.decisions.get(sop, {}).values()
        return sum(1 for a in actions if a != "keep") + self.adds.get(sop, 0)


class Lifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="soplib-lifecycle-"))
        self.store = Store.init(self.dir / "store")
        # The head of office approves sessions: an approver must be registered staff.
        self.store.staff.import_csv(("id,name,unit,position\n" + HEAD_ROW).encode(), by=ACTOR)
        self.commits = 2  # the store's creation, the approver's registration
        self.sops: dict[str, SopModel] = {}
        self.tags: dict[tuple[str, int], str] = {}  # (sop, version) -> the commit first seen
        self.staff: dict[str, tuple[str, str, str, bool]] = {}
        self.acks: set[tuple[str, str, int]] = set()
        self.session: SessionModel | None = None
        self.counter = 0

    # -- helpers ------------------------------------------------------------------------

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def _refused(self, call: object, *args: object, **kwargs: object) -> None:
        """``call`` must raise a SopError and write nothing."""
        head = self.store.head()
        try:
            call(*args, **kwargs)
        except SopError:
            pass
        else:
            raise AssertionError(f"{call} {args} {kwargs} was expected to be refused")
        assert self.store.head() == head

    def _active(self) -> list[str]:
        return sorted(s for s, m in self.sops.items() if not m.withdrawn)

    # -- SOPs ------------------------------------------------------------------------------

    @rule(n_steps=st.integers(1, 4))
    def add_sop(self, n_steps: int) -> None:
        sop_id = f"FZ-{self._next():03d}"
        steps = [f"Langkah {sop_id} nomor {i}." for i in range(1, n_steps + 1)]
        text = sop_text(sop_id, steps)
        (added,) = self.store.sops.add([text], by=ACTOR)
        assert added.id == sop_id and added.version == 1
        self.sops[sop_id] = SopModel([text.encode()], [False], steps)
        self.commits += 1

    @precondition(lambda self: bool(self.sops))
    @rule(data=st.data())
    def add_existing_is_refused(self, data: st.DataObject) -> None:
        sop_id = data.draw(st.sampled_from(sorted(self.sops)))
        self._refused(self.store.sops.add, [sop_text(sop_id, ["Lagi."])], by=ACTOR)

    @precondition(lambda self: bool(self.sops))
    @rule(data=st.data(), editorial=st.booleans())
    def update(self, data: st.DataObject, editorial: bool) -> None:
        sop_id = data.draw(st.sampled_from(sorted(self.sops)))
        model = self.sops[sop_id]
        steps = [*model.steps, f"Langkah baru {self._next()}."]
        text = sop_text(sop_id, steps)
        reason = "perbaikan ejaan" if editorial else None
        base = len(model.versions)  # edited from the current version
        if model.withdrawn:
            self._refused(self.store.sops.update, text, by=ACTOR, message="ubah", base=base, editorial=reason)
            return
        v = self.store.sops.update(text, by=ACTOR, message="ubah", base=base, editorial=reason)
        assert v.version == len(model.versions) + 1
        model.versions.append(text.encode())
        model.carries.append(editorial)
        model.steps = steps
        self.commits += 1

    @precondition(lambda self: any(len(m.versions) > 1 for m in self.sops.values()))
    @rule(data=st.data())
    def update_from_an_old_version_is_refused(self, data: st.DataObject) -> None:
        """A text edited from a version that is no longer current would undo what came after it."""
        sop_id = data.draw(st.sampled_from(sorted(s for s, m in self.sops.items() if len(m.versions) > 1)))
        model = self.sops[sop_id]
        base = data.draw(st.integers(1, len(model.versions) - 1))
        text = sop_text(sop_id, [*model.steps, f"Langkah lama {self._next()}."])
        self._refused(self.store.sops.update, text, by=ACTOR, message="ubah", base=base)

    # -- review sessions ---------------------------------------------------------------------

    @precondition(lambda self: self.session is None and bool(self.sops))
    @rule(data=st.data())
    def start_review(self, data: st.DataObject) -> None:
        ids = data.draw(st.lists(st.sampled_from(sorted(self.sops)), min_size=1, max_size=3, unique=True))
        if any(self.sops[i].withdrawn for i in ids):
            self._refused(self.store.reviews.start, ids, team={ACTOR: "chair"}, ref="SK 1", by=ACTOR)
            return
        review = self.store.reviews.start(ids, team={ACTOR: "chair"}, ref="SK 1", by=ACTOR)
        pinned = {i: len(self.sops[i].versions) for i in ids}
        keys = {i: [item.key for item in review.pinned(i).items] for i in ids}
        body = {i: [item.key for item in review.pinned(i).body_items] for i in ids}
        # The identity part is reviewed too (here: the title), before the steps.
        assert all(keys[i] == ["title", *body[i]] and len(body[i]) == len(self.sops[i].steps) for i in ids)
        self.session = SessionModel(review, pinned, keys, body)
        self.commits += 1

    @precondition(lambda self: self.session is not None)
    @rule(data=st.data(), outcome=st.sampled_from(["keep", "revise", "withdraw"]))
    def set_outcome(self, data: st.DataObject, outcome: str) -> None:
        assert self.session is not None
        self._outcome(data.draw(st.sampled_from(sorted(self.session.pinned))), outcome)

    def _outcome(self, sop_id: str, outcome: str) -> None:
        assert self.session is not None
        reason = "dicabut" if outcome == "withdraw" else None
        self.session.review.outcome(sop_id, outcome, by=ACTOR, reason=reason)
        self.session.outcomes[sop_id] = outcome
        self.commits += 1

    @precondition(lambda self: self.session is not None)
    @rule(data=st.data(), action=st.sampled_from(["keep", "keep", "remove", "replace"]))
    def decide(self, data: st.DataObject, action: str) -> None:
        s = self.session
        assert s is not None
        sop_id = data.draw(st.sampled_from(sorted(s.pinned)))
        key = data.draw(st.sampled_from(s.keys[sop_id]))
        decided = {**s.decisions.get(sop_id, {}), key: action}
        if action == "remove":
            # The title cannot be removed (only replaced); removing every step is refused
            # unless a step is added in their place.
            removes = sum(1 for k in s.body[sop_id] if decided.get(k) == "remove")
            if key == "title" or (removes == len(s.body[sop_id]) and not s.adds.get(sop_id, 0)):
                event("decide: refused " + ("title" if key == "title" else "every step"))
                self._refused(s.review.remove, sop_id, key, by=ACTOR, reason="tidak perlu")
                return
            s.review.remove(sop_id, key, by=ACTOR, reason="tidak perlu")
        elif action == "replace":
            s.review.replace(
                sop_id, key, text=f"Langkah diganti {self._next()}.", by=ACTOR, reason="lebih jelas"
            )
        else:
            s.review.keep(sop_id, key, by=ACTOR)
        s.decisions[sop_id] = decided
        self.commits += 1

    @precondition(lambda self: self.session is not None)
    @rule(data=st.data())
    def keep_rest(self, data: st.DataObject) -> None:
        assert self.session is not None
        self._keep_rest(data.draw(st.sampled_from(sorted(self.session.pinned))))

    def _keep_rest(self, sop_id: str) -> None:
        s = self.session
        assert s is not None
        decided = s.decisions.setdefault(sop_id, {})
        undecided = [k for k in s.keys[sop_id] if k not in decided]
        if not undecided:  # nothing left to keep: refused, nothing written
            self._refused(s.review.keep_rest, sop_id, by=ACTOR)
            return
        entries = s.review.keep_rest(sop_id, by=ACTOR)
        assert [e.key for e in entries] == undecided
        decided.update(dict.fromkeys(undecided, "keep"))
        self.commits += 1

    @precondition(lambda self: self.session is not None)
    @rule(data=st.data())
    def settle_outcomes(self, data: st.DataObject) -> None:
        s = self.session
        assert s is not None
        for sop_id in sorted(set(s.pinned) - set(s.outcomes)):
            self._outcome(sop_id, data.draw(st.sampled_from(["keep", "revise", "revise", "withdraw"])))

    @precondition(lambda self: self.session is not None)
    @rule(data=st.data())
    def add_step(self, data: st.DataObject) -> None:
        s = self.session
        assert s is not None
        sop_id = data.draw(st.sampled_from(sorted(s.pinned)))
        after = data.draw(st.sampled_from(s.body[sop_id]))
        s.review.add(sop_id, after=after, text=f"Langkah tambahan {self._next()}.", by=ACTOR, reason="kurang")
        s.adds[sop_id] = s.adds.get(sop_id, 0) + 1
        self.commits += 1

    def _approvable(self, s: SessionModel) -> bool:
        for sop_id, version in s.pinned.items():
            model = self.sops[sop_id]
            if model.withdrawn or len(model.versions) != version or sop_id not in s.outcomes:
                return False
            if s.outcomes[sop_id] != "revise":
                if s.edits(sop_id):
                    return False
            elif set(s.decisions.get(sop_id, {})) != set(s.keys[sop_id]) or not s.edits(sop_id):
                return False
        return True

    @precondition(lambda self: self.session is not None)
    @rule()
    def approve(self) -> None:
        s = self.session
        assert s is not None
        if not self._approvable(s):
            event("approve: refused")
            self._refused(s.review.approve, by=HEAD)
            return
        event("approve: " + ("withdraws" if "withdraw" in s.outcomes.values() else "approved"))
        result = s.review.approve(by=HEAD, effective=date(2026, 12, 1))
        revised = sorted(i for i, o in s.outcomes.items() if o == "revise")
        assert sorted(result.versions) == revised
        assert sorted(result.withdrawn) == sorted(i for i, o in s.outcomes.items() if o == "withdraw")
        for sop_id in revised:
            model = self.sops[sop_id]
            assert result.versions[sop_id] == len(model.versions) + 1
            new = self.store.sops.get(sop_id)
            assert new.approver is not None and new.approver.id == HEAD and new.session == s.review.id
            assert new.effective == date(2026, 12, 1)
            model.versions.append(new.text.encode())
            model.carries.append(False)
            model.steps = [i.text for i in new.document.body_items]
        for sop_id in result.withdrawn:
            self.sops[sop_id].withdrawn = True
        self.session = None
        self.commits += 1

    @precondition(lambda self: self.session is not None)
    @rule(data=st.data())
    def finish_review(self, data: st.DataObject) -> None:
        """What a team does at the end: settle every outcome, decide the rest, approve."""
        s = self.session
        assert s is not None
        self.settle_outcomes(data)
        for sop_id, outcome in sorted(s.outcomes.items()):
            if outcome != "revise":
                continue
            if not s.edits(sop_id):
                key = s.body[sop_id][0]
                s.review.replace(sop_id, key, text=f"Langkah akhir {self._next()}.", by=ACTOR, reason="jelas")
                s.decisions.setdefault(sop_id, {})[key] = "replace"
                self.commits += 1
            self._keep_rest(sop_id)
        self.approve()

    @precondition(lambda self: self.session is not None)
    @rule()
    def abandon(self) -> None:
        assert self.session is not None
        self.session.review.abandon(by=ACTOR, reason="ditunda")
        self.session = None
        self.commits += 1

    # -- staff and acknowledgements --------------------------------------------------------------

    @rule(
        ids=st.lists(st.sampled_from(sorted(PEOPLE)), min_size=1, max_size=4, unique=True),
        moved=st.booleans(),
    )
    def import_people(self, ids: list[str], moved: bool) -> None:
        rows = []
        changed = False
        for staff_id in ids:
            name, unit, position = PEOPLE[staff_id]
            unit = f"{unit} Baru" if moved else unit
            rows.append(f'{staff_id},{name},"{unit}",{position}\n')
            changed |= self.staff.get(staff_id) != (name, unit, position, True)
            self.staff[staff_id] = (name, unit, position, True)
        self.store.staff.import_csv(("id,name,unit,position\n" + "".join(rows)).encode(), by=ACTOR)
        self.commits += changed  # an import that changes nothing writes nothing

    @rule(staff_id=st.sampled_from(sorted(PEOPLE)))
    def deactivate(self, staff_id: str) -> None:
        person = self.staff.get(staff_id)
        if person is None or not person[3]:
            self._refused(self.store.staff.deactivate, staff_id, by=ACTOR)
            return
        self.store.staff.deactivate(staff_id, by=ACTOR)
        self.staff[staff_id] = (*person[:3], False)
        self.commits += 1

    def _counted(self, model: SopModel) -> list[int]:
        """Versions whose acknowledgements count for the current one, newest first."""
        number = len(model.versions)
        out = [number]
        while number > 1 and model.carries[number - 1]:
            number -= 1
            out.append(number)
        return out

    @precondition(lambda self: bool(self.sops))
    @rule(data=st.data(), staff_id=st.sampled_from(sorted(PEOPLE)), old=st.booleans())
    def ack(self, data: st.DataObject, staff_id: str, old: bool) -> None:
        sop_id = data.draw(st.sampled_from(sorted(self.sops)))
        version = data.draw(st.integers(1, len(self.sops[sop_id].versions))) if old else None
        self._ack(staff_id, sop_id, version)

    @precondition(lambda self: bool(self.sops))
    @rule(data=st.data())
    def ack_everyone(self, data: st.DataObject) -> None:
        """A briefing's worth: every registered person acknowledges one SOP."""
        sop_id = data.draw(st.sampled_from(sorted(self.sops)))
        for staff_id in sorted(self.staff):
            self._ack(staff_id, sop_id, None)

    def _ack(self, staff_id: str, sop_id: str, version: int | None) -> None:
        model = self.sops[sop_id]
        current = len(model.versions)
        person = self.staff.get(staff_id)
        if person is None or not person[3] or model.withdrawn or version not in (None, current):
            self._refused(self.store.acks.record, staff_id, sop_id, by=ACTOR, version=version)
            return
        outcome = self.store.acks.record(staff_id, sop_id, by=ACTOR, version=version)
        counted = self._counted(model)
        already = [v for v in counted if (staff_id, sop_id, v) in self.acks]
        assert outcome.version == current
        assert outcome.created == (not already), (outcome, already)
        event(
            "ack: "
            + ("recorded" if outcome.created else "carried over" if already[0] != current else "present")
        )
        if outcome.created:
            self.acks.add((staff_id, sop_id, current))
            self.commits += 1
        else:
            assert outcome.record.version == already[0]

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def history_is_append_only(self) -> None:
        for sop_id, model in self.sops.items():
            record = self.store.sops.record(sop_id)
            assert len(record.versions) == len(model.versions)
            for n, data in enumerate(model.versions, 1):
                assert self.store.sops.text(sop_id, version=n) == data
                commit = self.store.sops.commit_of(sop_id, n)
                assert commit is not None
                assert self.tags.setdefault((sop_id, n), commit) == commit

    @invariant()
    def one_current_version_per_active_sop(self) -> None:
        for sop_id, model in self.sops.items():
            statuses = [
                self.store.sops.get(sop_id, version=n).status for n in range(1, len(model.versions) + 1)
            ]
            if model.withdrawn:
                assert "current" not in statuses and statuses[-1] == "withdrawn"
            else:
                assert statuses.count("current") == 1 and statuses[-1] == "current"
        register = {s.id: s for s in self.store.sops.list()}
        assert sorted(register) == sorted(self.sops)
        assert all(register[i].version == len(m.versions) for i, m in self.sops.items())

    @invariant()
    def acknowledgements_are_of_versions_that_were_current(self) -> None:
        records = self.store.acks.list()
        assert {(r.staff, r.sop, r.version) for r in records} == self.acks
        assert len(records) == len(self.acks)  # never twice
        for r in records:
            expected = hashlib.sha256(self.sops[r.sop].versions[r.version - 1]).hexdigest()
            assert r.content_sha256 == expected

    @invariant()
    def one_commit_per_operation_and_a_linear_history(self) -> None:
        commits = list(self.store.snapshot().repo.walk(self.store.head()))
        assert len(commits) == self.commits
        assert all(len(c.parents) <= 1 for c in commits)

    def teardown(self) -> None:
        try:
            fsck = subprocess.run(
                ["git", "--git-dir", str(self.store.path), "fsck", "--strict", "--no-dangling"],
                capture_output=True,
                text=True,
                check=False,
            )
            assert fsck.returncode == 0, fsck.stderr
            report = self.store.audit.verify()
            assert report.ok, report.findings
        finally:
            self.store.close()
            shutil.rmtree(self.dir, ignore_errors=True)


Lifecycle.TestCase.settings = fuzz_settings(60, stateful_step_count=40)
test_lifecycle = Lifecycle.TestCase
