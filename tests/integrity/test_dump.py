"""A dump of the database holds no integrity content in clear (issue 15, SECURITY.md row "integrity").

Records are written and committed, then ``pg_dump`` of the test database is read as text: every
content string (a talk's reason, content, statement and opinion, a correction, a rectification's text
and evidence, an opinion letter's remarks, a four-forms entry's note) must be absent, while the plain
fields of the same rows (the talk's place, the letter's request note, the entry's decision reference)
are there: the dump is the real one and would show the content if it were stored in clear.

pg_dump comes with PostgreSQL's client (``postgresql-client``, which ``.ci/run`` installs with
``pg_isready``); it is looked for on PATH and under /usr/lib/postgresql/*/bin, the server's own version
first. In CI a missing pg_dump fails the test (``tests.conftest.need``).
"""

import datetime
import glob
import os
import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.utils import timezone

from integrity.models import FourFormsEntry, OpinionLetter, Rectification, Talk, TalkCorrection

from ..cadres.factories import CadreFactory
from ..conftest import need
from ..factories import UserFactory
from .factories import FourFormsEntryFactory, OpinionLetterFactory, RectificationFactory, TalkFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRETS = {
    "reason": "〔转储测试·谈话事由：收受购物卡〕",
    "content": "〔转储测试·谈话内容：违规接受宴请三次〕",
    "statement": "〔转储测试·本人表态：深刻检讨〕",
    "opinion": "〔转储测试·谈话人意见：责令退还〕",
    "correction": "〔转储测试·更正：宴请次数应为四次〕",
    "rectification": "〔转储测试·整改事项：退还购物卡〕",
    "evidence": "〔转储测试·整改证据：退款凭证已交〕",
    "remarks": "〔转储测试·意见书评语：存在违纪问题〕",
    "note": "〔转储测试·四种形态备注：批评教育〕",
}
IN_CLEAR = {
    "place": "〔转储测试·地点：第三会议室〕",
    "request_note": "〔转储测试·拟提任工会副主席〕",
    "decision_ref": "转储纪〔2026〕77号",
}


def pg_dump_binary() -> str | None:
    """The pg_dump of the server's major version where there is one, else the one on PATH."""
    major = connection.cursor().connection.info.server_version // 10000
    for candidate in [f"/usr/lib/postgresql/{major}/bin/pg_dump", shutil.which("pg_dump")]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))
    return found[-1] if found else None


def dump_database() -> str:
    binary = pg_dump_binary()
    need(binary is not None, "pg_dump (postgresql-client)")
    settings = connection.settings_dict
    command = [binary, "--data-only", "--no-owner", "--dbname", settings["NAME"]]
    if settings.get("HOST"):
        command += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        command += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        command += ["--username", settings["USER"]]
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or "", "PGCLIENTENCODING": "UTF8"}
    result = subprocess.run(command, capture_output=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout.decode("utf-8")


def table_rows(dump: str, table: str) -> list[str]:
    """The COPY rows of one table in the dump."""
    match = re.search(rf"^COPY public\.{table} \(.*?\) FROM stdin;\n(.*?)^\\\.$", dump, re.S | re.M)
    assert match, f"{table} is not in the dump"
    return match.group(1).splitlines()


def test_a_database_dump_holds_no_integrity_content_in_clear(tree):
    officer = UserFactory()
    cadre = CadreFactory(union=tree["s1"], name="〔转储测试干部〕")
    talk = TalkFactory(
        cadre=cadre,
        recorder=officer,
        kind=Talk.Kind.ADMONISHMENT,
        place=IN_CLEAR["place"],
        reason=SECRETS["reason"],
        content=SECRETS["content"],
        statement=SECRETS["statement"],
        opinion=SECRETS["opinion"],
        status=Talk.Status.RECTIFYING,
    )
    TalkCorrection.objects.create(talk=talk, text=SECRETS["correction"], by=officer)
    RectificationFactory(
        talk=talk,
        text=SECRETS["rectification"],
        evidence=SECRETS["evidence"],
        evidence_at=timezone.now(),
        status=Rectification.Status.EVIDENCE_GIVEN,
    )
    OpinionLetterFactory(
        cadre=cadre,
        requested_by=officer,
        request_note=IN_CLEAR["request_note"],
        status=OpinionLetter.Status.ISSUED,
        conclusion=OpinionLetter.Conclusion.PROBLEM,
        problem_category=OpinionLetter.ProblemCategory.INTEGRITY,
        remarks=SECRETS["remarks"],
        as_of=datetime.date(2026, 7, 1),
        valid_until=datetime.date(2026, 9, 30),
        issued_by=officer,
        issued_at=timezone.now(),
    )
    FourFormsEntryFactory(
        cadre=cadre,
        created_by=officer,
        decision_ref=IN_CLEAR["decision_ref"],
        note=SECRETS["note"],
        form=FourFormsEntry.Form.FIRST,
        measure=FourFormsEntry.Measure.CRITICISM,
    )
    # The rows read back through the models are whole: what the dump lacks was stored, encrypted.
    assert Talk.objects.get(pk=talk.pk).content == SECRETS["content"]

    dump = dump_database()

    talk_rows = [row for row in table_rows(dump, "integrity_talk") if row.startswith(f"{talk.pk}\t")]
    assert len(talk_rows) == 1, "the talk's row is in the dump"
    for word, text in IN_CLEAR.items():
        assert text in dump, f"{word} is stored in clear, so the dump shows it: the dump is the real one"
    leaked = [word for word, text in SECRETS.items() if text in dump]
    assert leaked == [], f"in clear in the dump: {leaked}"
    # Nor any telling part of them (a column in another encoding or cut short would still show these).
    fragments = ["违规接受宴请", "收受购物卡", "深刻检讨", "责令退还", "退款凭证", "存在违纪问题", "应为四次"]
    assert [f for f in fragments if f in dump] == []
    # The columns hold Fernet tokens (members.pii), not the text in another form.
    assert "\tgAAAAA" in talk_rows[0]
