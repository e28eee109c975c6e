"""The transformers backend with tiny GPT-2 models built here and loaded through the real path.

A random GPT-2 writes gibberish, so the first test asserts only what is real: it ran,
and its cost was recorded. Two more models are steered (the final layer norm outputs
a constant, the output layer favours one token) so that they always write one known
number: one the facts contain and one they do not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tokenizers
import torch
import transformers

from reports.summarizer import render_template, summarize
from reports.summarizer.backends import transformers_backend
from tests.reports.samples import weekly_facts

SENTENCES = [
    "En Bellavista se registraron 42 incidentes en la semana 2025-W10 .",
    "Robo Hurto Lesiones Estafa subió bajó 12 % 57 datos resumen promedio semanas",
]
CHAT_TEMPLATE = (
    "{% for message in messages %}{{ message['role'] }} : {{ message['content'] }} "
    "{% endfor %}{% if add_generation_prompt %}assistant : {% endif %}"
)


def build_model(
    directory: Path, *, always_says: str | None = None, chat: bool = False, n_positions: int = 2048
) -> Path:
    """Save a one-layer GPT-2 and a word-level tokenizer trained on a few sentences."""
    tokenizer = tokenizers.Tokenizer(tokenizers.models.WordLevel(unk_token="[UNK]"))
    tokenizer.pre_tokenizer = tokenizers.pre_tokenizers.WhitespaceSplit()
    trainer = tokenizers.trainers.WordLevelTrainer(special_tokens=["[UNK]", "<|endoftext|>"])
    tokenizer.train_from_iterator(SENTENCES, trainer)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        eos_token="<|endoftext|>",
        bos_token="<|endoftext|>",
        pad_token="<|endoftext|>",
    )
    if chat:
        fast.chat_template = CHAT_TEMPLATE
    eos = int(fast.convert_tokens_to_ids("<|endoftext|>"))  # type: ignore[arg-type]
    config = transformers.GPT2Config(
        n_layer=1,
        n_head=2,
        n_embd=32,
        n_positions=n_positions,
        vocab_size=len(fast),
        bos_token_id=eos,
        eos_token_id=eos,
        tie_word_embeddings=always_says is None,
    )
    torch.manual_seed(0)
    model = transformers.GPT2LMHeadModel(config)
    if always_says is not None:
        _steer(model, int(fast.convert_tokens_to_ids(always_says)))  # type: ignore[arg-type]
    model.save_pretrained(directory)
    fast.save_pretrained(directory)
    return directory


def _steer(model: Any, token_id: int) -> None:
    with torch.no_grad():
        model.transformer.ln_f.weight.zero_()
        model.transformer.ln_f.bias.fill_(1.0)
        model.lm_head.weight.zero_()
        model.lm_head.weight[token_id].fill_(1.0)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    return {
        "random": build_model(root / "random"),
        "invents": build_model(root / "invents", always_says="57"),
        "grounded": build_model(root / "grounded", always_says="42", chat=True),
    }


def settings_for(path: Path, **overrides: Any) -> dict[str, Any]:
    return {
        "SUMMARIZER_BACKEND": "transformers",
        "LLM_MODEL_PATH": str(path),
        "LLM_MAX_NEW_TOKENS": 8,
        "LLM_TIMEOUT_S": 60,
    } | overrides


def test_it_runs_a_local_model_and_records_its_cost(models: dict[str, Path]) -> None:
    summary = summarize(weekly_facts(), settings=settings_for(models["random"]))

    assert (summary.backend, summary.model) == ("transformers", str(models["random"]))
    assert summary.prompt_tokens is not None and summary.prompt_tokens > 50
    assert summary.completion_tokens is not None and 1 <= summary.completion_tokens <= 8
    assert summary.latency_ms >= 0
    if summary.fell_back:
        assert summary.text == render_template(weekly_facts())
        assert summary.fallback_reason.startswith(
            ("numbers not in the facts: ", "the model returned no text")
        )
    else:
        assert summary.text


def test_it_decodes_greedily_so_the_same_facts_give_the_same_answer(
    models: dict[str, Path],
) -> None:
    first = summarize(weekly_facts(), settings=settings_for(models["random"]))
    second = summarize(weekly_facts(), settings=settings_for(models["random"]))

    assert (first.text, first.completion_tokens) == (second.text, second.completion_tokens)


def test_it_rejects_a_local_model_that_invents_a_number(models: dict[str, Path]) -> None:
    summary = summarize(weekly_facts(), settings=settings_for(models["invents"]))

    assert summary.fell_back
    assert summary.fallback_reason == "numbers not in the facts: 57"
    assert summary.text == render_template(weekly_facts())
    assert summary.completion_tokens == 8


def test_it_keeps_a_local_answer_whose_numbers_are_facts(models: dict[str, Path]) -> None:
    summary = summarize(weekly_facts(), language="en", settings=settings_for(models["grounded"]))

    assert not summary.fell_back
    assert summary.text == " ".join(["42"] * 8)
    assert summary.language == "en"


def test_it_loads_each_model_directory_once(models: dict[str, Path]) -> None:
    transformers_backend.clear_model_cache()
    first = transformers_backend.load_model(str(models["random"]))

    summarize(weekly_facts(), settings=settings_for(models["random"]))

    assert transformers_backend.load_model(str(models["random"])) is first


def test_it_falls_back_when_the_model_directory_is_missing(tmp_path: Path) -> None:
    summary = summarize(weekly_facts(), settings=settings_for(tmp_path / "nowhere"))

    assert summary.fell_back
    assert summary.fallback_reason == f"LLM_MODEL_PATH '{tmp_path / 'nowhere'}' is not a directory"


def test_it_falls_back_when_the_prompt_does_not_fit_the_model(tmp_path: Path) -> None:
    directory = build_model(tmp_path / "short", n_positions=64)

    summary = summarize(weekly_facts(), settings=settings_for(directory))

    assert summary.fell_back
    assert "does not fit in 64" in summary.fallback_reason
