"""What the fixtures parse or compute once per run is computed once, and every caller still gets its own."""

from __future__ import annotations

import os

from certify.auth.models import User
from certify.extensions import db
from tests.support import catalogs
from tests.support.once import TEMPLATES


def test_a_set_of_sources_is_parsed_once_and_each_caller_gets_its_own_copy(monkeypatch):
    calls = []
    real = catalogs.parse_sources
    monkeypatch.setattr(catalogs, "parse_sources", lambda sources: calls.append(sources) or real(sources))
    sources = (("once.yaml", "competencies:\n  - code: ZZ\n    title: Parsed once per run\n"),)
    first, second = catalogs.parsed_catalog(sources), catalogs.parsed_catalog(sources)
    assert len(calls) == 1
    assert first == second and first is not second
    first.competencies.clear()
    assert catalogs.parsed_catalog(sources).competencies == second.competencies != []


def test_a_source_file_that_changes_is_read_again(tmp_path, monkeypatch):
    reads = []
    real = catalogs.source_files.load_catalog
    monkeypatch.setattr(catalogs.source_files, "load_catalog", lambda paths: reads.append(paths) or real(paths))
    source = tmp_path / "extra.yaml"
    source.write_text("competencies:\n  - code: ZZ\n    title: First\n")
    catalogs.repository_catalog([tmp_path])
    catalogs.repository_catalog([tmp_path])
    assert len(reads) == 1
    source.write_text("competencies:\n  - code: ZZ\n    title: Second, longer\n")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 1_000_000))
    changed = catalogs.repository_catalog([tmp_path])
    assert len(reads) == 2 and any(c.title == "Second, longer" for c in changed.competencies)


def test_users_made_by_the_fixture_share_one_real_hash_and_sign_in(app, make_user, auth):
    ada, ben = make_user(email="ada@example.org"), make_user(email="ben@example.org")
    with app.app_context():
        hashes = {db.session.get(User, person.id).password_hash for person in (ada, ben)}
    assert len(hashes) == 1 and hashes.pop().startswith("scrypt:")
    assert auth.login("ben@example.org").status_code == 302


def test_apps_share_compiled_templates(app_factory, monkeypatch):
    first, second = app_factory(), app_factory()
    first.jinja_env.get_template("errors/error.html")
    reused, compiled = [], []
    real_load = TEMPLATES.load_bytecode

    def load(bucket):
        real_load(bucket)
        reused.append(bucket.code is not None)

    monkeypatch.setattr(TEMPLATES, "load_bytecode", load)
    monkeypatch.setattr(TEMPLATES, "dump_bytecode", lambda bucket: compiled.append(bucket.key))
    second.jinja_env.get_template("errors/error.html")
    assert reused == [True] and compiled == []


def test_url_builders_compiled_on_first_use_build_every_url_as_werkzeug_would(app):
    """Under the session fixture every builder is deferred; each must build what werkzeug's own builder builds."""
    from tests.support.once import WERKZEUG_COMPILE_BUILDER as compile_builder
    from tests.support.once import _DeferredBuilder

    deferred = [rule for rule in app.url_map.iter_rules() if isinstance(rule._build, _DeferredBuilder)]
    assert len(deferred) == len(list(app.url_map.iter_rules())) > 100
    for rule in deferred:
        values = {name: _sample(rule, name) for name in rule.arguments}
        for unknown in (False, True):
            expected = compile_builder(rule, unknown).__get__(rule, None)(**values)
            attribute = "_build_unknown" if unknown else "_build"
            assert getattr(rule, attribute)(**values) == expected
            assert not isinstance(getattr(rule, attribute), _DeferredBuilder)  # compiled once, then kept


def _sample(rule, name):
    converter = type(rule._converters[name]).__name__ if name in rule._converters else ""
    return 7 if "Integer" in converter else "sample-value"
