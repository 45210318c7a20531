"""The prompt files: each one is rendered by the answering code, strictly (a variable that is
missing or unknown is an error naming it, never a prompt with a hole or a stray `$name`)."""

from __future__ import annotations

import pytest

from chatbot.domain import Options, Source, Turn
from chatbot.errors import ConfigError
from chatbot.phrasing import DECLINE
from chatbot.prompts import NAMES, Prompts
from chatbot.rag import Engine
from conftest import ROOT

FOLDER = ROOT / "prompts"


def _engine() -> Engine:
    return Engine(None, None, Prompts(FOLDER), Options())  # type: ignore[arg-type]  # messages() only


def _sources() -> list[Source]:
    return [Source(n=1, doc="a.md", text="Mistral AI publie Mistral 7B.", score=1.0, position=0, start=0,
                   end=30, title="Mistral"),
            Source(n=2, doc="a.md", text="Sous licence Apache 2.0.", score=0.9, position=1, start=30, end=54,
                   title="Mistral"),
            Source(n=3, doc="b.md", text="IBM publie Granite.", score=0.8, position=0, start=0, end=19)]


def test_every_prompt_file_is_one_the_code_renders():
    files = {p.stem for p in FOLDER.glob("*.txt")}
    assert files == set(NAMES)


def test_a_prompt_renders_every_file_with_nothing_left_unfilled():
    messages = _engine().messages("Who released Mistral 7B?", [Turn("user", "Bonjour"), Turn("assistant", "Oui.")],
                                  _sources(), Options())
    assert [m.role for m in messages] == ["system", "user", "assistant", "user"]
    system, user = messages[0].content, messages[-1].content
    assert DECLINE in system  # system.txt, with its variable
    assert "[1] (Mistral) « Mistral AI publie Mistral 7B. »" in user  # passage.txt, the title once
    assert "[2] « Sous licence Apache 2.0. »" in user  # the same document's title is not repeated
    assert "[3] « IBM publie Granite. »" in user
    assert user.index("[3]") < user.index("Question : Who released Mistral 7B?")  # user.txt: question last
    assert user.endswith("La question est en anglais : réponds en français.")  # english.txt
    assert all("$" not in m.content for m in messages)


def test_a_french_question_gets_no_english_line():
    user = _engine().messages("Qui a publié Mistral 7B ?", [], _sources(), Options())[-1].content
    assert "anglais" not in user and user.endswith("Question : Qui a publié Mistral 7B ?")


def test_only_the_last_turns_are_kept_and_cut():
    history = [Turn("user" if i % 2 == 0 else "assistant", f"tour {i} " + "x" * 700) for i in range(8)]
    messages = _engine().messages("Et ensuite ?", history, _sources(), Options(history_turns=2))
    past = messages[1:-1]
    assert [m.content[:7] for m in past] == ["tour 4 ", "tour 5 ", "tour 6 ", "tour 7 "]
    assert all(len(m.content) == 600 for m in past)


def test_a_keyword_query_gets_the_keywords_line_and_a_question_does_not():
    engine = _engine()
    typed = engine.messages("licence granite ibm", [], _sources(), Options())[-1].content
    assert typed.endswith("Question : licence granite ibm\n" + Prompts(FOLDER).render("keywords"))
    for question in ("Quelle licence pour Granite ?", "Sous quelle licence IBM publie Granite",
                     "Je prépare une note. Sous quelle licence IBM publie-t-il Granite ?"):
        assert "mots-clés" not in engine.messages(question, [], _sources(), Options())[-1].content


def test_a_why_question_gets_the_premise_line_and_other_questions_do_not():
    engine = _engine()
    line = Prompts(FOLDER).render("premise")
    for question in ("Pourquoi IBM a-t-il choisi une licence propriétaire ?",
                     "Pour quelle raison Mistral AI garde-t-il ses modèles secrets ?",
                     "Je prépare une note sur Granite. Pourquoi IBM publie-t-il ses modèles ?"):
        assert engine.messages(question, [], _sources(), Options())[-1].content.endswith(f"Question : {question}\n{line}")
    for question in ("Quelle licence pour Granite ?", "Je me demande pourquoi. Qui publie Granite ?"):
        assert line not in engine.messages(question, [], _sources(), Options())[-1].content


def test_an_unknown_variable_is_refused_by_name():
    with pytest.raises(ConfigError, match="has no variable.*colour"):
        Prompts(FOLDER).render("user", passages="", question="q", colour="bleu")


def test_a_missing_variable_is_refused_by_name():
    with pytest.raises(ConfigError, match="needs the variable 'question'"):
        Prompts(FOLDER).render("user", passages="")


def test_a_missing_prompt_file_is_named(tmp_path):
    for name in NAMES[1:]:
        (tmp_path / f"{name}.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"prompt file missing: .*system\.txt"):
        Prompts(tmp_path)


def test_a_stray_dollar_in_a_prompt_file_is_an_error_not_a_crash(tmp_path):
    for name in NAMES:
        (tmp_path / f"{name}.txt").write_text("ok", encoding="utf-8")
    (tmp_path / "english.txt").write_text("Coût : 5 $ par mois", encoding="utf-8")
    with pytest.raises(ConfigError, match="english"):
        Prompts(tmp_path).render("english")


def test_the_kept_exchanges_move_two_at_a_time_so_the_prompt_keeps_its_beginning():
    from chatbot.prompts import window

    history: list[Turn] = []
    kept = []
    for i in range(1, 8):
        kept.append([t.content for t in window(history, 2) if t.role == "user"])
        history += [Turn("user", f"q{i}"), Turn("assistant", f"r{i}")]
    assert kept == [[], ["q1"], ["q1", "q2"], ["q1", "q2", "q3"], ["q3", "q4"], ["q3", "q4", "q5"],
                    ["q5", "q6"]]
    assert window(history, 0) == []
